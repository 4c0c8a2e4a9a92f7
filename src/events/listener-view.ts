/**
 * What a listener receives: its own deep copy of the event, deep-frozen. The caller's
 * returned ticket and message, the event written to the outbox, and every other listener's
 * copy stay untouched whatever a listener does; a listener that assigns to its copy
 * throws (ESM code is strict), which goes to `onListenerError` like any other throw.
 * Each listener gets a fresh copy because freezing cannot stop `Date#setTime`.
 */
import type { TicketEvent } from './event-types.js';
import { snapshot } from './new-event.js';

/** A deep-frozen deep copy of `event`. */
export function listenerView<E extends TicketEvent>(event: E): E {
  return deepFreeze(snapshot(event));
}

/** Freezes `value` and everything reachable from it. */
function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key]);
  return value;
}
