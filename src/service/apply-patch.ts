/**
 * Writes a change to a locked ticket together with everything derived from it: the
 * status side effects, `attention` and the SLA clock.
 */
import { statusChange } from '../status-machine.js';
import type { StoreTx, TicketPatch } from '../store.js';
import type { Status, Ticket } from '../types.js';
import { attention } from './attention.js';
import { staleTicket } from './request-guards.js';
import type { ServiceContext } from './service-context.js';

/** The statuses in which the customer is not waiting for staff. */
const STOPS_WAITING: readonly Status[] = ['pending', 'resolved', 'closed'];

/**
 * Writes `patch` plus the derived status, waiting clock, attention and SLA fields;
 * returns the new ticket.
 */
export async function applyPatch(
  ctx: ServiceContext,
  tx: StoreTx,
  ticket: Ticket,
  patch: TicketPatch,
  status: Status,
  now: Date,
): Promise<Ticket> {
  const full: TicketPatch = { ...patch, ...statusChange(ticket, status, now) };
  // An expired lock is no lock: any write tidies it away, so no result or event shows it.
  if (ticket.lockedUntil !== null && ticket.lockedUntil <= now && full.lockedUntil === undefined) {
    Object.assign(full, { lockedById: null, lockedByName: null, lockedUntil: null });
  }
  // Waiting on the customer, or done: nobody waits for staff any more.
  if (STOPS_WAITING.includes(status) && (ticket.waitingSince !== null || full.waitingSince)) full.waitingSince = null;
  const merged: Ticket = { ...ticket, ...full };
  full.attention = attention(ctx.config, merged);
  Object.assign(full, ctx.sla.compute(ticket, merged, now));
  const ok = await tx.updateTicket(ctx.tenantId, ticket.id, ticket.version, full);
  // The row is locked, so only a store that does not lock can get here.
  if (!ok) throw staleTicket(ticket, ticket.version);
  return { ...ticket, ...full, version: ticket.version + 1 };
}
