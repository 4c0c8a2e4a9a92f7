/**
 * Staff locks (BILLmanager's ticket blocking): who holds a ticket, until when, and the
 * check every staff write makes. (Helper S: stub from the foundation.)
 */
import type { Actor, Ticket } from '../types.js';
import type { ServiceContext } from './service-context.js';

/** The ticket as read at `now`: an expired lock reads as no lock. */
export function visibleLock<T extends Ticket>(ticket: T, now: Date): T {
  if (ticket.lockedUntil === null || ticket.lockedUntil > now) return ticket;
  return { ...ticket, lockedById: null, lockedByName: null, lockedUntil: null };
}

/**
 * Throws `locked` when another staff member holds `ticket`'s lock, unless `force` and the
 * actor has `tickets.edit`. Customers and the system are never blocked.
 */
export function checkLock(_ctx: ServiceContext, _actor: Actor, _ticket: Ticket, _force?: boolean): void {}
