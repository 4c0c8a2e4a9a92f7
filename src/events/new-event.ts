/** Builds a typed event with the fields every event carries. */
import type { Actor, Ticket } from '../types.js';
import type { TicketEvent, TicketEventMap, TicketEventType } from './event-types.js';

/** The fields an event adds to the common ones (`notify` and the event's own). */
export type EventExtra<K extends TicketEventType> = Omit<
  TicketEventMap[K],
  'type' | 'eventId' | 'changeId' | 'tenantId' | 'ticket' | 'actor' | 'occurredAt' | 'customer'
>;

/** A `type` event about `ticket` by `actor` at `now`, part of change `changeId`. */
export function newEvent<K extends TicketEventType>(
  type: K,
  o: { eventId: string; changeId: string; tenantId: string; ticket: Ticket; actor: Actor; now: Date },
  extra: EventExtra<K>,
): TicketEvent {
  // A deep snapshot: the operation goes on to return (and may still touch) the same
  // ticket and message objects, and the event must show them as they were when it was made.
  return snapshot({
    type,
    eventId: o.eventId,
    changeId: o.changeId,
    tenantId: o.tenantId,
    ticket: o.ticket,
    actor: o.actor,
    occurredAt: o.now,
    customer: null,
    ...extra,
  }) as unknown as TicketEvent;
}

/**
 * `structuredClone(value)` for the plain data an event is made of, several times faster
 * (structuredClone serialises and deserialises; an event of a ticket and its message
 * is a few dozen plain objects, arrays and Dates): the same own enumerable string keys in
 * the same order, Dates copied, an object reached twice copied once (so shared
 * references and cycles come out as structuredClone makes them). Anything else — a Map, a
 * typed array, a class instance, a function — goes to structuredClone itself, which
 * copies or refuses it as before.
 */
export function snapshot<T>(value: T): T {
  return copy(value, new Map()) as T;
}

function copy(value: unknown, seen: Map<object, unknown>): unknown {
  if (typeof value !== 'object' || value === null) {
    // structuredClone refuses functions and symbols with a DataCloneError.
    return typeof value === 'function' || typeof value === 'symbol' ? structuredClone(value) : value;
  }
  const known = seen.get(value);
  if (known !== undefined) return known;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto === Object.prototype || proto === null) {
    const out: Record<string, unknown> = {};
    seen.set(value, out);
    for (const key of Object.keys(value)) {
      const v = copy((value as Record<string, unknown>)[key], seen);
      // A key `__proto__` is an own data property in the copy, not its prototype.
      if (key === '__proto__') Object.defineProperty(out, key, { value: v, writable: true, enumerable: true, configurable: true });
      else out[key] = v;
    }
    return out;
  }
  if (proto === Array.prototype && Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    seen.set(value, out);
    const keys = Object.keys(value);
    // Only plain index entries (holes stay holes); an array with other keys goes to structuredClone.
    if (keys.length <= value.length && keys.every((k, i) => k === String(i) || /^(0|[1-9]\d*)$/.test(k))) {
      for (const key of keys) out[Number(key)] = copy(value[Number(key)], seen);
      return out;
    }
  } else if (proto === Date.prototype) {
    const out = new Date((value as Date).getTime());
    seen.set(value, out);
    return out;
  }
  const out = structuredClone(value);
  seen.set(value, out);
  return out;
}
