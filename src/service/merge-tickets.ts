/** `desk.merge`. (Helper M: stub from the foundation.) */
import type { Actor, RequestContext, Ticket } from '../types.js';
import type { ServiceContext } from './service-context.js';

export async function mergeTickets(
  _ctx: ServiceContext,
  _actor: Actor,
  _sourceId: string,
  _targetId: string,
  _context: RequestContext = {},
): Promise<{ source: Ticket; target: Ticket }> {
  throw new Error('not implemented yet: merge');
}
