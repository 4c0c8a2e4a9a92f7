/** `desk.archive` / `desk.unarchive`. (Helper L: stub from the foundation.) */
import type { CustomerTicket } from '../customer-view.js';
import type { Actor, RequestContext, Ticket } from '../types.js';
import type { ServiceContext } from './service-context.js';

export async function archiveTicket(
  _ctx: ServiceContext,
  _actor: Actor,
  _ticketId: string,
  _archived: boolean,
  _context: RequestContext = {},
): Promise<Ticket | CustomerTicket> {
  throw new Error('not implemented yet: archive');
}
