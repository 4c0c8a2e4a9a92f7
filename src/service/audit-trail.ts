/** `desk.audit`: a ticket's audit trail, for staff who may see the ticket. */
import { hasPermission, requireStaff } from '../permissions.js';
import type { Actor, AuditEntry, RequestContext } from '../types.js';
import { findReadable, parseActor, parseRequestContext, parseTicketRef, readScope, ticketNotFound } from './request-guards.js';
import type { ServiceContext } from './service-context.js';

/** The audit trail of `ticketId`, oldest first. */
export async function auditTrail(
  ctx: ServiceContext,
  actorInput: Actor,
  ticketId: string,
  contextInput: RequestContext = {},
): Promise<AuditEntry[]> {
  const actor = parseActor(actorInput);
  parseRequestContext(contextInput);
  requireStaff(actor, 'read the audit trail');
  const scope = readScope(ctx, actor);
  const ref = parseTicketRef(ticketId);
  // A deleted ticket keeps its history for whoever may restore it.
  const ticket = await findReadable(
    ctx,
    hasPermission(actor, 'tickets.delete') ? { ...scope, includeDeleted: true } : scope,
    ref,
  );
  if (!ticket) throw ticketNotFound(ref);
  return ctx.store.listAudit(ctx.tenantId, ticket.id);
}
