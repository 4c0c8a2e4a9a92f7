/** `desk.split`. (Helper M: stub from the foundation.) */
import type { Actor, RequestContext, Ticket } from '../types.js';
import type { ServiceContext } from './service-context.js';

export async function splitTicket(
  _ctx: ServiceContext,
  _actor: Actor,
  _ticketId: string,
  _fromMessageId: string,
  _context: RequestContext = {},
): Promise<{ source: Ticket; ticket: Ticket }> {
  throw new Error('not implemented yet: split');
}
