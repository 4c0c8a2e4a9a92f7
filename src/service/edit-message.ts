/**
 * `desk.editMessage`: staff correct a message's text (BILLmanager's `ticket.message.edit`).
 * The new body goes through the same checks and rendering as a reply by the message's
 * author (staff Markdown, customer plain text), `editedAt` is set, and every earlier
 * version stays in the audit trail (`message_edited`, `changes.body { from, to }`), which
 * only staff can read. Customers see the current text of public messages and the
 * `editedAt` mark; an edit is a correction, not news, so it notifies staff only.
 */
import { notifyStaff } from '../events/notify.js';
import { hasPermission, requireStaff, requireStaffPermission } from '../permissions.js';
import { replyBodySchema } from '../schemas.js';
import { assertNotDeleted } from '../status-machine.js';
import type { Actor, Message, RequestContext } from '../types.js';
import { parseInput } from '../validate.js';
import { applyPatch } from './apply-patch.js';
import { bodyAuthor, lockMessage, messageNotFound, parseMessageRef, refuseSystemNote } from './message-guards.js';
import { writeAudit } from './records.js';
import { checkMessageBody, renderMessage } from './render-message.js';
import { parseActor, parseRequestContext, readScope } from './request-guards.js';
import type { ServiceContext } from './service-context.js';
import { checkLock } from './ticket-lock.js';
import { runWrite } from './write.js';

/** Replaces the body of `messageId` with `body`; returns the message as it is afterwards. */
export async function editMessage(
  ctx: ServiceContext,
  actorInput: Actor,
  messageId: string,
  body: string,
  contextInput: RequestContext = {},
): Promise<Message> {
  const actor = parseActor(actorInput);
  const context = parseRequestContext(contextInput);
  const ref = parseMessageRef(messageId);
  const text = parseInput(replyBodySchema, body, 'message', 'body');
  requireStaff(actor, 'edit messages');
  const scope = { ...readScope(ctx, actor), includeDeleted: true };
  if (!hasPermission(actor, 'tickets.reply') && !hasPermission(actor, 'tickets.edit')) {
    requireStaffPermission(actor, 'tickets.reply', 'edit messages');
  }
  // The message and its ticket first: an id the actor may not see costs a lookup, never
  // a render. Rendering happens outside the transaction; the checks run again under the lock.
  const found = await ctx.store.findMessage(scope, ref);
  if (!found) throw messageNotFound(ref);
  checkEditable(actor, found);
  const author = bodyAuthor(found);
  checkMessageBody(ctx, author, text);
  const html = await renderMessage(ctx, author, text);

  return runWrite(ctx, async (tx, events) => {
    const now = ctx.clock();
    const { message, ticket } = await lockMessage(tx, scope, ref);
    assertNotDeleted(ticket);
    checkEditable(actor, message);
    checkLock(ctx, actor, ticket, false);
    // The same text again: nothing to write, no version to keep.
    if (message.body === text) return message;

    const updated: Message = { ...message, body: text, html, editedAt: now };
    await tx.updateMessage(ctx.tenantId, message.id, { body: text, html, editedAt: now });
    // Staff-side activity: the row's version and updatedAt move; nothing the customer's
    // view is computed from does (editedAt is shown on the message, not the ticket).
    const next = await applyPatch(ctx, tx, ticket, { updatedAt: now }, ticket.status, now);
    await writeAudit(ctx, tx, actor, ticket.id, 'message_edited', context, now, {
      messageId: { from: message.id, to: message.id },
      body: { from: message.body, to: text },
    });
    await events.add('message.edited', next, actor, now, {
      message: updated,
      previousBody: message.body,
      notify: notifyStaff(next, actor),
    });
    return updated;
  });
}

/**
 * System notes are never edited; staff edit their own messages with `tickets.reply`,
 * anyone else's (a colleague's, a customer's) with `tickets.edit`.
 */
function checkEditable(actor: Actor, message: Message): void {
  refuseSystemNote(message, 'edited');
  const own = actor.kind === 'staff' && message.authorType === 'staff' && message.authorId === actor.id;
  if (own) {
    requireStaffPermission(actor, 'tickets.reply', 'edit their own messages');
  } else {
    requireStaffPermission(actor, 'tickets.edit', "edit another author's message");
  }
}
