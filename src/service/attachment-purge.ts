/**
 * `desk.purgeAttachments`: removes the files of a soft-deleted ticket for good. Deleting a
 * ticket keeps its files (a restore brings everything back); a purge is the deliberate,
 * separate step that frees the storage (a retention rule, a GDPR erasure): staff with
 * `tickets.delete` only, and only on a ticket already deleted.
 *
 * The rows go first, in one transaction with an audit entry (`attachments_purged`); the
 * bytes after it commits. A blob that cannot be deleted then has no row any more, so the
 * orphan sweep of `runScheduledWork` removes it later: no row ever points at bytes that are
 * gone, and the ticket, restored, simply has no files.
 */
import { ConfigError, InvalidTransitionError } from '../errors.js';
import { requireStaff, requireStaffPermission } from '../permissions.js';
import type { StoreTx } from '../store.js';
import type { Actor, RequestContext } from '../types.js';
import { deleteBlobs } from './attachments.js';
import { writeAudit } from './records.js';
import { findByRef, parseActor, parseRequestContext, parseTicketRef, readScope, ticketNotFound } from './request-guards.js';
import type { ServiceContext } from './service-context.js';
import { runWrite } from './write.js';

/**
 * Purges the files of the soft-deleted ticket `ticketId`.
 *
 * @returns How many files were removed.
 * @throws ForbiddenError for customers and staff without `tickets.delete`; NotFoundError
 *   out of scope; InvalidTransitionError (`reason: 'not_deleted'`) when the ticket is not
 *   deleted; ConfigError without a blob store, or with a store that cannot delete
 *   attachment rows.
 */
export async function purgeAttachments(
  ctx: ServiceContext,
  actorInput: Actor,
  ticketId: string,
  contextInput: RequestContext = {},
): Promise<{ removed: number }> {
  const actor = parseActor(actorInput);
  const context = parseRequestContext(contextInput);
  const scope = readScope(ctx, actor);
  requireStaff(actor, 'purge attachments');
  requireStaffPermission(actor, 'tickets.delete', 'purge attachments');
  const ref = parseTicketRef(ticketId);
  const blobs = ctx.blobs;
  if (!blobs) {
    throw new ConfigError('createTicketService needs blobs to purge attachments', { params: { field: 'blobs' } });
  }

  const removed = await runWrite(ctx, async (tx) => {
    // Required since 0.x's attachments; a store written before them fails here, not halfway.
    if (typeof (tx as Partial<StoreTx>).deleteTicketAttachments !== 'function') {
      throw new ConfigError('This ticket store cannot purge attachments: it has no deleteTicketAttachments()', {
        params: { field: 'store' },
      });
    }
    const now = ctx.clock();
    const ticket = await findByRef(ctx, ref, (r) => tx.lockTicket({ ...scope, includeDeleted: true }, r));
    if (!ticket) throw ticketNotFound(ref);
    if (!ticket.deletedAt) {
      throw new InvalidTransitionError(`Cannot purge the files of ticket ${ticket.number}: delete the ticket first`, {
        params: { from: ticket.status, to: ticket.status, action: 'purge', reason: 'not_deleted', ticket: ticket.id },
      });
    }
    const rows = await tx.deleteTicketAttachments(ctx.tenantId, ticket.id);
    if (rows.length > 0) {
      await writeAudit(ctx, tx, actor, ticket.id, 'attachments_purged', context, now, {
        attachments: { from: rows.map((a) => a.id), to: [] },
      });
    }
    return rows;
  });
  // After the commit; what fails here has no row now, and the sweep removes it later.
  await deleteBlobs(blobs, removed.map((a) => a.blobKey));
  return { removed: removed.length };
}
