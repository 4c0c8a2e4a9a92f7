/**
 * Notify-once: one write can emit several events about one ticket (a PATCH that assigns
 * and changes status emits `ticket.updated`, `ticket.assigned` and
 * `ticket.status_changed`), and each computes its own `notify`, so the same person would be
 * named several times. Across the events of one change, each recipient (the customer,
 * each staff id, the queue) keeps only the most specific event that names them, so a
 * host that sends from every event's `notify` tells each person once, with the news that
 * matters most to them.
 */
import type { Notify, TicketEvent, TicketEventType } from './event-types.js';

/**
 * Which event tells a person about a change, most specific first:
 * - a message (`created`, `replied`) carries content the person must read, and already
 *   implies the status change a reply makes;
 * - `assigned` is the news for the new assignee ("this is yours now"); the status is on
 *   the ticket they are handed. It never names the customer;
 * - `status_changed` is the news for the customer (the only field change they are told of);
 * - `merged`/`split` say where the thread went, which the status change they make implies;
 * - the message, archive, delete and lock events name one kind of change each;
 * - `updated` is the catch-all for other fields, so it keeps only who no other event named.
 * SLA alerts never share a change with another event; they rank last for completeness.
 */
export const NOTIFY_PRECEDENCE: readonly TicketEventType[] = [
  'ticket.created',
  'ticket.replied',
  // Where the thread went says more than the status change a merge or split makes.
  'ticket.merged',
  'ticket.split',
  'ticket.assigned',
  'ticket.status_changed',
  'message.edited',
  'message.hidden',
  'message.unhidden',
  'ticket.archived',
  'ticket.unarchived',
  'ticket.restored',
  'ticket.deleted',
  'ticket.locked',
  'ticket.unlocked',
  'ticket.updated',
  'sla.breached',
  'sla.warning',
];

const rank = (type: TicketEventType) => NOTIFY_PRECEDENCE.indexOf(type);

/**
 * The events of one write with each person named in the `notify` of exactly one event
 * per change (events sharing a `changeId`): the most specific one, the earliest on a tie.
 * Returns new events; the order of `events` is kept.
 */
export function notifyOnce(events: readonly TicketEvent[]): TicketEvent[] {
  // Most specific first; the sort is stable, so equal ranks keep their order.
  const byPrecedence = events.map((event, index) => ({ event, index }));
  byPrecedence.sort((a, b) => rank(a.event.type) - rank(b.event.type));

  const told = new Map<string, Set<string>>(); // changeId -> recipient keys already named
  const notifies: Notify[] = new Array<Notify>(events.length);
  for (const { event, index } of byPrecedence) {
    const seen = told.get(event.changeId) ?? new Set<string>();
    told.set(event.changeId, seen);
    const first = (key: string) => !seen.has(key) && (seen.add(key), true);
    const { customerId, staffIds, queue } = event.notify;
    notifies[index] = {
      customerId: customerId !== null && first(`customer:${customerId}`) ? customerId : null,
      staffIds: staffIds.filter((id) => first(`staff:${id}`)),
      queue: queue && first('queue'),
    };
  }
  return events.map((event, index) => ({ ...event, notify: notifies[index]! }) as TicketEvent);
}
