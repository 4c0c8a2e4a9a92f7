/**
 * `desk.merge`: folds a duplicate into another ticket of the same subscriber ("the operator
 * can merge or close duplicates"). The source's customer and staff messages (internal and
 * hidden ones included, each keeping its flags) move into the target, where the thread is
 * in time order; the source closes, remembers the target (`mergedIntoId`) and gets a
 * `merged_into` note naming the target's number; the target gets a `merged_from` note. The
 * source's id and number keep opening it. Both tickets are locked in one transaction.
 */
import { ValidationError } from '../errors.js';
import { notifyStaff } from '../events/notify.js';
import { requireStaff, requireStaffPermission } from '../permissions.js';
import { identifierProblem } from '../schemas.js';
import { checkMerge } from '../status-machine.js';
import type { Changes } from '../events/event-types.js';
import type { StoreScope, StoreTx } from '../store.js';
import type { Actor, RequestContext, Ticket } from '../types.js';
import { applyPatch } from './apply-patch.js';
import { waitingState } from './message-guards.js';
import { writeAudit, writeSystemNote } from './records.js';
import { findByRef, parseActor, parseRequestContext, readScope, ticketNotFound } from './request-guards.js';
import type { ServiceContext } from './service-context.js';
import { checkLock } from './ticket-lock.js';
import { runWrite } from './write.js';

/** Merges `sourceId` into `targetId` (ids or numbers); returns both tickets as they are afterwards. */
export async function mergeTickets(
  ctx: ServiceContext,
  actorInput: Actor,
  sourceId: string,
  targetId: string,
  contextInput: RequestContext = {},
): Promise<{ source: Ticket; target: Ticket }> {
  const actor = parseActor(actorInput);
  const context = parseRequestContext(contextInput);
  const sourceRef = parseRef(sourceId, 'sourceId');
  const targetRef = parseRef(targetId, 'targetId');
  requireStaff(actor, 'merge tickets');
  const scope: StoreScope = { ...readScope(ctx, actor), includeDeleted: true };
  requireStaffPermission(actor, 'tickets.edit', 'merge tickets');
  // Resolve both references first, so the locks below are taken by id in one order
  // (two merges of the same pair in opposite directions cannot deadlock).
  const [foundSource, foundTarget] = await Promise.all([
    findByRef(ctx, sourceRef, (r) => ctx.store.findTicket(scope, r)),
    findByRef(ctx, targetRef, (r) => ctx.store.findTicket(scope, r)),
  ]);
  if (!foundSource) throw ticketNotFound(sourceRef);
  if (!foundTarget) throw ticketNotFound(targetRef);
  checkMergePair(foundSource, foundTarget);

  return runWrite(ctx, async (tx, events) => {
    const now = ctx.clock();
    const locked = await lockInOrder(tx, scope, [foundSource.id, foundTarget.id]);
    const source = locked.get(foundSource.id);
    const target = locked.get(foundTarget.id);
    if (!source) throw ticketNotFound(sourceRef);
    if (!target) throw ticketNotFound(targetRef);
    checkMergePair(source, target);
    checkLock(ctx, actor, source, false);
    checkLock(ctx, actor, target, false);

    // System notes stay: they are the source's own history (its status changes).
    const moved = (await tx.listMessages(scope, source.id)).filter((m) => m.authorType !== 'system');
    const movedIds = moved.map((m) => m.id);
    await tx.moveMessages(ctx.tenantId, movedIds, target.id, null);
    const thread = await tx.listMessages(scope, target.id);

    const nextSource = await applyPatch(
      ctx,
      tx,
      source,
      { updatedAt: now, mergedIntoId: target.id, waitingSince: null },
      'closed',
      now,
    );
    const nextTarget = await applyPatch(
      ctx,
      tx,
      target,
      { updatedAt: now, ...waitingState(thread, target.status) },
      target.status,
      now,
    );
    await writeSystemNote(ctx, tx, source.id, { kind: 'merged_into', targetId: target.id, targetNumber: target.number }, now);
    await writeSystemNote(ctx, tx, target.id, { kind: 'merged_from', sourceId: source.id, sourceNumber: source.number }, now);

    const sourceChanges: Changes = {
      mergedIntoId: { from: null, to: target.id },
      mergedIntoNumber: { from: null, to: target.number },
      messages: { from: movedIds, to: [] },
    };
    if (source.status !== 'closed') sourceChanges.status = { from: source.status, to: 'closed' };
    await writeAudit(ctx, tx, actor, source.id, 'merged_into', context, now, sourceChanges);
    await writeAudit(ctx, tx, actor, target.id, 'merged_from', context, now, {
      mergedFromId: { from: null, to: source.id },
      mergedFromNumber: { from: null, to: source.number },
      messages: { from: [], to: movedIds },
    });

    const payload = { sourceId: source.id, targetId: target.id, targetNumber: target.number };
    // The customer hears of it once, through the ticket they wrote to: closed, and where
    // it went. The target's event is staff news (its thread grew).
    await events.add('ticket.merged', nextSource, actor, now, {
      ...payload,
      notify: { ...notifyStaff(nextSource, actor), customerId: nextSource.subscriberId },
    });
    if (source.status !== 'closed') {
      await events.add('ticket.status_changed', nextSource, actor, now, {
        from: source.status,
        to: 'closed',
        notify: { customerId: null, staffIds: [], queue: false }, // ticket.merged announces it
      });
    }
    await events.add('ticket.merged', nextTarget, actor, now, { ...payload, notify: notifyStaff(nextTarget, actor) });
    return { source: nextSource, target: nextTarget };
  });
}

/**
 * A ticket reference as given, reported under its own field name: without NUL or a lone
 * surrogate (a NUL reached Postgres, the driver's refusal, where the other stores said
 * not found).
 */
function parseRef(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) {
    throw new ValidationError(`${field} must be a ticket id or number (a non-empty string)`, field);
  }
  const problem = identifierProblem(value);
  if (problem !== null) throw new ValidationError(`${field} ${problem}`, field);
  return value;
}

/** Locks `ids` in ascending id order; returns the tickets found, by id. */
async function lockInOrder(tx: StoreTx, scope: StoreScope, ids: string[]): Promise<Map<string, Ticket>> {
  const out = new Map<string, Ticket>();
  for (const id of [...new Set(ids)].sort()) {
    const ticket = await tx.lockTicket(scope, id);
    if (ticket) out.set(id, ticket);
  }
  return out;
}

/**
 * The rules of a merge, checked before and again under the locks: a ticket is never merged
 * into itself (bad input), the status machine's merge rules (`checkMerge`: neither ticket
 * deleted, the source not merged already, the target not closed), one subscriber's
 * tickets only, addressed to the same level.
 */
function checkMergePair(source: Ticket, target: Ticket): void {
  if (source.id === target.id) {
    throw new ValidationError(`A ticket cannot be merged into itself (${source.number})`, 'targetId', {
      params: { reason: 'same_ticket' },
    });
  }
  checkMerge(source, target);
  // A merge must never show a customer another's messages.
  if (source.subscriberId !== target.subscriberId || source.resellerId !== target.resellerId) {
    throw new ValidationError(
      `Tickets ${source.number} and ${target.number} belong to different subscribers; only one subscriber's tickets can be merged`,
      'targetId',
      { params: { reason: 'different_subscriber' } },
    );
  }
  // Nor another level's staff: a request the customer sent over the reseller's head stays
  // out of the reseller's sight, and a reseller's own request stays theirs.
  if (source.addressedTo !== target.addressedTo || source.requesterResellerId !== target.requesterResellerId) {
    throw new ValidationError(
      `Tickets ${source.number} (to the ${source.addressedTo}) and ${target.number} (to the ${target.addressedTo}) are addressed differently; only tickets addressed alike can be merged`,
      'targetId',
      { params: { reason: 'different_address' } },
    );
  }
}
