/**
 * How the memory store holds its rows, and the fresh objects that leave it.
 *
 * A stored ticket, message or audit entry keeps its instants as epoch milliseconds, not
 * `Date`s (a `Date` costs about 100 bytes of heap, a number 16, and a ticket has up to 19
 * of them), and is built as one object literal with every field, so V8 keeps the fields
 * inside the object (a spread into a literal puts them in a second, padded array).
 * Anything handed out is built afresh: `Date`s made from the numbers, nested objects
 * copied, so a caller may change what it got without reaching the store.
 *
 * The literals name every field of `Ticket` / `Message` / `AuditEntry` (typed against
 * them: a field added there fails type-checking here until it is handled). A field the
 * types do not have (none today) is stored as a copy and handed out as a copy.
 */
import { slaAlertFields, type SlaAlert, type SlaTarget } from '../../src/sla/sla-fields.js';
import type { TicketRow } from '../../src/store.js';
import type { Attachment, AuditEntry, Message, Ticket, TicketSlaState } from '../../src/types.js';
import { copy } from './memory-state.js';

/** `T` with its instants as epoch milliseconds. */
export type Stamped<T> = { [K in keyof T]: T[K] extends Date ? number : T[K] extends Date | null ? (Date extends T[K] ? number | null : T[K]) : T[K] };

/** A ticket's SLA state as stored. */
export type StoredSla = Stamped<TicketSlaState>;

/**
 * A stored ticket: the row with instants as numbers, its `searchText(number + ' ' + subject)`
 * cached at write time, and `seq`, its number in its tenant (insertion order: what the word
 * index posts for it).
 */
export type StoredTicket = Stamped<Omit<TicketRow, 'sla'>> & { sla: StoredSla; ownText: string; seq: number };

/**
 * A stored audit entry. `changes` is kept as its JSON text when JSON gives it back exactly
 * (strings, finite numbers, booleans, null in plain objects and arrays: every change the
 * core records but one of dates), a fifth less heap than the objects; else as a copy.
 */
export type StoredAudit = Stamped<Omit<AuditEntry, 'changes'>> & { changes: string | AuditEntry['changes'] };

/**
 * `s`, flattened: `JSON.stringify` returns a rope of its buffer's pieces (about 1.5 times
 * the bytes of the text); reading a character makes V8 flatten it in place.
 */
function flat(s: string): string {
  s.charCodeAt(0);
  return s;
}

/** Whether `JSON.parse(JSON.stringify(v))` is a deep copy of `v`, equal to `copy(v)`. */
function jsonExact(v: unknown, depth = 0): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0);
  if (typeof v !== 'object' || depth > 32) return false;
  if (Array.isArray(v)) {
    if (Object.getPrototypeOf(v) !== Array.prototype) return false;
    for (let i = 0; i < v.length; i++) if (!(i in v) || !jsonExact(v[i], depth + 1)) return false;
    return true;
  }
  if (Object.getPrototypeOf(v) !== Object.prototype || Object.getOwnPropertySymbols(v).length > 0) return false;
  for (const k in v) if (Object.hasOwn(v, k) && !jsonExact((v as Record<string, unknown>)[k], depth + 1)) return false;
  return true;
}

/**
 * Epoch milliseconds of an instant; `null` for none (a row without the field, which
 * `checkTicketRow` lets through as `null`, reads back as `null`, as from a SQL store).
 */
export const ms = (d: Date | null | undefined): number | null => (d == null ? null : d.getTime());
const date = (n: number | null): Date | null => (n === null ? null : new Date(n));

/** A ticket's SLA state for storing (copied). */
export function stampSla(s: TicketSlaState): StoredSla {
  return {
    firstResponseElapsed: s.firstResponseElapsed,
    resolutionElapsed: s.resolutionElapsed,
    clockAt: ms(s.clockAt),
    firstResponseRemaining: s.firstResponseRemaining,
    resolutionRemaining: s.resolutionRemaining,
    firstResponseWarnAt: ms(s.firstResponseWarnAt),
    resolutionWarnAt: ms(s.resolutionWarnAt),
    firstResponseWarnedAt: ms(s.firstResponseWarnedAt),
    resolutionWarnedAt: ms(s.resolutionWarnedAt),
    firstResponseBreachedAt: ms(s.firstResponseBreachedAt),
    resolutionBreachedAt: ms(s.resolutionBreachedAt),
    firstResponseMet: s.firstResponseMet,
    resolutionMet: s.resolutionMet,
  };
}

function slaOut(s: StoredSla): TicketSlaState {
  return {
    firstResponseElapsed: s.firstResponseElapsed,
    resolutionElapsed: s.resolutionElapsed,
    clockAt: date(s.clockAt),
    firstResponseRemaining: s.firstResponseRemaining,
    resolutionRemaining: s.resolutionRemaining,
    firstResponseWarnAt: date(s.firstResponseWarnAt),
    resolutionWarnAt: date(s.resolutionWarnAt),
    firstResponseWarnedAt: date(s.firstResponseWarnedAt),
    resolutionWarnedAt: date(s.resolutionWarnedAt),
    firstResponseBreachedAt: date(s.firstResponseBreachedAt),
    resolutionBreachedAt: date(s.resolutionBreachedAt),
    firstResponseMet: s.firstResponseMet,
    resolutionMet: s.resolutionMet,
  };
}

/** A ticket row as stored: `Date` fields as numbers, a fresh `sla`; strings are shared (immutable). */
export function stampTicket(t: TicketRow, ownText: string, seq: number): StoredTicket {
  const stored: StoredTicket = {
    tenantId: t.tenantId,
    id: t.id,
    number: t.number,
    subject: t.subject,
    category: t.category,
    department: t.department,
    priority: t.priority,
    status: t.status,
    subscriberId: t.subscriberId,
    resellerId: t.resellerId,
    assigneeId: t.assigneeId,
    createdByType: t.createdByType,
    createdById: t.createdById,
    createdAt: t.createdAt.getTime(),
    updatedAt: t.updatedAt.getTime(),
    statusChangedAt: t.statusChangedAt.getTime(),
    version: t.version,
    archived: t.archived,
    deletedAt: ms(t.deletedAt),
    firstResponseAt: ms(t.firstResponseAt),
    resolvedAt: ms(t.resolvedAt),
    firstResponseDueAt: ms(t.firstResponseDueAt),
    resolutionDueAt: ms(t.resolutionDueAt),
    deadlineAt: ms(t.deadlineAt),
    attention: t.attention,
    sla: stampSla(t.sla),
    mergedIntoId: t.mergedIntoId,
    lockedById: t.lockedById,
    lockedByName: t.lockedByName,
    lockedUntil: ms(t.lockedUntil),
    raised: t.raised,
    customerPriority: t.customerPriority,
    waitingSince: ms(t.waitingSince),
    customerMessageAt: ms(t.customerMessageAt),
    addressedTo: t.addressedTo,
    requesterResellerId: t.requesterResellerId,
    channel: t.channel,
    requesterEmail: t.requesterEmail,
    ownText,
    seq,
  };
  extras(t, stored, NOT_TICKET);
  return stored;
}

/** Stored fields that are not the ticket's. */
const NOT_TICKET = new Set(['tenantId', 'ownText', 'seq']);

/**
 * Copies the own fields of `from` that `to` lacks and `skip` does not name: none, unless a
 * caller passes more than the type has (a field the store does not know, kept as a copy).
 */
function extras(from: object, to: object, skip: ReadonlySet<string>): void {
  for (const k in from) {
    if (Object.hasOwn(from, k) && !Object.hasOwn(to, k) && !skip.has(k)) {
      (to as Record<string, unknown>)[k] = copy((from as Record<string, unknown>)[k]);
    }
  }
}

/**
 * The ticket of a stored row, without its tenant and cache: a fresh object (fresh `Date`s
 * and `sla`), which the caller may change.
 */
export function ticketOut(t: StoredTicket): Ticket {
  const out: Ticket = {
    id: t.id,
    number: t.number,
    subject: t.subject,
    category: t.category,
    department: t.department,
    priority: t.priority,
    status: t.status,
    subscriberId: t.subscriberId,
    resellerId: t.resellerId,
    assigneeId: t.assigneeId,
    createdByType: t.createdByType,
    createdById: t.createdById,
    createdAt: new Date(t.createdAt),
    updatedAt: new Date(t.updatedAt),
    statusChangedAt: new Date(t.statusChangedAt),
    version: t.version,
    archived: t.archived,
    deletedAt: date(t.deletedAt),
    firstResponseAt: date(t.firstResponseAt),
    resolvedAt: date(t.resolvedAt),
    firstResponseDueAt: date(t.firstResponseDueAt),
    resolutionDueAt: date(t.resolutionDueAt),
    deadlineAt: date(t.deadlineAt),
    attention: t.attention,
    sla: slaOut(t.sla),
    mergedIntoId: t.mergedIntoId,
    lockedById: t.lockedById,
    lockedByName: t.lockedByName,
    lockedUntil: date(t.lockedUntil),
    raised: t.raised,
    customerPriority: t.customerPriority,
    waitingSince: date(t.waitingSince),
    customerMessageAt: date(t.customerMessageAt),
    addressedTo: t.addressedTo,
    requesterResellerId: t.requesterResellerId,
    channel: t.channel,
    requesterEmail: t.requesterEmail,
  };
  extras(t, out, NOT_TICKET);
  return out;
}

/** `StoredMessage.flags` bits. */
export const INTERNAL = 1;
export const HIDDEN = 2;
export const OPENING = 4;

/** The message fields most messages leave empty, stored together (`null`: all three `null`). */
interface RareMessageFields {
  system: Message['system'];
  email: Message['email'];
  editedAt: number | null;
}

/**
 * A stored message: no `attachments` (they are rows of their own); `internal`, `hidden`
 * and `opening` as bits of `flags`; `system`, `email` and `editedAt` in `rare` (`null`
 * when all are `null`, as for nearly every message); `position` the insertion order
 * (SQL's `position`: ties in time order across merged threads). Its `searchText(body)` is
 * not kept (it would cost as much heap as the bodies): the word index holds its words,
 * and a search makes the text of the few messages it checks.
 */
export interface StoredMessage {
  id: string;
  ticketId: string;
  authorType: Message['authorType'];
  authorId: string | null;
  authorName: string | null;
  body: string;
  html: string;
  flags: number;
  createdAt: number;
  position: number;
  rare: RareMessageFields | null;
}

/** Message fields `stampMessage` stores in other shapes (an extra field is any other). */
const MESSAGE_SHAPED = new Set(['internal', 'hidden', 'opening', 'system', 'email', 'editedAt', 'attachments']);
/** Stored fields that are not the message's. */
const NOT_MESSAGE = new Set(['flags', 'rare', 'position']);

const bit = (on: boolean, b: number): number => (on ? b : 0);

/** `flags` with bit `b` set to `on`. */
export const withFlag = (flags: number, b: number, on: boolean): number => (flags & ~b) | bit(on, b);

/** The rare fields, or `null` when all three are `null`. */
export function rareFields(system: Message['system'], email: Message['email'], editedAt: number | null): RareMessageFields | null {
  return system === null && email === null && editedAt === null ? null : { system, email, editedAt };
}

/** A message as stored (its attachments are rows of their own): `Date`s as numbers, nested objects copied. */
export function stampMessage(m: Message, position: number): StoredMessage {
  const stored: StoredMessage = {
    id: m.id,
    ticketId: m.ticketId,
    authorType: m.authorType,
    authorId: m.authorId,
    authorName: m.authorName,
    body: m.body,
    html: m.html,
    flags: bit(m.internal, INTERNAL) | bit(m.hidden, HIDDEN) | bit(m.opening, OPENING),
    createdAt: m.createdAt.getTime(),
    position,
    rare: rareFields(copy(m.system), copy(m.email), ms(m.editedAt)),
  };
  extras(m, stored, MESSAGE_SHAPED);
  return stored;
}

/** The message of a stored one, with `attachments`: a fresh object. */
export function messageOut(m: StoredMessage, attachments: Attachment[]): Message {
  const rare = m.rare;
  const out: Message = {
    id: m.id,
    ticketId: m.ticketId,
    authorType: m.authorType,
    authorId: m.authorId,
    authorName: m.authorName,
    body: m.body,
    html: m.html,
    internal: (m.flags & INTERNAL) !== 0,
    hidden: (m.flags & HIDDEN) !== 0,
    opening: (m.flags & OPENING) !== 0,
    system: rare === null ? null : copy(rare.system),
    createdAt: new Date(m.createdAt),
    editedAt: rare === null ? null : date(rare.editedAt),
    attachments,
    email: rare === null ? null : copy(rare.email),
  };
  extras(m, out, NOT_MESSAGE);
  return out;
}

const NOTHING = new Set<string>();

/** An audit entry as stored. */
export function stampAudit(e: AuditEntry): StoredAudit {
  const stored: StoredAudit = {
    id: e.id,
    ticketId: e.ticketId,
    action: e.action,
    actorKind: e.actorKind,
    actorId: e.actorId,
    actorName: e.actorName,
    changes: jsonExact(e.changes) ? flat(JSON.stringify(e.changes)) : copy(e.changes),
    ip: e.ip,
    userAgent: e.userAgent,
    requestId: e.requestId,
    createdAt: e.createdAt.getTime(),
  };
  extras(e, stored, NOTHING);
  return stored;
}

/** The audit entry of a stored one: a fresh object. */
export function auditOut(e: StoredAudit): AuditEntry {
  const out: AuditEntry = {
    id: e.id,
    ticketId: e.ticketId,
    action: e.action,
    actorKind: e.actorKind,
    actorId: e.actorId,
    actorName: e.actorName,
    changes: typeof e.changes === 'string' ? (JSON.parse(e.changes) as AuditEntry['changes']) : copy(e.changes),
    ip: e.ip,
    userAgent: e.userAgent,
    requestId: e.requestId,
    createdAt: new Date(e.createdAt),
  };
  extras(e, out, NOTHING);
  return out;
}

/** `slaAlertDueAt` of a stored ticket, in epoch milliseconds. */
export function slaDueAt(t: StoredTicket, target: SlaTarget, kind: SlaAlert): number | null {
  const { due } = slaAlertFields(target, kind);
  return due.on === 'ticket' ? t[due.field] : t.sla[due.field];
}
