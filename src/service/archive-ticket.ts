/**
 * `desk.archive` / `desk.unarchive`: a closed ticket put away (ISPmanager's archive,
 * BILLmanager's `clientticket.archive`) by its customer or by staff, and taken back out.
 * Archived tickets leave the default lists (`list(actor, { archived: true })` shows them);
 * a reply or status change that reopens the ticket takes it out by itself
 * (`statusChange` in the status machine).
 */
import { lastReplyAt, toCustomerTicket, type CustomerTicket } from '../customer-view.js';
import type { Notify } from '../events/event-types.js';
import { requireStaffPermission } from '../permissions.js';
import { checkArchive, checkUnarchive } from '../status-machine.js';
import type { Actor, RequestContext, Ticket } from '../types.js';
import { applyPatch } from './apply-patch.js';
import { writeAudit } from './records.js';
import { findByRef, parseActor, parseRequestContext, parseTicketRef, readScope, ticketNotFound } from './request-guards.js';
import type { ServiceContext } from './service-context.js';
import { checkLock } from './ticket-lock.js';
import { runWrite } from './write.js';

/**
 * Nobody needs telling: putting a finished ticket away is housekeeping. The event is
 * there for hosts that mirror the archive; it never carries a customer view.
 */
const NOBODY: Notify = { customerId: null, staffIds: [], queue: false };

/**
 * Archives (`archived: true`) or unarchives `ticketId`; returns the ticket afterwards (the
 * customer's view for customers). Only closed tickets: anything else is
 * `invalid_transition`, and so is a deleted ticket. Asking for the state the ticket is
 * already in changes nothing (no audit entry, no event).
 */
export async function archiveTicket(
  ctx: ServiceContext,
  actorInput: Actor,
  ticketId: string,
  archived: boolean,
  contextInput: RequestContext = {},
): Promise<Ticket | CustomerTicket> {
  const actor = parseActor(actorInput);
  const context = parseRequestContext(contextInput);
  const scope = readScope(ctx, actor);
  // Customers archive their own tickets (the scope makes any other one not found).
  requireStaffPermission(actor, 'tickets.edit', archived ? 'archive tickets' : 'unarchive tickets');
  const ref = parseTicketRef(ticketId);

  const updated = await runWrite(ctx, async (tx, events) => {
    const now = ctx.clock();
    // Deleted tickets are found, so that changing one is invalid_transition, as everywhere.
    const ticket = await findByRef(ctx, ref, (r) => tx.lockTicket({ ...scope, includeDeleted: true }, r));
    if (!ticket) throw ticketNotFound(ref);
    if (archived) checkArchive(ticket);
    else checkUnarchive(ticket);
    // Another staff member's lock holds off archiving too (force-unlock first).
    checkLock(ctx, actor, ticket);
    if (ticket.archived === archived) return ticket;

    const next = await applyPatch(ctx, tx, ticket, { archived, updatedAt: now }, ticket.status, now);
    await writeAudit(ctx, tx, actor, ticket.id, archived ? 'archived' : 'unarchived', context, now, {
      archived: { from: ticket.archived, to: archived },
    });
    await events.add(archived ? 'ticket.archived' : 'ticket.unarchived', next, actor, now, { notify: NOBODY });
    return next;
  });
  if (actor.kind !== 'customer') return updated;
  return toCustomerTicket(
    updated,
    lastReplyAt(await ctx.store.listMessages(scope, updated.id)),
    ctx.config.customerStatuses,
  );
}
