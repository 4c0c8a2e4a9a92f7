/**
 * `desk.delete` / `desk.restore`: soft delete with `tickets.delete` (ProxPanel's
 * permission table: "rare; almost always you want to close it instead"). A deleted ticket
 * keeps every row but vanishes from every read, count, stats bucket and scheduled scan
 * (the stores filter `deletedAt`); nothing may change it until it is restored, and
 * restoring brings it back as it was.
 */
import { notifyStaff } from '../events/notify.js';
import { requireStaff, requireStaffPermission } from '../permissions.js';
import { checkDelete, checkRestore } from '../status-machine.js';
import type { Actor, RequestContext, Ticket } from '../types.js';
import { applyPatch } from './apply-patch.js';
import { writeAudit } from './records.js';
import { findByRef, parseActor, parseRequestContext, parseTicketRef, readScope, ticketNotFound } from './request-guards.js';
import type { ServiceContext } from './service-context.js';
import { checkLock } from './ticket-lock.js';
import { runWrite } from './write.js';

/** Soft-deletes `ticketId`. Customers never delete; staff need `tickets.delete`. */
export async function deleteTicket(
  ctx: ServiceContext,
  actor: Actor,
  ticketId: string,
  context: RequestContext = {},
): Promise<void> {
  await setDeleted(ctx, actor, ticketId, true, context);
}

/** Brings a soft-deleted ticket back; returns it. Staff with `tickets.delete` only. */
export async function restoreTicket(
  ctx: ServiceContext,
  actor: Actor,
  ticketId: string,
  context: RequestContext = {},
): Promise<Ticket> {
  return setDeleted(ctx, actor, ticketId, false, context);
}

async function setDeleted(
  ctx: ServiceContext,
  actorInput: Actor,
  ticketId: string,
  deleted: boolean,
  contextInput: RequestContext,
): Promise<Ticket> {
  const actor = parseActor(actorInput);
  const context = parseRequestContext(contextInput);
  const scope = readScope(ctx, actor);
  const action = deleted ? 'delete tickets' : 'restore deleted tickets';
  requireStaff(actor, action);
  requireStaffPermission(actor, 'tickets.delete', action);
  const ref = parseTicketRef(ticketId);

  return runWrite(ctx, async (tx, events) => {
    const now = ctx.clock();
    const ticket = await findByRef(ctx, ref, (r) => tx.lockTicket({ ...scope, includeDeleted: true }, r));
    if (!ticket) throw ticketNotFound(ref);
    if (deleted) checkDelete(ticket);
    else checkRestore(ticket);
    // Another staff member's lock holds off deleting too (force-unlock first).
    checkLock(ctx, actor, ticket);

    // `updatedAt` stays: a restored ticket comes back to its place in every list, as
    // if it had never left. The audit trail has when and by whom.
    // Nobody works on a deleted ticket: deleting it releases its lock.
    const release = deleted && ticket.lockedById !== null ? { lockedById: null, lockedByName: null, lockedUntil: null } : {};
    const next = await applyPatch(ctx, tx, ticket, { deletedAt: deleted ? now : null, ...release }, ticket.status, now);
    await writeAudit(ctx, tx, actor, ticket.id, deleted ? 'deleted' : 'restored', context, now, {
      deletedAt: { from: ticket.deletedAt, to: next.deletedAt },
    });
    // Staff only: a customer's ticket that disappears (or comes back) is no news to them.
    await events.add(deleted ? 'ticket.deleted' : 'ticket.restored', next, actor, now, {
      notify: notifyStaff(next, actor),
    });
    return next;
  });
}
