/**
 * One write: a store transaction whose events are written to the outbox at its end,
 * inside it, and emitted after it commits (or left for the host to flush when it owns the
 * transaction).
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
    pending = new PendingEvents(tx, ctx.tenantId, ctx.id, ctx.config.customerStatuses, ctx.dispatch);
    const value = await fn(tx, pending);
    // Once every event of the write is known (notify-once needs them all), in the same
    // transaction: the change and its events commit together or not at all.
    await pending.writeOutbox();
    return value;
  });
  const events = pending?.events ?? [];
  // In a host's transaction nothing is committed yet: the host flushes after its commit.
  if (events.length > 0 && !ctx.store.deferEvents) {
    // emitEvent never throws: listener failures go to onListenerError.
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
