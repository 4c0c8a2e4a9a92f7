/**
 * `desk.hideMessage` / `desk.unhideMessage`: hide a message from the customer without
 * deleting it (BILLmanager's `ticket.message.delete`), and show it again. Staff keep
 * seeing it, marked `hidden`; for the customer it is as if it had never been written: not
 * in `get`, not in list counts or `lastReplyAt`, not found by search, and the hiding itself
 * is staff-only news.
 */
import { notifyStaff } from '../events/notify.js';
import { requireStaff, requireStaffPermission } from '../permissions.js';
import { assertNotDeleted } from '../status-machine.js';
import type { Actor, Message, RequestContext } from '../types.js';
import { ValidationError } from '../errors.js';
import { applyPatch } from './apply-patch.js';
import { lockMessage, parseMessageRef, refuseSystemNote } from './message-guards.js';
import { writeAudit } from './records.js';
import { parseActor, parseRequestContext, readScope } from './request-guards.js';
import type { ServiceContext } from './service-context.js';
import { checkLock } from './ticket-lock.js';
import { runWrite } from './write.js';

/**
 * Hides `messageId` from the customer (`hidden: true`) or shows it again (`false`);
 * returns the message as staff now see it.
 */
export async function hideMessage(
  ctx: ServiceContext,
  actorInput: Actor,
  messageId: string,
  hidden: boolean,
  contextInput: RequestContext = {},
): Promise<Message> {
  const actor = parseActor(actorInput);
  const context = parseRequestContext(contextInput);
  const ref = parseMessageRef(messageId);
  const action = hidden ? 'hide messages' : 'unhide messages';
  requireStaff(actor, action);
  const scope = { ...readScope(ctx, actor), includeDeleted: true };
  requireStaffPermission(actor, 'tickets.edit', action);

  return runWrite(ctx, async (tx, events) => {
    const now = ctx.clock();
    const { message, ticket } = await lockMessage(tx, scope, ref);
    assertNotDeleted(ticket);
    refuseSystemNote(message, 'hidden');
    // The customer's ticket must keep the message that says what it is about; to take
    // words out of it, edit it (the earlier text stays in the audit trail for staff).
    if (hidden && message.opening) {
      throw new ValidationError(
        `Message ${message.id} opened ticket ${ticket.number} and cannot be hidden; edit it instead`,
        'messageId',
        { params: { message: message.id, reason: 'opening_message' } },
      );
    }
    checkLock(ctx, actor, ticket, false);
    // Already as asked: nothing to write, nothing to announce.
    if (message.hidden === hidden) return message;

    await tx.updateMessage(ctx.tenantId, message.id, { hidden });
    // The staff-side row changes (version, updatedAt); the customer's view does not move,
    // since it is computed from what the customer can read.
    const next = await applyPatch(ctx, tx, ticket, { updatedAt: now }, ticket.status, now);
    const updated: Message = { ...message, hidden };
    await writeAudit(ctx, tx, actor, ticket.id, hidden ? 'message_hidden' : 'message_unhidden', context, now, {
      messageId: { from: message.id, to: message.id },
      hidden: { from: !hidden, to: hidden },
    });
    await events.add(hidden ? 'message.hidden' : 'message.unhidden', next, actor, now, {
      message: updated,
      notify: notifyStaff(next, actor),
    });
    return updated;
  });
}
