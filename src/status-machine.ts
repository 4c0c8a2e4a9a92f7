/**
 * The ticket status machine, in one place. Every status change the core makes goes
 * through `checkTransition` or one of the reply rules below; the two flags beside the
 * status, `archived` (closed tickets only) and soft delete (`deletedAt`), change only
 * through `checkArchive`/`checkUnarchive`/`checkDelete`/`checkRestore` and `statusChange`
 * (leaving `closed` un-archives). A deleted ticket refuses every change but restore.
 */
import { InvalidTransitionError, ValidationError } from './errors.js';
import { requireStaffPermission } from './permissions.js';
import type { Actor, Status, Ticket } from './types.js';

/** Statuses that pause SLA clocks. */
export const PAUSED_STATUSES: readonly Status[] = ['pending', 'on_hold'];
/** Statuses that count as done. */
export const DONE_STATUSES: readonly Status[] = ['resolved', 'closed'];
/** Statuses staff may create a ticket in (as after a phone call). */
export const CREATE_STATUSES: readonly Status[] = ['open', 'pending', 'resolved'];
/** Statuses the auto-close scan closes after `autoCloseAfterHours` without a customer answer. */
export const AUTO_CLOSE_STATUSES: readonly Status[] = ['resolved', 'pending'];

/** Whether `status` is resolved or closed. */
export function isDone(status: Status): boolean {
  return DONE_STATUSES.includes(status);
}

function refuse(from: Status, to: Status, why: string): never {
  throw new InvalidTransitionError(`Cannot change status from ${from} to ${to}: ${why}`, {
    params: { from, to },
  });
}

/** Throws `invalid_transition` when the ticket is soft-deleted: nothing may change it. */
export function assertNotDeleted(ticket: Ticket, to: Status = ticket.status): void {
  if (ticket.deletedAt) refuse(ticket.status, to, 'the ticket is deleted');
}

/**
 * Checks an explicit status change by `actor` (permissions are checked by the caller).
 * Staff and system may set any status at any time; customers may only close their own
 * resolved ticket.
 */
export function checkTransition(actor: Actor, ticket: Ticket, to: Status): void {
  assertNotDeleted(ticket, to);
  if (actor.kind !== 'customer') return;
  if (ticket.status === to) return;
  if (to === 'closed' && ticket.status === 'resolved') return;
  refuse(ticket.status, to, 'customers can only close a resolved ticket');
}

/** Checks the status a ticket is created in. */
export function checkCreateStatus(actor: Actor, status: Status): void {
  if (status === 'open') return;
  if (actor.kind !== 'customer' && CREATE_STATUSES.includes(status)) return;
  refuse('open', status, `a new ticket starts as ${CREATE_STATUSES.join(', ')}`);
}

/** The status after a reply: customers reopen, a public staff reply waits on the customer. */
export function statusAfterReply(
  actor: Actor,
  ticket: Ticket,
  reply: { internal: boolean; status?: Status },
): Status {
  if (actor.kind === 'customer') return 'open';
  if (reply.status) return reply.status;
  // An automated message (an acknowledgment, a reminder) waits on nobody.
  if (actor.kind === 'system') return ticket.status;
  if (reply.internal) return ticket.status;
  return 'pending';
}

/**
 * What a reply may do to the status, checked before anything is written: an internal
 * note changes no status; replying may resolve or wait on the customer (the reply form's
 * choices); any other status needs `tickets.edit`.
 */
export function checkReplyStatus(actor: Actor, reply: { internal: boolean; status?: Status | undefined }): void {
  if (reply.status === undefined) return;
  if (reply.internal) {
    throw new ValidationError('An internal note does not change the status; use update() for that', 'status');
  }
  if (reply.status !== 'resolved' && reply.status !== 'pending') {
    requireStaffPermission(actor, 'tickets.edit', `set the status to ${reply.status}`);
  }
}

/**
 * The fields that change with the status: when it changed, when the ticket was resolved
 * (kept through resolved -> closed, cleared on reopening), and the archived flag (closed
 * tickets only). Empty when the status stays.
 */
export function statusChange(
  ticket: Ticket,
  to: Status,
  now: Date,
): Partial<Pick<Ticket, 'status' | 'statusChangedAt' | 'resolvedAt' | 'archived'>> {
  if (to === ticket.status) return {};
  return {
    status: to,
    statusChangedAt: now,
    ...(isDone(to) && !isDone(ticket.status) ? { resolvedAt: now } : {}),
    ...(!isDone(to) ? { resolvedAt: null } : {}),
    ...(to !== 'closed' && ticket.archived ? { archived: false } : {}),
  };
}

/**
 * The lifecycle operations beside status changes. A refusal names the operation in
 * `params.action` (its `from`/`to` are the ticket's status, which the operation keeps).
 */
export type LifecycleAction = 'archive' | 'unarchive' | 'delete' | 'restore' | 'merge';

function refuseAction(
  ticket: Ticket,
  action: LifecycleAction,
  reason: string,
  why: string,
  params: Record<string, unknown> = {},
): never {
  throw new InvalidTransitionError(`Cannot ${action} ticket ${ticket.number}: ${why}`, {
    params: { from: ticket.status, to: ticket.status, action, reason, ticket: ticket.id, ...params },
  });
}

/**
 * Archiving is only for closed tickets (ISPmanager's archive, BILLmanager's
 * `clientticket.archive`). Archiving an archived ticket changes nothing.
 */
export function checkArchive(ticket: Ticket): void {
  if (ticket.deletedAt) refuseAction(ticket, 'archive', 'deleted', 'the ticket is deleted');
  if (ticket.status !== 'closed') {
    refuseAction(ticket, 'archive', 'not_closed', `only closed tickets can be archived, it is ${ticket.status}`);
  }
}

/**
 * Only a closed ticket is ever archived, so only a closed one can be taken out of the
 * archive (a reply or a status change takes it out by itself: see `statusChange`).
 */
export function checkUnarchive(ticket: Ticket): void {
  if (ticket.deletedAt) refuseAction(ticket, 'unarchive', 'deleted', 'the ticket is deleted');
  if (ticket.status !== 'closed') {
    refuseAction(ticket, 'unarchive', 'not_closed', `only closed tickets are archived, it is ${ticket.status}`);
  }
}

/** A deleted ticket cannot be deleted again. */
export function checkDelete(ticket: Ticket): void {
  if (ticket.deletedAt) refuseAction(ticket, 'delete', 'deleted', 'the ticket is already deleted');
}

/** Only a deleted ticket can be restored. */
export function checkRestore(ticket: Ticket): void {
  if (!ticket.deletedAt) refuseAction(ticket, 'restore', 'not_deleted', 'the ticket is not deleted');
}

/**
 * What the status machine says about merging `source` into `target`: neither is deleted,
 * a ticket never merges into itself, a merged ticket does not merge again, and the target
 * still takes replies (is not closed). Scope and "one subscriber's tickets" are the
 * merge's own checks (`merge-tickets.ts`). `params.reason` says which rule refused.
 */
export function checkMerge(source: Ticket, target: Ticket): void {
  if (source.deletedAt) refuseAction(source, 'merge', 'deleted', 'the ticket is deleted');
  if (target.deletedAt) refuseAction(source, 'merge', 'target_deleted', `the target ${target.number} is deleted`);
  if (source.id === target.id) refuseAction(source, 'merge', 'same_ticket', 'a ticket cannot be merged into itself');
  if (source.mergedIntoId !== null) {
    refuseAction(source, 'merge', 'already_merged', 'the ticket was already merged', { mergedIntoId: source.mergedIntoId });
  }
  if (target.status === 'closed') {
    refuseAction(source, 'merge', 'target_closed', `the target ${target.number} is closed; reopen it first`);
  }
}
