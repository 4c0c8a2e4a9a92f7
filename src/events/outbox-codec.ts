/**
 * Outbox encoding: events are stored as plain JSON in the transaction that made the change
 * and turned back into typed events (with `Date`s) when re-emitted after a crash.
 */
import type { TicketEvent } from './event-types.js';
import type { OutboxEvent } from '../store.js';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** The outbox row for `event`. */
export function toOutbox(event: TicketEvent): OutboxEvent {
  return {
    id: event.eventId,
    ticketId: event.ticket.id,
    type: event.type,
    payload: JSON.parse(JSON.stringify(event)) as Record<string, unknown>,
    createdAt: event.occurredAt,
  };
}

/** The typed event stored in `row`: timestamps (keys ending in `At`) become `Date`s again. */
export function fromOutbox(row: OutboxEvent): TicketEvent {
  return JSON.parse(JSON.stringify(row.payload), (key, value: unknown) =>
    key.endsWith('At') && typeof value === 'string' && ISO.test(value) ? new Date(value) : value,
  ) as TicketEvent;
}
