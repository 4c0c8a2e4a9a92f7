/**
 * Typed events. Each is written to the outbox in the transaction that made the change and
 * emitted through `desk.events` (mitt) after commit.
 */
import type { CustomerMessage, CustomerTicket } from '../customer-view.js';
import type { Actor, Message, Status, Ticket } from '../types.js';

/** Who a host should tell about an event. */
export interface Notify {
  /** The subscriber to tell, or `null` (never set for internal notes). */
  customerId: string | null;
  /** Staff to tell (the assignee, the new assignee, ...), never the actor themself. */
  staffIds: string[];
  /** True when no particular staff member owns this: tell the team's queue. */
  queue: boolean;
}

/** Fields every event carries. */
export interface TicketEventBase {
  /** The outbox id of this event; unique, stable across redelivery. */
  eventId: string;
  /**
   * The change this event is part of: every event one write makes about one ticket (a
   * PATCH that assigns and changes status emits three) shares it, stable across
   * redelivery. Across those events each person is named in at most one `notify`, so a
   * host that notifies from every event tells each person once per change.
   */
  changeId: string;
  tenantId: string;
  ticket: Ticket;
  actor: Actor;
  /** Who to tell about this change through this event; see `changeId` (notify-once). */
  notify: Notify;
  /**
   * What the customer may see of this event, set exactly when `notify.customerId` is:
   * build the customer's notification from it, never from `ticket`, `actor` or `message`
   * (which carry staff ids and bookkeeping). `null` otherwise.
   */
  customer: CustomerEventView | null;
  occurredAt: Date;
}

/** The customer's view of an event addressed to them. */
export interface CustomerEventView {
  /** The ticket as the customer sees it after the change. */
  ticket: CustomerTicket;
  /** The message the customer can read (an opening message or a public reply), else `null`. */
  message: CustomerMessage | null;
}

/** A field change, old -> new. */
export type Changes = Record<string, { from: unknown; to: unknown }>;

/** Every event ticketry emits, by name. (A type alias, as mitt needs an index signature.) */
export type TicketEventMap = {
  'ticket.created': TicketEventBase & { type: 'ticket.created'; message: Message };
  /** A reply or internal note (`message.internal`); an internal note never notifies the customer. */
  'ticket.replied': TicketEventBase & { type: 'ticket.replied'; message: Message };
  'ticket.updated': TicketEventBase & { type: 'ticket.updated'; changes: Changes };
  'ticket.assigned': TicketEventBase & { type: 'ticket.assigned'; from: string | null; to: string | null };
  'ticket.status_changed': TicketEventBase & { type: 'ticket.status_changed'; from: Status; to: Status };
  'sla.warning': TicketEventBase & { type: 'sla.warning'; target: 'firstResponse' | 'resolution'; dueAt: Date };
  'sla.breached': TicketEventBase & { type: 'sla.breached'; target: 'firstResponse' | 'resolution'; dueAt: Date };
  /** Emitted for both tickets of a merge (`ticket` is the source or the target). */
  'ticket.merged': TicketEventBase & { type: 'ticket.merged'; sourceId: string; targetId: string; targetNumber: string };
  /** Emitted for the source of a split; the new ticket gets its own `ticket.created`. */
  'ticket.split': TicketEventBase & { type: 'ticket.split'; sourceId: string; newTicketId: string; fromMessageId: string };
  'message.hidden': TicketEventBase & { type: 'message.hidden'; message: Message };
  'message.unhidden': TicketEventBase & { type: 'message.unhidden'; message: Message };
  'message.edited': TicketEventBase & { type: 'message.edited'; message: Message; previousBody: string };
  'ticket.locked': TicketEventBase & { type: 'ticket.locked'; lockedUntil: Date };
  'ticket.unlocked': TicketEventBase & { type: 'ticket.unlocked' };
  'ticket.archived': TicketEventBase & { type: 'ticket.archived' };
  'ticket.unarchived': TicketEventBase & { type: 'ticket.unarchived' };
  'ticket.deleted': TicketEventBase & { type: 'ticket.deleted' };
  'ticket.restored': TicketEventBase & { type: 'ticket.restored' };
};

/** The name of an event. */
export type TicketEventType = keyof TicketEventMap;
/** Any event, discriminated by `type` (the shape of outbox rows). */
export type TicketEvent = { [K in TicketEventType]: { type: K } & TicketEventMap[K] }[TicketEventType];

/** Every event name, in a stable order. */
export const EVENT_TYPES: readonly TicketEventType[] = [
  'ticket.created',
  'ticket.replied',
  'ticket.updated',
  'ticket.assigned',
  'ticket.status_changed',
  'sla.warning',
  'sla.breached',
  'ticket.merged',
  'ticket.split',
  'message.hidden',
  'message.unhidden',
  'message.edited',
  'ticket.locked',
  'ticket.unlocked',
  'ticket.archived',
  'ticket.unarchived',
  'ticket.deleted',
  'ticket.restored',
];
