/**
 * Outbox redelivery: events a crashed instance committed but never emitted, and events a
 * host transaction left for `flushEvents` after its commit. Claimed atomically, so of
 * several instances only one emits each. The outbox codec makes a redelivered event equal
 * its first delivery (same `Date`s, `changeId` and `notify`).
 */
import { InternalError } from '../errors.js';
import { emitEvent } from '../events/emit.js';
import { fromOutbox } from '../events/outbox-codec.js';
import type { ServiceContext } from '../service/service-context.js';

/** Emits up to `limit` undelivered events written before `olderThan`; returns how many. */
export async function redeliver(ctx: ServiceContext, olderThan: Date, limit: number): Promise<number> {
  const rows = await ctx.store.claimUndelivered(ctx.tenantId, olderThan, limit);
  const undecodable: { id: string; error: unknown }[] = [];
  for (const row of rows) {
    let event;
    try {
      event = fromOutbox(row);
    } catch (error) {
      // One unreadable row must not cost the others of the batch, which are claimed too.
      undecodable.push({ id: row.id, error });
      continue;
    }
    emitEvent(ctx.events, event, ctx.onListenerError);
  }
  if (undecodable.length > 0) {
    throw new InternalError(
      `Could not decode outbox events ${undecodable.map((u) => u.id).join(', ')}; they were claimed and not emitted`,
      { cause: undecodable[0]!.error },
    );
  }
  return rows.length;
}
