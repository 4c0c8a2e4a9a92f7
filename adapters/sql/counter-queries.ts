/**
 * The `counters` behind ticket numbers: one row per tenant and key, incremented inside
 * the creating transaction.
 */
import { sql } from 'kysely';
import type { QueryContext } from './query-context.js';

/**
 * Increments the tenant's counter `key` and returns the new value (1 for a new key). The
 * upsert holds the counter row's lock until the transaction ends, so numbers are gapless
 * and unique: a concurrent creator waits, a rollback gives the number back.
 */
export async function nextSequence(ctx: QueryContext, tenantId: string, key: string): Promise<number> {
  const { capabilities } = ctx.hooks;
  const insert = ctx.db.insertInto('counters').values({ tenant_id: tenantId, key, value: 1 });
  const bumped = sql<number>`${sql.ref('counters.value')} + 1`;
  const upsert =
    capabilities.upsert === 'on-conflict'
      ? insert.onConflict((oc) => oc.columns(['tenant_id', 'key']).doUpdateSet({ value: bumped }))
      : insert.onDuplicateKeyUpdate({ value: bumped });
  if (capabilities.returning) {
    const row = await upsert.returning('value').executeTakeFirstOrThrow();
    return Number(row.value);
  }
  // Without RETURNING: the upsert has locked the row, so a read in the same transaction
  // sees this transaction's value.
  await upsert.execute();
  const row = await ctx.db
    .selectFrom('counters')
    .select('value')
    .where('tenant_id', '=', tenantId)
    .where('key', '=', key)
    .executeTakeFirstOrThrow();
  return Number(row.value);
}
