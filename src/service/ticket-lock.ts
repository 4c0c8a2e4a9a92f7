/**
 * Staff locks (BILLmanager's ticket blocking): who holds a ticket, until when, and the
 * check every staff write makes. A lock is staff-only state: customers never see it and
 * are never blocked by it, and neither is the system.
 */
import { LockedError } from '../errors.js';
import { requireStaffPermission } from '../permissions.js';
import type { Actor, Ticket } from '../types.js';
import type { ServiceContext } from './service-context.js';

/** How long a lock lasts when `lock` is given no `ttlSeconds`: 15 minutes. */
export const DEFAULT_LOCK_SECONDS = 15 * 60;
/** The longest lock `lock` grants: 24 hours. */
export const MAX_LOCK_SECONDS = 24 * 60 * 60;

/** The lock on a ticket as it stands at some instant. */
export interface HeldLock {
  holderId: string;
  holderName: string | null;
  until: Date;
}

/** The ticket as read at `now`: an expired lock reads as no lock. */
export function visibleLock<T extends Ticket>(ticket: T, now: Date): T {
  if (ticket.lockedUntil === null || ticket.lockedUntil > now) return ticket;
  return { ...ticket, lockedById: null, lockedByName: null, lockedUntil: null };
}

/** The unexpired lock on `ticket` at `now`, or `null`. */
export function heldLock(ticket: Ticket, now: Date): HeldLock | null {
  if (ticket.lockedById === null || ticket.lockedUntil === null || ticket.lockedUntil <= now) return null;
  return { holderId: ticket.lockedById, holderName: ticket.lockedByName, until: ticket.lockedUntil };
}

/** The error for a write refused because `lock` is held by someone else. */
export function lockedError(ticket: Ticket, lock: HeldLock): LockedError {
  const who = lock.holderName ? `${lock.holderName} (${lock.holderId})` : lock.holderId;
  return new LockedError(
    `Ticket ${ticket.number} is locked by ${who} until ${lock.until.toISOString()}; wait for the lock to be released or expire, or pass force: true (needs tickets.edit)`,
    { params: { ticket: ticket.id, holderId: lock.holderId, holderName: lock.holderName, until: lock.until } },
  );
}

/**
 * Throws `locked` when another staff member holds `ticket`'s lock. With `force`, a staff
 * member holding `tickets.edit` writes through it (the lock stays with its holder); one
 * without it gets `forbidden` naming the permission. Customers and the system are never
 * blocked, and the holder's own writes pass.
 */
export function checkLock(ctx: ServiceContext, actor: Actor, ticket: Ticket, force?: boolean): void {
  if (actor.kind !== 'staff') return;
  const lock = heldLock(ticket, ctx.clock());
  if (lock === null || lock.holderId === actor.id) return;
  if (!force) throw lockedError(ticket, lock);
  requireStaffPermission(actor, 'tickets.edit', "write through another staff member's lock");
}

/**
 * For the audit entry of a write that went through someone else's lock (`force`):
 * `{ lockOverridden: { from: holderId, to: actorId } }`; empty otherwise.
 */
export function lockOverride(actor: Actor, ticket: Ticket, now: Date): Record<string, { from: unknown; to: unknown }> {
  if (actor.kind !== 'staff') return {};
  const lock = heldLock(ticket, now);
  if (lock === null || lock.holderId === actor.id) return {};
  return { lockOverridden: { from: lock.holderId, to: actor.id } };
}
