/** `desk.audit`: a ticket's audit trail, for staff who may see the ticket. */
import { requireStaff } from '../permissions.js';
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
  const ticket = await findReadable(ctx, scope, ref);
  if (!ticket) throw ticketNotFound(ref);
  return ctx.store.listAudit(ctx.tenantId, ticket.id);
}
