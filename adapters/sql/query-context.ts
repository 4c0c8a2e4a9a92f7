/**
 * What every query function runs on: a Kysely executor (the store's database, one
 * connection inside a transaction, or a host's transaction) and the dialect's hooks.
 */
import type { ExpressionBuilder, Expression, Kysely, SqlBool } from 'kysely';
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
  return eb.and(conditions);
}

/**
 * A `LIKE` pattern matching `text` anywhere, case-folded like `String#toLowerCase`, with
 * the pattern characters `%`, `_` and the escape character `\` escaped.
 */
export function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
