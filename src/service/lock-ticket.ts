/** `desk.lock` / `desk.unlock`. (Helper S: stub from the foundation.) */
import type { Actor, RequestContext, Ticket } from '../types.js';
import type { ServiceContext } from './service-context.js';

export interface LockOptions {
  ttlSeconds?: number;
  force?: boolean;
}

export async function lockTicket(
  _ctx: ServiceContext,
  _actor: Actor,
  _ticketId: string,
  _options: LockOptions = {},
  _context: RequestContext = {},
): Promise<Ticket> {
  throw new Error('not implemented yet: lock');
}

export async function unlockTicket(
  _ctx: ServiceContext,
  _actor: Actor,
  _ticketId: string,
  _options: { force?: boolean } = {},
  _context: RequestContext = {},
): Promise<Ticket> {
  throw new Error('not implemented yet: unlock');
}
