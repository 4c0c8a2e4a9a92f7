/**
 * One write: a store transaction whose events are written to the outbox inside it and
 * emitted after it commits (or left for the host to flush when it owns the transaction).
 */
import { emitEvent } from '../events/emit.js';
import { PendingEvents } from '../events/pending-events.js';
import type { StoreTx } from '../store.js';
import type { ServiceContext } from './service-context.js';

/** Runs `fn` in one transaction, then emits what it recorded in `events`. */
export async function runWrite<T>(
  ctx: ServiceContext,
  fn: (tx: StoreTx, events: PendingEvents) => Promise<T>,
): Promise<T> {
  let pending: PendingEvents | undefined;
  const result = await ctx.store.transaction(async (tx) => {
    pending = new PendingEvents(tx, ctx.tenantId, ctx.id);
    return fn(tx, pending);
  });
  const events = pending?.events ?? [];
  // In a host's transaction nothing is committed yet: the host flushes after its commit.
  if (events.length > 0 && !ctx.store.deferEvents) {
    for (const event of events) emitEvent(ctx.events, event, ctx.onListenerError);
    try {
      await ctx.store.markDelivered(
        ctx.tenantId,
        events.map((e) => e.eventId),
      );
    } catch {
      // Already emitted; at worst a later runScheduledWork emits them again (at-least-once).
    }
  }
  return result;
}
