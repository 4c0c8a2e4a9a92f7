/**
 * The customer's view of tickets: its own shape (what the customer portal shows), built
 * from the stored row by naming what a customer may see, never by deleting staff fields.
 * Nothing in it moves because of staff-only activity: internal notes, assignments and
 * SLA bookkeeping change no field here, and `updatedAt` is the last activity the
 * customer can see (a reply they can read, a status change), not the row's write time.
 */
import { DEFAULT_CUSTOMER_STATUSES, customerStatusLabel, type CustomerStatusRule } from './customer-status.js';
import { requireDate, requireObject } from './guard.js';
import type { Actor, Attachment, Message, Status, SystemNote, Ticket, TicketDetail, TicketSummary } from './types.js';

/** A ticket as its customer sees it. */
export interface CustomerTicket {
  id: string;
  /** The human number, e.g. `TKT-2026-1234`. */
  number: string;
  subject: string;
  category: string;
  /** The department the ticket is routed to, or `null`. */
  department: string | null;
  priority: string;
  status: Status;
  createdAt: Date;
  /**
   * The latest activity the customer can see: opening, a reply they can read, or a status
   * change. Internal notes and assignments never move it.
   */
  updatedAt: Date;
  /** When the ticket was last resolved or closed; `null` while it is open. */
  resolvedAt: Date | null;
  /** Closed and put away by the customer or staff. */
  archived: boolean;
  /** The status as the customer's portal names it (`config.customerStatuses`), e.g. `awaiting_response`. */
  label: string;
}

/** A row of the customer's ticket list: number, subject, status, priority, last reply, replies count. */
export interface CustomerTicketSummary extends CustomerTicket {
  /** Customer and staff replies after the opening message that the customer can read. */
  replyCount: number;
  /** Time of the latest reply counted in `replyCount`, or `null`. */
  lastReplyAt: Date | null;
}

/** One message of the thread as the customer sees it: who wrote it (never a staff id), and when. */
export interface CustomerMessage {
  id: string;
  ticketId: string;
  authorType: Message['authorType'];
  /** The display name of the author (the operator's staff member, or the customer). */
  authorName: string | null;
  body: string;
  html: string;
  /** The message that opened the ticket. */
  opening: boolean;
  /** For public system notes (status changes): what happened. */
  system: SystemNote | null;
  createdAt: Date;
  editedAt: Date | null;
  /** The files attached to the message (`desk.getAttachment` downloads one). */
  attachments: Attachment[];
}

/** A ticket with the thread its customer may read, oldest first. */
export interface CustomerTicketDetail {
  ticket: CustomerTicket;
  messages: CustomerMessage[];
}

function latest(...dates: (Date | null)[]): Date {
  return new Date(Math.max(...dates.filter((d): d is Date => d !== null).map((d) => d.getTime())));
}

/**
 * The customer's view of `ticket`, whose latest reply the customer can read came at
 * `lastReplyAt`, with its status labelled by `labels` (`config.customerStatuses`).
 */
export function toCustomerTicket(
  ticket: Ticket,
  lastReplyAt: Date | null,
  labels: readonly CustomerStatusRule[] = DEFAULT_CUSTOMER_STATUSES,
): CustomerTicket {
  requireObject(ticket, 'ticket', 'toCustomerTicket');
  if (lastReplyAt !== null) requireDate(lastReplyAt, 'lastReplyAt', 'toCustomerTicket');
  if (!Array.isArray(labels)) requireObject(null, 'labels', 'toCustomerTicket');
  return {
    id: ticket.id,
    number: ticket.number,
    subject: ticket.subject,
    category: ticket.category,
    department: ticket.department,
    priority: ticket.priority,
    status: ticket.status,
    createdAt: ticket.createdAt,
    updatedAt: latest(ticket.createdAt, ticket.statusChangedAt, lastReplyAt),
    resolvedAt: ticket.resolvedAt,
    archived: ticket.archived,
    label: customerStatusLabel(labels, ticket),
  };
}

/** The customer's view of a list row (its counts are already those the customer sees). */
export function toCustomerSummary(
  row: Ticket & Pick<TicketSummary, 'replyCount' | 'lastReplyAt'>,
  labels: readonly CustomerStatusRule[] = DEFAULT_CUSTOMER_STATUSES,
): CustomerTicketSummary {
  return { ...toCustomerTicket(row, row.lastReplyAt, labels), replyCount: row.replyCount, lastReplyAt: row.lastReplyAt };
}

/** The customer's view of a message the customer may read. */
export function toCustomerMessage(message: Message): CustomerMessage {
  return {
    id: message.id,
    ticketId: message.ticketId,
    authorType: message.authorType,
    authorName: message.authorName,
    body: message.body,
    html: message.html,
    opening: message.opening,
    system: message.system,
    createdAt: message.createdAt,
    editedAt: message.editedAt,
    attachments: (message.attachments ?? []).map(({ id, filename, contentType, size }) => ({ id, filename, contentType, size })),
  };
}

/** The latest customer or staff reply after the opening message (what `lastReplyAt` counts). */
export function lastReplyAt(messages: readonly Message[]): Date | null {
  let last: Date | null = null;
  for (const m of messages) {
    if (m.opening || m.authorType === 'system') continue;
    if (!last || m.createdAt > last) last = m.createdAt;
  }
  return last;
}

/** The customer's view of a ticket and the thread the store returned for the customer's scope. */
export function toCustomerDetail(
  detail: TicketDetail,
  labels: readonly CustomerStatusRule[] = DEFAULT_CUSTOMER_STATUSES,
): CustomerTicketDetail {
  return {
    ticket: toCustomerTicket(detail.ticket, lastReplyAt(detail.messages), labels),
    messages: detail.messages.map(toCustomerMessage),
  };
}

/** What an operation returns to actor `A`: the customer's shape for customers, the stored row otherwise. */
export type ViewFor<A extends Actor, Staff, Customer> = A extends { kind: 'customer' } ? Customer : Staff;

/** The ticket `create` and `update` return to `A`. */
export type TicketFor<A extends Actor> = ViewFor<A, Ticket, CustomerTicket>;
/** What `get` returns to `A`. */
export type TicketDetailFor<A extends Actor> = ViewFor<A, TicketDetail, CustomerTicketDetail>;
/** A row of the list `list` returns to `A`. */
export type TicketSummaryFor<A extends Actor> = ViewFor<A, TicketSummary, CustomerTicketSummary>;
/** What `addReply` returns to `A`: the message written, with the ticket as it is after the reply. */
export type ReplyFor<A extends Actor> = ViewFor<
  A,
  Message & { ticket: Ticket },
  CustomerMessage & { ticket: CustomerTicket }
>;
