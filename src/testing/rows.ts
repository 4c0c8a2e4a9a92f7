/**
 * Builders for rows the store-level contract tests write straight through the store
 * interface (without the service): random ids, fixed instants, every field overridable.
 */
import { randomUUID } from 'node:crypto';
import { EMPTY_SLA } from '../sla/sla-clock.js';
import type { OutboxEvent, TicketRow } from '../store.js';
import type { AuditEntry, Message, TicketSlaState } from '../types.js';

/** The first instant the builders use; `at(n)` is `n` seconds after it. */
export const BASE_TIME = Date.parse('2026-03-02T10:00:00.000Z');

/** `BASE_TIME` plus `seconds`. */
export const at = (seconds: number): Date => new Date(BASE_TIME + seconds * 1000);

/** A fresh tenant id. */
export const tenant = (): string => `t-${randomUUID()}`;

/** An SLA state with nothing set (a new object each call). */
export const emptySla = (): TicketSlaState => ({ ...EMPTY_SLA });

/** A ticket row for direct store tests, with a random id and number. */
export function ticketRow(tenantId: string, overrides: Partial<TicketRow> = {}): TicketRow {
  const now = new Date('2026-03-02T10:00:00.123Z');
  const id = randomUUID();
  return {
    tenantId,
    id,
    number: `N-${id}`,
    subject: 'direct',
    category: 'other',
    department: null,
    priority: 'normal',
    status: 'open',
    subscriberId: 'sub-direct',
    resellerId: null,
    assigneeId: null,
    createdByType: 'customer',
    createdById: 'sub-direct',
    createdAt: now,
    updatedAt: now,
    statusChangedAt: now,
    version: 1,
    archived: false,
    deletedAt: null,
    firstResponseAt: null,
    resolvedAt: null,
    firstResponseDueAt: null,
    resolutionDueAt: null,
    deadlineAt: null,
    attention: 0,
    sla: emptySla(),
    mergedIntoId: null,
    lockedById: null,
    lockedByName: null,
    lockedUntil: null,
    raised: false,
    customerPriority: 'normal',
    waitingSince: null,
    customerMessageAt: null,
    addressedTo: 'operator',
    requesterResellerId: null,
    channel: 'web',
    requesterEmail: null,
    ...overrides,
  };
}

/** Ticket `TKT-<n>` of subscriber `sub-1`, created `n` seconds after `BASE_TIME`. */
export function numberedTicket(tenantId: string, n: number, over: Partial<TicketRow> = {}): TicketRow {
  return ticketRow(tenantId, {
    id: `tk-${randomUUID()}`,
    number: `TKT-${n}`,
    subject: `Subject ${n}`,
    subscriberId: 'sub-1',
    createdById: 'sub-1',
    createdAt: at(n),
    updatedAt: at(n),
    statusChangedAt: at(n),
    ...over,
  });
}

/** A customer message of `ticketId`. */
export function message(ticketId: string, over: Partial<Message> = {}): Message {
  return {
    id: `m-${randomUUID()}`,
    ticketId,
    authorType: 'customer',
    authorId: 'sub-1',
    authorName: 'Sub One',
    body: 'Hello',
    html: '<p>Hello</p>',
    internal: false,
    hidden: false,
    opening: false,
    system: null,
    createdAt: new Date(BASE_TIME),
    editedAt: null,
    attachments: [],
    email: null,
    ...over,
  };
}

/** An audit entry for `ticketId`. */
export function auditEntry(ticketId: string, over: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id: `a-${randomUUID()}`,
    ticketId,
    action: 'created',
    actorKind: 'customer',
    actorId: 'sub-1',
    actorName: 'Sub One',
    changes: {},
    ip: null,
    userAgent: null,
    requestId: null,
    createdAt: new Date(BASE_TIME),
    ...over,
  };
}

/** An outbox event for `ticketId`. */
export function outboxEvent(ticketId: string | null, over: Partial<OutboxEvent> = {}): OutboxEvent {
  return {
    id: `e-${randomUUID()}`,
    ticketId,
    type: 'ticket.created',
    payload: { ticketId },
    createdAt: new Date(BASE_TIME),
    ...over,
  };
}

/** The error `promise` rejects with; throws when it resolves. */
export async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection, but the call succeeded');
}
