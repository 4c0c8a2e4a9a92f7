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
  return structuredClone({
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
