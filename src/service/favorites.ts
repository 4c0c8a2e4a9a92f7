/**
 * `desk.favorite`: a staff member's own favorites (BILLmanager's `ticket.favorite`),
 * listed with `list({ favorites: true })` and flagged `favorite` on their list rows.
 * Personal state, not a change to the ticket: no version, audit entry or event, and
 * nothing a customer or another staff member sees.
 */
import { ValidationError } from '../errors.js';
import { assertNotDeleted } from '../status-machine.js';
import type { Actor, RequestContext } from '../types.js';
import { findByRef, parseActor, parseRequestContext, parseTicketRef, readScope, ticketNotFound } from './request-guards.js';
import type { ServiceContext } from './service-context.js';
import { requireStaffMember } from './staff-member.js';
import { runWrite } from './write.js';

/** Adds `ticketId` to (`on`) or removes it from the acting staff member's favorites. Idempotent. */
export async function favoriteTicket(
  ctx: ServiceContext,
  actorInput: Actor,
  ticketId: string,
  on: boolean,
  contextInput: RequestContext = {},
): Promise<void> {
  const actor = parseActor(actorInput);
  parseRequestContext(contextInput);
  requireStaffMember(actor, 'keep favorites');
  const scope = readScope(ctx, actor);
  const ref = parseTicketRef(ticketId);
  if (typeof on !== 'boolean') {
    throw new ValidationError('on must be true (add to favorites) or false (remove)', 'on');
  }
  await runWrite(ctx, async (tx) => {
    const ticket = await findByRef(ctx, ref, (r) => tx.findTicket({ ...scope, includeDeleted: true }, r));
    if (!ticket) throw ticketNotFound(ref);
    assertNotDeleted(ticket);
    await tx.setFavorite(ctx.tenantId, actor.id, ticket.id, on, ctx.clock());
  });
}
