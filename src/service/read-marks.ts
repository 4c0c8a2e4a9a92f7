/**
 * `desk.markRead`, and the read mark `get` leaves: each staff member's last-read pointer
 * per ticket. A staff list row is `unread` when a customer wrote after it (or wrote and the
 * staff member never read the ticket). Personal state, not a change to the ticket: no
 * version, audit entry or event, and nothing a customer or another staff member sees.
 */
import { assertNotDeleted } from '../status-machine.js';
import type { Actor, RequestContext, StaffActor, Ticket } from '../types.js';
import { findByRef, parseActor, parseRequestContext, parseTicketRef, readScope, ticketNotFound } from './request-guards.js';
import type { ServiceContext } from './service-context.js';
import { requireStaffMember } from './staff-member.js';
import { runWrite } from './write.js';

/** Moves the acting staff member's last-read pointer on `ticketId` to now (never backwards). */
export async function markTicketRead(
  ctx: ServiceContext,
  actorInput: Actor,
  ticketId: string,
  contextInput: RequestContext = {},
): Promise<void> {
  const actor = parseActor(actorInput);
  parseRequestContext(contextInput);
  requireStaffMember(actor, 'mark tickets read');
  const scope = readScope(ctx, actor);
  const ref = parseTicketRef(ticketId);
  await runWrite(ctx, async (tx) => {
    const ticket = await findByRef(ctx, ref, (r) => tx.findTicket({ ...scope, includeDeleted: true }, r));
    if (!ticket) throw ticketNotFound(ref);
    assertNotDeleted(ticket);
    await tx.markRead(ctx.tenantId, actor.id, ticket.id, ctx.clock());
  });
}

/**
 * What `get` does for staff once the thread is read: the staff member has now read it.
 * Only `unread` ever shows the mark (a customer wrote after it), so a mark already at or
 * after the customer's last message is left where it is: moving it to now would change
 * nothing anyone sees, now or after the next message, and the ticket view stays a read.
 * `mark` is the staff member's mark as read beside the thread.
 */
export async function markReadOnGet(ctx: ServiceContext, actor: StaffActor, ticket: Ticket, mark: Date | null): Promise<void> {
  if (!needsReadMark(ticket, mark)) return;
  await ctx.store.markRead(ctx.tenantId, actor.id, ticket.id, ctx.clock());
}

/** Whether a view of `ticket` by a staff member whose mark is `mark` moves the mark. */
export function needsReadMark(ticket: Ticket, mark: Date | null): boolean {
  // Never written to by a customer: unread stays false whatever the mark, until a
  // message that comes after now (and after any mark) anyway.
  if (ticket.customerMessageAt === null) return false;
  return mark === null || mark < ticket.customerMessageAt;
}
