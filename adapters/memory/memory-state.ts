/**
 * The memory store's state and the small rules its reads and writes share: keys, copies,
 * scope and message visibility.
 */
import type { EmailMessageRecord, OutboxEvent, StoreScope, TicketRow } from '../../src/store.js';
import type { Attachment, AuditEntry, Message, SavedFilter, StoredAttachment, Ticket } from '../../src/types.js';

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
  /** `tenant\0id` -> ticket */
  tickets: Map<string, TicketRow>;
  /** `tenant\0number` -> ticket id */
  numbers: Map<string, string>;
  /** `tenant\0ticketId` -> messages in insertion order */
  messages: Map<string, Message[]>;
  /**
   * `tenant\0messageId` -> where the message is and its insertion position (message ids
   * are unique per tenant, as in the SQL stores; the position breaks ties in time order
   * across merged threads, as SQL's `position` does)
   */
  messageIndex: Map<string, { ticketId: string; position: number }>;
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
  /** `tenant\0ticketId` -> audit entries in insertion order */
  audit: Map<string, AuditEntry[]>;
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
    tickets: new Map(),
    numbers: new Map(),
    messages: new Map(),
    messageIndex: new Map(),
    nextPosition: 1,
    favorites: new Map(),
    readMarks: new Map(),
    filters: new Map(),
    attachments: new Map(),
    messageAttachments: new Map(),
    audit: new Map(),
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

/** A deep copy: nothing handed in or out shares objects with the state. */
export const copy = <T>(value: T): T => structuredClone(value);

/** The ticket without its tenant, copied. */
export const stripTenant = ({ tenantId: _t, ...ticket }: TicketRow): Ticket => copy(ticket);

/** Whether `t` is inside `scope` (tenant, soft delete, subscriber, reseller). */
export function inScope(scope: StoreScope, t: TicketRow): boolean {
  if (t.tenantId !== scope.tenantId) return false;
  if (t.deletedAt && !scope.includeDeleted) return false;
  if (scope.subscriberId !== undefined && t.subscriberId !== scope.subscriberId) return false;
  if (scope.resellerId !== undefined && t.resellerId !== scope.resellerId) return false;
  if (scope.requesterResellerId !== undefined && t.requesterResellerId !== scope.requesterResellerId) return false;
  if (scope.addressedTo !== undefined && t.addressedTo !== scope.addressedTo) return false;
  return true;
}

/** Whether the scope may see message `m`. */
export function visible(scope: StoreScope, m: Message): boolean {
  return scope.visibility === 'staff' || (!m.internal && !m.hidden);
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
