/**
 * Hands an event to the host's listeners. Nothing a listener does reaches the operation
 * that made the event, nor another listener: each listener is called on its own, with its
 * own frozen copy (`listener-view.ts`), and a sync throw or a rejected promise goes to
 * `onListenerError`. mitt's own `emit` stops at the first throw and ignores returned
 * promises (an async listener's rejection is then unhandled, and Node exits), so the
 * handlers are called here, in mitt's order: the event's own, then the `'*'` ones.
 */
import type { Emitter, EventHandlerList, WildCardEventHandlerList } from 'mitt';
import type { TicketEvent, TicketEventMap } from './event-types.js';
import { listenerView } from './listener-view.js';

/** Called with what a listener threw or rejected with, and the event it was handed. */
export type ListenerErrorHandler = (error: unknown, event: TicketEvent) => void;

/** Emits `event` on `emitter`; whatever a listener throws or rejects with goes to `onListenerError`. */
export function emitEvent(
  emitter: Emitter<TicketEventMap>,
  event: TicketEvent,
  onListenerError: ListenerErrorHandler,
): void {
  // Copied first, like mitt: a listener that adds or removes listeners changes the next emit.
  const own = [...((emitter.all.get(event.type) ?? []) as EventHandlerList<unknown>)];
  const wildcard = [...((emitter.all.get('*') ?? []) as WildCardEventHandlerList<TicketEventMap>)];
  for (const handler of own) callListener(() => handler(listenerView(event)), event, onListenerError);
  for (const handler of wildcard) {
    callListener(() => handler(event.type, listenerView(event) as never), event, onListenerError);
  }
}

/** Calls one listener; its throw or rejection is reported, never rethrown. */
function callListener(call: () => unknown, event: TicketEvent, onListenerError: ListenerErrorHandler): void {
  let result: unknown;
  try {
    result = call();
  } catch (error) {
    report(onListenerError, error, event);
    return;
  }
  // mitt types listeners as returning void, but an async function returns a promise.
  if (isThenable(result)) {
    Promise.resolve(result).then(undefined, (error: unknown) => report(onListenerError, error, event));
  }
}

/**
 * Hands a listener's failure to the host. A throwing `onListenerError` must not reach the
 * caller either (nor, from a rejection, become an unhandled rejection), so it is logged.
 */
function report(onListenerError: ListenerErrorHandler, error: unknown, event: TicketEvent): void {
  try {
    onListenerError(error, listenerView(event));
  } catch (handlerError) {
    console.error(`ticketry: onListenerError threw while reporting a ${event.type} listener error`, handlerError, error);
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
