/** `desk.favorite`. (Helper S: stub from the foundation.) */
import type { Actor, RequestContext } from '../types.js';
import type { ServiceContext } from './service-context.js';

export async function favoriteTicket(
  _ctx: ServiceContext,
  _actor: Actor,
  _ticketId: string,
  _on: boolean,
  _context: RequestContext = {},
): Promise<void> {
  throw new Error('not implemented yet: favorite');
}
