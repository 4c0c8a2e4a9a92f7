/**
 * Builders for the rows the SQL store tests write directly through the store interface
 * (without the service), with random ids and overridable fields.
 */
import { randomUUID } from 'node:crypto';
import { EMPTY_SLA } from '../../src/sla/sla-clock.js';
import type { OutboxEvent, TicketRow } from '../../src/store.js';
import { ticketRow as baseTicketRow } from '../../src/testing/harness.js';
import type { AuditEntry, Message, TicketSlaState } from '../../src/types.js';

/** The error `promise` rejects with; fails the test when it resolves. */
export async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

/** A fresh tenant id. */
export const tenant = (): string => `t-${randomUUID()}`;

/** An SLA state with nothing set. */
export const emptySla = (): TicketSlaState => ({ ...EMPTY_SLA });

const BASE = Date.parse('2026-03-02T10:00:00.000Z');

/** A ticket row; `n` drives the number and default timestamps. */
export function ticketRow(tenantId: string, n: number, over: Partial<TicketRow> = {}): TicketRow {
  const at = new Date(BASE + n * 1000);
  return baseTicketRow(tenantId, {
    id: `tk-${randomUUID()}`,
    number: `TKT-${n}`,
    subject: `Subject ${n}`,
    subscriberId: 'sub-1',
    createdById: 'sub-1',
    createdAt: at,
    updatedAt: at,
    statusChangedAt: at,
    ...over,
  });
}

/** A message of `ticketId`. */
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
    createdAt: new Date(BASE),
    editedAt: null,
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
    createdAt: new Date(BASE),
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
    createdAt: new Date(BASE),
    ...over,
  };
}
