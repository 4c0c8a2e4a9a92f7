/**
 * The `counters` behind ticket numbers: one row per tenant and key, incremented inside
 * the creating transaction.
 */
import { sql } from 'kysely';
import { InternalError } from '../../src/errors.js';
import { runCached, type QueryContext } from './query-context.js';

/**
 * Increments the tenant's counter `key` and returns the new value (1 for a new key). The
 * upsert holds the counter row's lock until the transaction ends, so numbers are gapless
 * and unique: a concurrent creator waits, a rollback gives the number back.
 */
export async function nextSequence(ctx: QueryContext, tenantId: string, key: string): Promise<number> {
  const { capabilities } = ctx.hooks;
  const upsert = ([tenant, counter]: readonly unknown[]) => {
    const insert = ctx.db.insertInto('counters').values({ tenant_id: tenant as string, key: counter as string, value: 1 });
    const bumped = sql<number>`${sql.ref('counters.value')} + 1`;
    return capabilities.upsert === 'on-conflict'
      ? insert.onConflict((oc) => oc.columns(['tenant_id', 'key']).doUpdateSet({ value: bumped }))
      : insert.onDuplicateKeyUpdate({ value: bumped });
  };
  if (capabilities.returning) {
    const { rows } = await runCached(ctx, 'next sequence', [tenantId, key], (args) => upsert(args).returning('value'));
    return valueOf(rows[0], tenantId, key);
  }
  // Without RETURNING: the upsert has locked the row, so a read in the same transaction
  // sees this transaction's value.
  await runCached(ctx, 'bump sequence', [tenantId, key], upsert);
  const { rows } = await runCached(ctx, 'read sequence', [tenantId, key], ([tenant, counter]) =>
    ctx.db
      .selectFrom('counters')
      .select('value')
      .where('tenant_id', '=', tenant as string)
      .where('key', '=', counter as string),
    true,
  );
  return valueOf(rows[0], tenantId, key);
}

function valueOf(row: { value: unknown } | undefined, tenantId: string, key: string): number {
  if (row === undefined) throw new InternalError(`ticketry: counter ${key} of tenant ${tenantId} has no row after its upsert`);
  return Number(row.value);
}
