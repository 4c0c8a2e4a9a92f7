/** `desk.addReply`: a public reply or an internal note, with the status change it brings. */
import {
  toCustomerMessage,
  toCustomerTicket,
  type CustomerMessage,
  type CustomerTicket,
} from '../customer-view.js';
import { notifyForMessage, notifyForStatus } from '../events/notify.js';
import { checkCustomerFields, requireStaffPermission } from '../permissions.js';
import { replyInputSchema, type ReplyInput } from '../schemas.js';
import { assertNotDeleted, checkReplyStatus, checkTransition, statusAfterReply } from '../status-machine.js';
import type { TicketPatch } from '../store.js';
import type { Actor, Message, RequestContext, Status, Ticket } from '../types.js';
import { parseInput } from '../validate.js';
import { applyPatch } from './apply-patch.js';
import { checkAttachmentRequest, recordAttachments, stageAttachments, writeWithAttachments } from './attachments.js';
import { newMessage, writeAudit, writeSystemNote } from './records.js';
import type { IntakeWrite } from '../email/intake-write.js';
import { assertNotMerged } from './message-guards.js';
import { checkPolicy } from './policy.js';
import { checkMessageBody, renderMessage } from './render-message.js';
import { findByRef, parseActor, parseRequestContext, parseTicketRef, readScope, ticketNotFound } from './request-guards.js';
import type { ServiceContext } from './service-context.js';
import { checkLock, lockOverride, visibleLock } from './ticket-lock.js';
import { runWrite } from './write.js';

/**
 * Appends a reply (or, for staff, an internal note) to `ticketId`.
 *
 * @param mail Internal (`ingestEmail`): the reply came by email; never passed by the facade.
 */
export async function addReply(
  ctx: ServiceContext,
  actorInput: Actor,
  ticketId: string,
  input: ReplyInput,
  contextInput: RequestContext = {},
  mail?: IntakeWrite,
): Promise<(Message & { ticket: Ticket }) | (CustomerMessage & { ticket: CustomerTicket })> {
  const actor = parseActor(actorInput);
  const context = parseRequestContext(contextInput);
  const data = parseInput(replyInputSchema, input, 'reply');
  checkMessageBody(ctx, actor, data.body);
  checkCustomerFields(actor, 'reply', data);
  const scope = readScope(ctx, actor);
  requireStaffPermission(actor, 'tickets.reply', 'reply to tickets');
  const internal = data.internal ?? false;
  checkReplyStatus(actor, { internal, status: data.status });
  checkAttachmentRequest(ctx, data.attachments);
  const ref = parseTicketRef(ticketId);
  const writable = { ...scope, includeDeleted: true };
  // The ticket and its scope first: an id the actor may not see costs a lookup, never a
  // render. Rendering then happens outside the transaction, so no row stays locked while
  // Markdown is rendered; the checks are repeated under the lock.
  const found = await findByRef(ctx, ref, (r) => ctx.store.findTicket(writable, r));
  checkReplyTarget(actor, found, ref, data.status);
  checkLock(ctx, actor, found, data.force);
  if (actor.kind === 'customer') await checkPolicy(ctx, { operation: 'reply', actor, ticket: found, body: data.body });
  const html = await renderMessage(ctx, actor, data.body);
  // Every check passed: the files stream into the blob store now, before the transaction.
  const staged = mail ? await mail.stage() : await stageAttachments(ctx, data.attachments);

  return writeWithAttachments(ctx, staged, () => runWrite(ctx, async (tx, events) => {
    const now = ctx.clock();
    const ticket = await tx.lockTicket(writable, found.id);
    checkReplyTarget(actor, ticket, ref, data.status);
    checkLock(ctx, actor, ticket, data.force);
    const status = statusAfterReply(actor, ticket, { internal, ...(data.status ? { status: data.status } : {}) });
    // Only a person on staff responds; system messages never count as a first response.
    const publicStaffReply = actor.kind === 'staff' && !internal;
    const message: Message = {
      ...newMessage(ctx, actor, ticket.id, data.body, html, { opening: false, internal, now }),
      attachments: [...staged.list],
      email: mail?.email ?? null,
    };

    const patch: TicketPatch = {
      updatedAt: now,
      ...(publicStaffReply && !ticket.firstResponseAt ? { firstResponseAt: now } : {}),
      // The customer waits for staff from their first unanswered message; a public staff
      // reply ends the wait (and a status that waits on the customer, in applyPatch).
      ...(actor.kind === 'customer' ? { customerMessageAt: now, ...(ticket.waitingSince ? {} : { waitingSince: now }) } : {}),
      ...(publicStaffReply && ticket.waitingSince ? { waitingSince: null } : {}),
    };
    // The message first: a SQL store then counts it in the ticket's own UPDATE.
    await tx.insertMessage(ctx.tenantId, message);
    const next = await applyPatch(ctx, tx, ticket, patch, status, now);
    if (mail) await mail.record(tx, ticket.id, message.id);
    await recordAttachments(ctx, tx, message, staged);
    if (data.status && data.status !== ticket.status) {
      await writeSystemNote(ctx, tx, ticket.id, { kind: 'status_changed', from: ticket.status, to: data.status }, now);
    }
    await writeAudit(ctx, tx, actor, ticket.id, internal ? 'noted' : 'replied', context, now, {
      ...(status !== ticket.status ? { status: { from: ticket.status, to: status } } : {}),
      ...(next.archived !== ticket.archived ? { archived: { from: ticket.archived, to: next.archived } } : {}),
      message: { from: null, to: message.id },
      ...lockOverride(actor, ticket, now),
    });
    await events.add('ticket.replied', next, actor, now, {
      message,
      notify: notifyForMessage(next, actor, internal),
    });
    if (status !== ticket.status) {
      await events.add('ticket.status_changed', next, actor, now, {
        from: ticket.status,
        to: status,
        notify: notifyForStatus(next, actor, true),
      });
    }
    // The message just written is the latest reply the customer can read.
    return actor.kind === 'customer'
      ? { ...toCustomerMessage(message), ticket: toCustomerTicket(next, message.createdAt, ctx.config.customerStatuses) }
      : { ...message, ticket: visibleLock(next, now) };
  }));
}

/** The ticket exists in scope, is not deleted, and may take the reply's status. */
function checkReplyTarget(
  actor: Actor,
  ticket: Ticket | null,
  ref: string,
  status: Status | undefined,
): asserts ticket is Ticket {
  if (!ticket) throw ticketNotFound(ref);
  assertNotDeleted(ticket);
  // Its thread moved to the target: a reply here would reopen an empty ticket nobody reads.
  assertNotMerged(ticket);
  if (status) checkTransition(actor, ticket, status);
}
