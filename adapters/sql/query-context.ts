/**
 * What every query function runs on: a Kysely executor (the store's database, one
 * connection inside a transaction, or a host's transaction) and the dialect's hooks.
 */
import type { ExpressionBuilder, Expression, InsertQueryBuilder, InsertResult, Kysely, SelectQueryBuilder, SqlBool } from 'kysely';
import type { StoreScope } from '../../src/store.js';
import type { SqlDialectHooks } from './dialect-hooks.js';
import type { TicketTable, TicketryDatabase } from './schema.js';

/** The executor and hooks a query runs with. */
export interface QueryContext {
  readonly db: Kysely<TicketryDatabase>;
  readonly hooks: SqlDialectHooks;
}

/** The database as seen by a query on `tickets as t`. */
export type WithTicketAlias = TicketryDatabase & { t: TicketTable };

/**
 * The scope's conditions on `tickets as t`: tenant, soft delete, subscriber, reseller.
 * Every ticket query starts from these.
 */
export function ticketScope(
  eb: ExpressionBuilder<WithTicketAlias, 't'>,
  scope: StoreScope,
): Expression<SqlBool> {
  const conditions: Expression<SqlBool>[] = [eb('t.tenant_id', '=', scope.tenantId)];
  if (!scope.includeDeleted) conditions.push(eb('t.deleted_at', 'is', null));
  if (scope.subscriberId !== undefined) conditions.push(eb('t.subscriber_id', '=', scope.subscriberId));
  if (scope.resellerId !== undefined) conditions.push(eb('t.reseller_id', '=', scope.resellerId));
  if (scope.requesterResellerId === null) conditions.push(eb('t.requester_reseller_id', 'is', null));
  else if (scope.requesterResellerId !== undefined) conditions.push(eb('t.requester_reseller_id', '=', scope.requesterResellerId));
  if (scope.addressedTo !== undefined) conditions.push(eb('t.addressed_to', '=', scope.addressedTo));
  return eb.and(conditions);
}

/**
 * A `LIKE` pattern matching `text` anywhere, case-folded like `String#toLowerCase`, with
 * the pattern characters `%`, `_` and the escape character `\` escaped.
 */
export function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Adds a row lock to a SELECT as the dialect allows: `FOR UPDATE` (`wait`), or `FOR
 * UPDATE SKIP LOCKED` (`skip`, where supported; plain `FOR UPDATE` otherwise, which is
 * still correct, only slower under contention). Without row locks the query is returned
 * unchanged: the dialect's write transaction already excludes other writers.
 */
export function lockRows<DB, TB extends keyof DB, O>(
  ctx: QueryContext,
  query: SelectQueryBuilder<DB, TB, O>,
  mode: 'wait' | 'skip',
): SelectQueryBuilder<DB, TB, O> {
  const caps = ctx.hooks.capabilities;
  if (!caps.rowLocks) return query;
  return mode === 'skip' && caps.skipLocked ? query.forUpdate().skipLocked() : query.forUpdate();
}

/**
 * Runs an INSERT that skips a row whose key exists instead of failing, and tells whether
 * the row went in: `ON CONFLICT DO NOTHING` where the dialect writes upserts that way
 * (in Postgres a failed statement would abort the whole transaction). MySQL and MariaDB
 * roll back only the failed statement, and their `INSERT IGNORE` would also swallow
 * foreign-key, truncation and NOT NULL errors: there the plain INSERT runs and a
 * duplicate-key error (`hooks.isDuplicateKey`) means "already there".
 */
export async function insertIgnoringDuplicates<DB, TB extends keyof DB, O>(
  ctx: QueryContext,
  query: InsertQueryBuilder<DB, TB, O>,
): Promise<boolean> {
  if (ctx.hooks.capabilities.upsert === 'on-conflict') {
    const result = (await query.onConflict((oc) => oc.doNothing()).executeTakeFirst()) as unknown as InsertResult | undefined;
    return Number(result?.numInsertedOrUpdatedRows ?? 0) > 0;
  }
  try {
    await query.execute();
    return true;
  } catch (err) {
    if (ctx.hooks.isDuplicateKey?.(err)) return false;
    throw err;
  }
}
