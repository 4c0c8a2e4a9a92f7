/** `desk.markRead`, and the read mark `get` leaves. (Helper S: stub from the foundation.) */
import type { Actor, RequestContext, StaffActor, Ticket } from '../types.js';
import type { ServiceContext } from './service-context.js';

export async function markTicketRead(
  _ctx: ServiceContext,
  _actor: Actor,
  _ticketId: string,
  _context: RequestContext = {},
): Promise<void> {
  throw new Error('not implemented yet: markRead');
}

/** Called by `get` for staff after the thread was read. */
export async function markReadOnGet(_ctx: ServiceContext, _actor: StaffActor, _ticket: Ticket): Promise<void> {}
