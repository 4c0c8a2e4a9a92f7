/**
 * Who should hear about an event. The rules of the reference systems: a public staff reply
 * goes to the customer; a customer reply to the assignee, else the queue; an internal
 * note never to the customer. The actor is never told about their own action.
 */
import type { Notify } from './event-types.js';
import type { Actor, Ticket } from '../types.js';

const actorId = (actor: Actor) => (actor.kind === 'system' ? null : actor.id);

/** Staff to tell: the assignee, unless they are the actor. */
function assigneeOf(ticket: Ticket, actor: Actor): string[] {
  return ticket.assigneeId && ticket.assigneeId !== actorId(actor) ? [ticket.assigneeId] : [];
}

/** For a new ticket or a reply. */
export function notifyForMessage(ticket: Ticket, actor: Actor, internal: boolean): Notify {
  if (actor.kind === 'customer') {
    const staffIds = assigneeOf(ticket, actor);
    return { customerId: null, staffIds, queue: staffIds.length === 0 };
  }
  if (internal) return { customerId: null, staffIds: assigneeOf(ticket, actor), queue: false };
  return { customerId: ticket.subscriberId, staffIds: assigneeOf(ticket, actor), queue: false };
}

/** For a change of assignee: the new assignee. */
export function notifyForAssignment(ticket: Ticket, actor: Actor): Notify {
  return { customerId: null, staffIds: assigneeOf(ticket, actor), queue: ticket.assigneeId === null };
}

/** For a status change made outside a reply: the customer sees status changes. */
export function notifyForStatus(ticket: Ticket, actor: Actor, viaReply: boolean): Notify {
  if (viaReply) return { customerId: null, staffIds: [], queue: false }; // the reply event announces it
  return {
    customerId: actor.kind === 'customer' ? null : ticket.subscriberId,
    staffIds: assigneeOf(ticket, actor),
    queue: false,
  };
}

/** For other field changes: staff only. */
export function notifyStaff(ticket: Ticket, actor: Actor): Notify {
  return { customerId: null, staffIds: assigneeOf(ticket, actor), queue: false };
}

/** For SLA alerts: the assignee, else the queue. */
export function notifySla(ticket: Ticket): Notify {
  return { customerId: null, staffIds: ticket.assigneeId ? [ticket.assigneeId] : [], queue: !ticket.assigneeId };
}
