/**
 * The memory store's state and the small rules its reads and writes share: keys, copies,
 * scope and message visibility.
 */
import type { EmailMessageRecord, OutboxEvent, StoreScope } from '../../src/store.js';
import type { Attachment, SavedFilter, StoredAttachment } from '../../src/types.js';
import { HIDDEN, INTERNAL, type StoredMessage, type StoredTicket } from './memory-rows.js';
import type { TenantData } from './memory-tenant.js';

/** An outbox event with its tenant and delivery time. */
export interface OutboxRow extends OutboxEvent {
  tenantId: string;
  deliveredAt: Date | null;
}

/**
 * The dispatcher's state of a queued event (`OutboxEvent.dispatchAt` was set): the
 * `outbox` columns of the same names in the SQL stores.
 */
export interface DispatchRow {
  tenantId: string;
  id: string;
  /** Insertion order (SQL's `position`): ties in the claim order, the `listParked` cursor. */
  position: number;
  /** Claimable from this time (a claim moves it to the lease end); null once delivered or parked. */
  dispatchAt: Date | null;
  attempts: number;
  handled: string[];
  dispatchedAt: Date | null;
  parkedAt: Date | null;
  lastError: string | null;
}

/** Everything the memory store holds. */
export interface MemoryState {
  /** tenant -> its tickets, messages and the indexes over them */
  tenants: Map<string, TenantData>;
  /** The next message position. */
  nextPosition: number;
  /** `tenant\0staffId\0ticketId` -> when the staff member starred the ticket */
  favorites: Map<string, Date>;
  /** `tenant\0staffId\0ticketId` -> when the staff member last read the ticket */
  readMarks: Map<string, Date>;
  /** `tenant\0filterId` -> saved filter */
  filters: Map<string, SavedFilter & { tenantId: string }>;
  /** `tenant\0attachmentId` -> attachment */
  attachments: Map<string, StoredAttachment>;
  /** `tenant\0messageId` -> its attachment ids, in the order they were attached */
  messageAttachments: Map<string, string[]>;
  /** `tenant\0eventId` -> event */
  outbox: Map<string, OutboxRow>;
  /** `tenant\0key` -> last number handed out */
  counters: Map<string, number>;
  /** `tenant\0messageId` -> a Message-ID ticketry received or sent */
  emailMessages: Map<string, EmailMessageRecord>;
  /** `tenant\0eventId` -> the dispatcher's state of a queued event (`dispatchAt` set on insert) */
  dispatch: Map<string, DispatchRow>;
  /** The keys of `dispatch` whose `dispatchAt` is set: what a claim scans (delivered events drop out). */
  queued: Set<string>;
  /** The next `DispatchRow.position`. */
  nextDispatchPosition: number;
}

/** A fresh, empty state. */
export function emptyState(): MemoryState {
  return {
    tenants: new Map(),
    nextPosition: 1,
    favorites: new Map(),
    readMarks: new Map(),
    filters: new Map(),
    attachments: new Map(),
    messageAttachments: new Map(),
    outbox: new Map(),
    counters: new Map(),
    emailMessages: new Map(),
    dispatch: new Map(),
    queued: new Set(),
    nextDispatchPosition: 1,
  };
}

/** A map key from parts (NUL cannot occur in ids). */
export const key = (...parts: string[]): string => parts.join('\0');

/**
 * A deep copy: nothing handed in or out shares objects with the state. Strings and other
 * primitives are immutable and shared (`structuredClone` would copy every string, doubling
 * the heap of a large store); plain objects, arrays and dates are copied; anything else
 * (and a structure nested deeper than any row) goes through `structuredClone`.
 */
export function copy<T>(value: T): T {
  return clone(value, 0) as T;
}

function clone(value: unknown, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > 64) return structuredClone(value);
  if (value instanceof Date) return new Date(value.getTime());
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return structuredClone(value);
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      if (i in value) out[i] = clone(value[i], depth + 1);
    }
    return out;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return structuredClone(value);
  // A spread keeps the source's shape (fast properties; an own `__proto__` stays own),
  // then nested objects are replaced by their copies.
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const k in out) {
    const v = out[k];
    if (v === null || typeof v !== 'object') continue;
    if (k === '__proto__') Object.defineProperty(out, k, { value: clone(v, depth + 1), enumerable: true, writable: true, configurable: true });
    else out[k] = clone(v, depth + 1);
  }
  return out;
}

/** Whether `t` is inside `scope` (tenant, soft delete, subscriber, reseller). */
export function inScope(scope: StoreScope, t: StoredTicket): boolean {
  if (t.tenantId !== scope.tenantId) return false;
  if (t.deletedAt !== null && !scope.includeDeleted) return false;
  if (scope.subscriberId !== undefined && t.subscriberId !== scope.subscriberId) return false;
  if (scope.resellerId !== undefined && t.resellerId !== scope.resellerId) return false;
  if (scope.requesterResellerId !== undefined && t.requesterResellerId !== scope.requesterResellerId) return false;
  if (scope.addressedTo !== undefined && t.addressedTo !== scope.addressedTo) return false;
  return true;
}

/** Whether the scope may see message `m`. */
export function visible(scope: StoreScope, m: StoredMessage): boolean {
  return scope.visibility === 'staff' || (m.flags & (INTERNAL | HIDDEN)) === 0;
}

/** Compares two ids as SQL stores with a binary collation do. */
export const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The attachments of message `messageId`, as messages list them. */
export function attachmentsOf(state: MemoryState, tenantId: string, messageId: string): Attachment[] {
  return (state.messageAttachments.get(key(tenantId, messageId)) ?? []).map((id) => {
    const { id: _id, filename, contentType, size } = state.attachments.get(key(tenantId, id))!;
    return { id, filename, contentType, size };
  });
}
