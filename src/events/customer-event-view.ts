/**
 * The customer's view of an event addressed to them, so a host that notifies the customer
 * has data fit for the customer and nothing staff-only.
 */
import { DEFAULT_CUSTOMER_STATUSES, type CustomerStatusRule } from '../customer-status.js';
import { toCustomerMessage, toCustomerTicket } from '../customer-view.js';
import type { CustomerEventView, TicketEvent } from './event-types.js';

/** `event` with `customer` set when it notifies the customer (after notify-once), else `null`. */
export function withCustomerView(
  event: TicketEvent,
  labels: readonly CustomerStatusRule[] = DEFAULT_CUSTOMER_STATUSES,
): TicketEvent {
  if (event.notify.customerId === null) return { ...event, customer: null };
  const message = 'message' in event && !event.message.internal && !event.message.hidden ? event.message : null;
  const view: CustomerEventView = {
    // The event's own message is the latest reply the customer can read.
    ticket: toCustomerTicket(event.ticket, message && !message.opening ? message.createdAt : null, labels),
    message: message ? toCustomerMessage(message) : null,
  };
  return { ...event, customer: view };
}
