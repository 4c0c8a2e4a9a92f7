/**
 * What the message operations (hide, edit, merge, split) share: a message id as given, the
 * message and its ticket found and locked through the actor's scope, which messages an
 * operation may touch, and the customer-waiting fields recomputed after a thread changes.
 */
import { ConflictError, InvalidTransitionError, NotFoundError, ValidationError } from '../errors.js';
import { identifierProblem } from '../schemas.js';
import type { StoreScope, StoreTx } from '../store.js';
import type { Actor, Message, Status, Ticket } from '../types.js';

/**
 * A message id as given by the caller: a non-empty string of at most 200 characters,
 * without NUL or a lone surrogate (Postgres refuses a NUL with the driver's text where the
 * other stores answer "not found": the same `validation` answer everywhere instead).
 */
export function parseMessageRef(value: unknown, field = 'messageId'): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) {
    throw new ValidationError(`${field} must be a non-empty string of at most 200 characters`, field);
  }
  const problem = identifierProblem(value);
  if (problem !== null) throw new ValidationError(`${field} ${problem}`, field);
  return value;
}

/** Out of scope and missing read the same, so existence does not leak. */
export function messageNotFound(ref: string): NotFoundError {
  return new NotFoundError(`Message ${ref} not found`, { params: { message: ref } });
}

/**
 * The message `ref` names and its ticket, both within `scope`, with the ticket locked for
 * the rest of the transaction. The message is read again under the lock: a merge or split
 * that moved it meanwhile is a `conflict` (read again and retry), never a write to the
 * wrong ticket.
 */
export async function lockMessage(
  tx: StoreTx,
  scope: StoreScope,
  ref: string,
): Promise<{ message: Message; ticket: Ticket }> {
  const seen = await tx.findMessage(scope, ref);
  if (!seen) throw messageNotFound(ref);
  const ticket = await tx.lockTicket(scope, seen.ticketId);
  if (!ticket) throw messageNotFound(ref);
  const message = await tx.findMessage(scope, ref);
  if (!message) throw messageNotFound(ref);
  if (message.ticketId !== ticket.id) {
    throw new ConflictError(`Message ${ref} was moved to another ticket meanwhile; read it again and retry`, {
      params: { message: ref },
    });
  }
  return { message, ticket };
}

/** System notes record what happened; no operation rewrites, hides or moves them on request. */
export function refuseSystemNote(message: Message, action: string, field = 'messageId'): void {
  if (message.authorType === 'system') {
    throw new ValidationError(`Message ${message.id} is a system note; system notes cannot be ${action}`, field, {
      params: { message: message.id, reason: 'system_note' },
    });
  }
}

/** A merged ticket is closed for good: its thread lives on in the target. */
export function assertNotMerged(ticket: Ticket): void {
  if (ticket.mergedIntoId !== null) {
    throw new InvalidTransitionError(
      `Ticket ${ticket.number} was merged into another ticket (${ticket.mergedIntoId}); work on that one`,
      { params: { ticket: ticket.id, mergedIntoId: ticket.mergedIntoId, from: ticket.status, to: ticket.status } },
    );
  }
}

/**
 * Whose rules a body follows: the message's author's. Staff write Markdown, customers
 * plain text; staff editing a customer's message keep it plain text, so an edit never
 * turns a customer's words into markup.
 */
export function bodyAuthor(message: Message): Actor {
  // Only the kind decides how a body is checked and rendered (render-message.ts).
  const id = message.authorId ?? message.id;
  return message.authorType === 'staff' ? { kind: 'staff', id, permissions: [] } : { kind: 'customer', id };
}

/** Statuses in which nobody waits on staff (the ticket waits on the customer, or is done). */
const NOT_WAITING: readonly Status[] = ['pending', 'resolved', 'closed'];

/**
 * The customer-waiting fields of a ticket whose thread is `messages` (oldest first, as
 * staff see it) and whose status is `status`: the latest customer message, and since when
 * the customer has waited (their first message after the last public staff reply), `null`
 * when the status waits on nobody. Merge and split change threads, so they recompute these.
 */
export function waitingState(
  messages: readonly Message[],
  status: Status,
): { waitingSince: Date | null; customerMessageAt: Date | null } {
  let waitingSince: Date | null = null;
  let customerMessageAt: Date | null = null;
  for (const m of messages) {
    if (m.authorType === 'customer') {
      waitingSince ??= m.createdAt;
      if (!customerMessageAt || m.createdAt > customerMessageAt) customerMessageAt = m.createdAt;
    } else if (m.authorType === 'staff' && !m.internal && !m.hidden) {
      waitingSince = null;
    }
  }
  return { waitingSince: NOT_WAITING.includes(status) ? null : waitingSince, customerMessageAt };
}

