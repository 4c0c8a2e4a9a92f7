/** `desk.delete` / `desk.restore`. (Helper L: stub from the foundation.) */
import type { Actor, RequestContext, Ticket } from '../types.js';
import type { ServiceContext } from './service-context.js';

export async function deleteTicket(
  _ctx: ServiceContext,
  _actor: Actor,
  _ticketId: string,
  _context: RequestContext = {},
): Promise<void> {
  throw new Error('not implemented yet: delete');
}

export async function restoreTicket(
  _ctx: ServiceContext,
  _actor: Actor,
  _ticketId: string,
  _context: RequestContext = {},
): Promise<Ticket> {
  throw new Error('not implemented yet: restore');
}
