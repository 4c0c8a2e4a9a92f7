/**
 * `desk.split`: BILLmanager's `ticket.split`. From a chosen message onward, the customer
 * and staff messages move into a new ticket with its own number, for the same subscriber
 * (reseller, category, department, priority, assignee and address level copied; the
 * subject copied as it is, staff rename either ticket with `update`). The chosen message
 * becomes the new ticket's opening message, so it must be one the customer can read.
 * Each side gets a system note naming the other's number.
 */
import { ValidationError } from '../errors.js';
import { notifyForMessage, notifyStaff } from '../events/notify.js';
import { requireStaff, requireStaffPermission } from '../permissions.js';
import { assertNotDeleted } from '../status-machine.js';
import type { StoreScope } from '../store.js';
import type { Actor, Message, RequestContext, Status, Ticket } from '../types.js';
import { applyPatch } from './apply-patch.js';
import { assertNotMerged, messageNotFound, parseMessageRef, refuseSystemNote, waitingState } from './message-guards.js';
import { newTicket } from './new-ticket.js';
import { writeAudit, writeSystemNote } from './records.js';
import { findByRef, parseActor, parseRequestContext, parseTicketRef, readScope, ticketNotFound } from './request-guards.js';
import type { ServiceContext } from './service-context.js';
import { checkLock } from './ticket-lock.js';
import { runWrite } from './write.js';

/** A split-off ticket starts as new work for staff. */
const SPLIT_STATUS: Status = 'open';

/** Splits `ticketId` from `fromMessageId` onward; returns the source and the new ticket. */
export async function splitTicket(
  ctx: ServiceContext,
  actorInput: Actor,
  ticketId: string,
  fromMessageId: string,
  contextInput: RequestContext = {},
): Promise<{ source: Ticket; ticket: Ticket }> {
  const actor = parseActor(actorInput);
  const context = parseRequestContext(contextInput);
  const ref = parseTicketRef(ticketId);
  const messageRef = parseMessageRef(fromMessageId, 'fromMessageId');
  requireStaff(actor, 'split tickets');
  const scope: StoreScope = { ...readScope(ctx, actor), includeDeleted: true };
  requireStaffPermission(actor, 'tickets.edit', 'split tickets');
  const found = await findByRef(ctx, ref, (r) => ctx.store.findTicket(scope, r));
  if (!found) throw ticketNotFound(ref);

  return runWrite(ctx, async (tx, events) => {
    const now = ctx.clock();
    const source = await tx.lockTicket(scope, found.id);
    if (!source) throw ticketNotFound(ref);
    assertNotDeleted(source);
    assertNotMerged(source);
    const thread = await tx.listMessages(scope, source.id);
    const at = thread.findIndex((m) => m.id === messageRef);
    if (at < 0) {
      // Out of scope reads as missing; a message of another visible ticket is a bad argument.
      if (!(await tx.findMessage(scope, messageRef))) throw messageNotFound(messageRef);
      throw new ValidationError(`Message ${messageRef} is not in ticket ${source.number}`, 'fromMessageId', {
        params: { message: messageRef, reason: 'other_ticket' },
      });
    }
    checkSplitPoint(thread[at]!);
    checkLock(ctx, actor, source, false);

    // System notes stay with the source: they are its own history. So does the source's
    // opening message, which a merge can place after older merged-in messages: splitting
    // at one of those must not leave the source without the message that opened it.
    const stays = (m: Message) => m.authorType === 'system' || m.opening;
    const moved = thread.slice(at).filter((m) => !stays(m));
    const kept = thread.slice(0, at).concat(thread.slice(at).filter(stays));
    const opening = moved[0]!;
    const created = splitOff(ctx, actor, source, moved, now);
    const seq = await tx.nextSequence(ctx.tenantId, ctx.numbers.counterKey(now));
    created.number = ctx.numbers.format(seq, now);
    await tx.insertTicket(ctx.tenantId, created);
    const movedIds = moved.map((m) => m.id);
    await tx.moveMessages(ctx.tenantId, movedIds, created.id, opening.id);

    const next = await applyPatch(ctx, tx, source, { updatedAt: now, ...waitingState(kept, source.status) }, source.status, now);
    await writeSystemNote(ctx, tx, source.id, { kind: 'split_to', ticketId: created.id, ticketNumber: created.number }, now);
    await writeSystemNote(ctx, tx, created.id, { kind: 'split_from', ticketId: source.id, ticketNumber: source.number }, now);

    await writeAudit(ctx, tx, actor, source.id, 'split', context, now, {
      splitToId: { from: null, to: created.id },
      splitToNumber: { from: null, to: created.number },
      messages: { from: movedIds, to: [] },
    });
    await writeAudit(ctx, tx, actor, created.id, 'created', context, now, {
      number: { from: null, to: created.number },
      status: { from: null, to: created.status },
      priority: { from: null, to: created.priority },
      category: { from: null, to: created.category },
      splitFromId: { from: null, to: source.id },
      splitFromNumber: { from: null, to: source.number },
      messages: { from: [], to: movedIds },
      ...(created.assigneeId ? { assigneeId: { from: null, to: created.assigneeId } } : {}),
    });

    await events.add('ticket.split', next, actor, now, {
      sourceId: source.id,
      newTicketId: created.id,
      fromMessageId: opening.id,
      notify: notifyStaff(next, actor),
    });
    // The customer hears of the new ticket like of any other, with its opening message,
    // which is one they can read (checkSplitPoint); the internal notes that moved with it
    // are not in the event's customer view.
    const openingMessage: Message = { ...opening, ticketId: created.id, opening: true };
    await events.add('ticket.created', created, actor, now, {
      message: openingMessage,
      notify: notifyForMessage(created, actor, false),
    });
    return { source: next, ticket: created };
  });
}

/**
 * The chosen message opens the new ticket, so the customer must be able to read it: not a
 * system note, not an internal note, not hidden; and not the source's own opening message
 * (splitting there would leave the source empty).
 */
function checkSplitPoint(message: Message): void {
  refuseSystemNote(message, 'a split point', 'fromMessageId');
  const reason = message.opening
    ? 'opening_message'
    : message.internal
      ? 'internal_note'
      : message.hidden
        ? 'hidden_message'
        : null;
  if (reason === null) return;
  const why = {
    opening_message: 'it opened the ticket, and the ticket would be left empty',
    internal_note: 'it is an internal note, and the new ticket must open with a message its customer can read',
    hidden_message: 'it is hidden, and the new ticket must open with a message its customer can read',
  }[reason];
  throw new ValidationError(`Cannot split from message ${message.id}: ${why}`, 'fromMessageId', {
    params: { message: message.id, reason },
  });
}

/** The new ticket: the source's owner and routing, opened now by the splitting actor. */
function splitOff(ctx: ServiceContext, actor: Actor, source: Ticket, moved: readonly Message[], now: Date): Ticket {
  // First response: the earliest public staff reply that moved along, if any.
  const firstResponse = moved.find((m) => m.authorType === 'staff' && !m.internal && !m.hidden);
  return newTicket(
    ctx,
    actor,
    {
      subject: source.subject,
      category: source.category,
      department: source.department,
      priority: source.priority,
      status: SPLIT_STATUS,
      subscriberId: source.subscriberId,
      resellerId: source.resellerId,
      assigneeId: source.assigneeId,
      firstResponseAt: firstResponse ? firstResponse.createdAt : null,
      deadlineAt: null,
      customerPriority: source.customerPriority,
      ...waitingState(moved, SPLIT_STATUS),
      addressedTo: source.addressedTo,
      requesterResellerId: source.requesterResellerId,
    },
    now,
  );
}
