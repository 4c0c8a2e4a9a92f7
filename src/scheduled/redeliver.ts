/**
 * Outbox redelivery: events a crashed instance committed but never emitted, and events a
 * host transaction left for `flushEvents` after its commit. Claimed atomically, so of
 * several instances only one emits each.
 */
import { emitEvent } from '../events/emit.js';
import { fromOutbox } from '../events/outbox-codec.js';
import type { ServiceContext } from '../service/service-context.js';

/** Emits up to `limit` undelivered events written before `olderThan`; returns how many. */
export async function redeliver(ctx: ServiceContext, olderThan: Date, limit: number): Promise<number> {
  const rows = await ctx.store.claimUndelivered(ctx.tenantId, olderThan, limit);
  for (const row of rows) emitEvent(ctx.events, fromOutbox(row), ctx.onListenerError);
  return rows.length;
}
