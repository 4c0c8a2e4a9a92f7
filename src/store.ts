/**
 * The store interface: what the core asks of a persistence layer. Interfaces only.
 *
 * Business rules live in the core. A store persists rows and answers queries, with the
 * scope the core computed from the actor pushed into every read (a SQL store turns it into
 * `WHERE` clauses over indexes; it never loads everything to filter in JavaScript).
 *
 * Every row carries the tenant id; every method is given it and must filter by it.
 *
 * ## Rules every store obeys (the contract suite, `ticketry/testing`, checks each)
 * - **Tenant.** Every method takes the tenant as its first argument: a `StoreScope` (whose
 *   `tenantId` it is) for the reads whose answer depends on who asks, the `tenantId` itself
 *   for everything else, writes included (a ticket, message or event never carries its
 *   tenant). A store never reads, claims, counts or changes another tenant's rows: not in `listMessages`,
 *   `claimUndelivered`, `markDelivered`, `listStale`, `claimSlaAlerts` or `getStats`.
 * - **Soft delete.** A ticket with `deletedAt` is invisible unless `scope.includeDeleted`;
 *   it never counts in `getStats` (whatever the scope says), and `listStale` and
 *   `claimSlaAlerts` never return it.
 * - **Transactions do not nest.** `transaction()` called while one of the same store is
 *   running in the same async context rejects with a `ConfigError` (code `config`) at
 *   once; it never waits (a nested call would wait on its own caller: a deadlock). A
 *   `tx` used after its callback ended rejects with a `ConfigError` too. The store's own
 *   reads, called from inside the callback, see the transaction's writes.
 * - **Patches.** `updateTicket` refuses, with nothing written: an unknown field or one
 *   `TicketPatch` excludes (`id`, `number`, `createdAt`, `version`, the owner
 *   `subscriberId`/`resellerId`, `createdByType`/`createdById`) with a `ConfigError`
 *   naming `params.field`; an unknown status or an invalid date with a `ValidationError`.
 *   `insertTicket` refuses an unknown status or invalid date the same way. Use
 *   `checkTicketPatch` / `checkTicketRow` from `store-checks.ts`.
 * - **Order.** `claimSlaAlerts` takes the earliest due first (ties by id) when more are
 *   due than `limit`, and returns them in that order; `listStale` oldest `statusChangedAt`
 *   first (ties by id); `claimUndelivered` oldest first (ties in insertion order);
 *   `listMessages` and `listAudit` oldest first (ties in insertion order).
 * - **Errors** are `TicketError`s: a taken id or number, or a row whose ticket does not
 *   exist, is a `conflict`; a failure the store does not recognise is `internal`, never
 *   `unavailable` (which tells the host to retry).
 *
 * ## Optional methods
 * Methods added to this interface after its first release are optional (`?`), each with a
 * fallback built from required methods in `store-fallbacks.ts`; the core calls them only
 * through `withStoreFallbacks(store)`. A store written against an older release keeps
 * compiling and passing the contract suite; implementing the method natively is an
 * optimisation, and the suite checks a native one agrees with its fallback. A method only
 * becomes required in a major release — or, before 1.0, in a minor one when it stores
 * something no required method can (0.2 added messages' `findMessage`/`updateMessage`/
 * `moveMessages`, favorites, read marks, saved filters and `countOpenByAssignee`; the
 * attachment methods `insertAttachment`, `findAttachment`, `listTicketAttachments`,
 * `attachmentKeysExist`, `deleteTicketAttachments`; 0.3 the email methods
 * `insertEmailMessage`, `findEmailMessages` and the dispatcher's `claimDispatch`,
 * `finishDispatch`, `listParked`, `requeueParked`).
 */
import type {
  AddressLevel,
  AuditEntry,
  AuthorType,
  Message,
  SavedFilter,
  CategoryResolution,
  SlaCompliance,
  StoredAttachment,
  Status,
  Ticket,
  TicketSort,
} from './types.js';

/**
 * Which tickets and messages a read may return. Computed in one place by the core
 * (`scopeFor` in `permissions.ts`) and honoured by every store query.
 */
export interface StoreScope {
  tenantId: string;
  /** Only this subscriber's tickets (customers). */
  subscriberId?: string;
  /** Only tickets of this reseller's subscribers (reseller staff without `view_all`). */
  resellerId?: string;
  /**
   * `customer`: messages that are internal or hidden are invisible, and so are system
   * notes marked internal. `staff`: every message.
   */
  visibility: 'customer' | 'staff';
  /**
   * `null`: only tickets no reseller requested (every plain customer scope sets it, so a
   * subscriber whose id equals a reseller's never sees the reseller's requests). A string:
   * only the tickets that reseller opened to the operator. Absent: either.
   */
  requesterResellerId?: string | null;
  /** Only tickets addressed to this level (reseller staff: `'reseller'`). Absent: both. */
  addressedTo?: AddressLevel;
  /** Also match soft-deleted tickets (restore, system work). Default false. */
  includeDeleted?: boolean;
}

/** Position after which a page starts, for keyset pagination. */
export interface ListAfter {
  /** The `attention` of the last row (sort `queue` only). */
  attention?: number;
  /** The `searchRank` of the last row (sort `relevance` only). */
  rank?: number;
  /**
   * `updatedAt` for `queue`/`updated`, `createdAt` for `newest`/`oldest`/`relevance`, `waitingSince`
   * for `waiting` (`null` once the page reached the tickets nobody waits on, which come last).
   */
  at: Date | null;
  id: string;
}

/**
 * A row of `listTickets`: the ticket, its reply counts as the scope sees them, and the
 * viewer's own marks. The core derives `unread` and `waitingSeconds` from it.
 */
export interface StoreTicketSummary extends Ticket {
  replyCount: number;
  lastReplyAt: Date | null;
  /** In `viewerId`'s favorites. */
  favorite: boolean;
  /** When `viewerId` last read the ticket (`markRead`), or `null`. */
  readAt: Date | null;
  /**
   * With a `search`: 2 when the search is exactly the ticket's number (case-insensitive),
   * 1 when every phrase is in the number and subject, 0 when a message body was needed.
   * Sort `relevance` orders by it. Absent without a search.
   */
  searchRank?: number;
}

/**
 * One phrase of a search: `words` (folded by `searchText`) one after the other in one
 * text, the last one matching any word it begins when `prefix`.
 */
export interface StoreSearchPhrase {
  words: readonly string[];
  prefix: boolean;
}

/**
 * A parsed list search (`parseSearch` in `src/search/search-query.ts`): every phrase must
 * be in the ticket's number and subject or in one message body the scope may see.
 * `number` is the raw query trimmed: a ticket whose number equals it case-insensitively
 * matches too and ranks first. No phrases: only that exact number matches.
 */
export interface StoreSearch {
  phrases: readonly StoreSearchPhrase[];
  number: string;
}

/** The fields of a message an edit or hide may change. */
export type MessagePatch = Partial<Pick<Message, 'body' | 'html' | 'hidden' | 'editedAt'>>;

/** A normalised list query, as the core hands it to the store. */
export interface StoreListQuery {
  status?: readonly Status[];
  priority?: readonly string[];
  category?: readonly string[];
  department?: readonly string[];
  /** A staff id, or `null` for unassigned. Absent: any. */
  assigneeId?: string | null;
  subscriberId?: string;
  /** Full-text search over the number, the subject and the message bodies the scope may see. */
  search?: StoreSearch;
  /** `true`: archived tickets only; `false`: not archived; absent: both. */
  archived?: boolean;
  /** `true`: soft-deleted tickets only (the scope has `includeDeleted`). Absent/false: as the scope says. */
  deleted?: boolean;
  /** Only tickets addressed to this level. */
  addressedTo?: AddressLevel;
  /**
   * The staff member asking: each row's `favorite` and `readAt` are theirs. Absent
   * (customers, system): `favorite` false and `readAt` null on every row.
   */
  viewerId?: string;
  /** Only the viewer's favorites (requires `viewerId`). */
  favorites?: boolean;
  createdFrom?: Date;
  createdTo?: Date;
  sort: TicketSort;
  /** Rows to return, at most 201 (the core asks for one more than the page). */
  limit: number;
  after?: ListAfter;
}

/** A normalised stats query. */
export interface StoreStatsQuery {
  /** Only tickets created at or after. */
  createdFrom?: Date;
  /** Only tickets created before. */
  createdTo?: Date;
  /** The statuses that count as backlog (decided by the core). */
  unresolved: readonly Status[];
  /**
   * Whose tickets the first-response average covers, by `createdByType` (the core passes
   * `['customer']`: a ticket staff opened for a customer responds at creation, which
   * would only pull the average toward zero).
   */
  firstResponseOf: readonly AuthorType[];
}

/** What a store's stats query returns. */
export interface StoreStats {
  counts: Partial<Record<Status, number>>;
  avgFirstResponseSeconds: number | null;
  avgResolutionSeconds: number | null;
  /** Mean `sla.firstResponseElapsed` (minutes) over the tickets `avgFirstResponseSeconds` averages that have `sla.clockAt`. */
  avgFirstResponseSlaMinutes: number | null;
  /** Mean `sla.resolutionElapsed` (minutes) over the tickets `avgResolutionSeconds` averages that have `sla.clockAt`. */
  avgResolutionSlaMinutes: number | null;
  backlog: { category: string; priority: string; count: number }[];
  /** Per priority: tickets with `sla.firstResponseMet` / `sla.resolutionMet` non-null, and how many are true. */
  sla: SlaCompliance[];
  resolutionByCategory: CategoryResolution[];
}

/** Which SLA alert a scan claims. */
export interface SlaAlertKind {
  target: 'firstResponse' | 'resolution';
  /** `warning`: due at `sla.<target>WarnAt`; `breach`: due at `<target>DueAt`. */
  kind: 'warning' | 'breach';
}

/** A ticket as written to the store: the ticket plus its tenant. */
export type TicketRow = Ticket & { tenantId: string };

/**
 * The fields of a ticket an update may change. Never its identity (`id`, `number`, the
 * tenant, `createdAt`), its owner (`subscriberId`, `resellerId`), who opened it
 * (`createdByType`, `createdById`), nor `version` (the store sets it). A store refuses any
 * other key at run time too (`checkTicketPatch` in `store-checks.ts`).
 */
export type TicketPatch = Partial<
  Omit<
    Ticket,
    | 'id'
    | 'number'
    | 'createdAt'
    | 'version'
    | 'subscriberId'
    | 'resellerId'
    | 'requesterResellerId'
    | 'createdByType'
    | 'createdById'
  >
>;

/**
 * An event waiting in the outbox. The payload is a JSON object the store keeps as given
 * (a JSON/JSONB column); ticketry writes `{ codec, v, data }` and decodes it itself.
 */
export interface OutboxEvent {
  id: string;
  ticketId: string | null;
  type: string;
  payload: Record<string, unknown>;
  createdAt: Date;
  /**
   * On insert: queued for the dispatcher (`desk.dispatcher`), claimable from this time.
   * Absent or `null`: not queued (a service without `dispatch: true`).
   */
  dispatchAt?: Date | null;
}

/** An outbox event a dispatcher claimed (`claimDispatch`). */
export interface DispatchClaim extends OutboxEvent {
  /** Claims so far, this one included: the fencing token `finishDispatch` is given back. */
  attempts: number;
  /** The handlers that already succeeded for this event (a retry calls only the others). */
  handled: string[];
}

/** What became of a claimed event (`finishDispatch`). */
export interface DispatchOutcome {
  id: string;
  /** The claim's `attempts`: an outcome for an older claim (its lease ran out and another instance took the event) changes nothing. */
  attempts: number;
  /**
   * The claim's lease end, as given to `claimDispatch`. With `attempts` it fences the
   * outcome: a requeue (`requeueParked`) starts `attempts` again from 0, so a claimer that
   * stalled through a park and a requeue could come back with an equal count, but never
   * with the lease end of the current claim.
   */
  leaseUntil: Date;
  /** Every handler that has succeeded so far, this claim's included. */
  handled: string[];
  /** `delivered`: done for good. `retry`: claimable again at `retryAt`. `parked`: given up, until `requeueParked`. */
  result: 'delivered' | 'retry' | 'parked';
  at: Date;
  retryAt?: Date;
  /** The last failure, as text (kept on `retry` and `parked`). */
  error?: string;
}

/** What `probeScheduledWork` found due. */
export interface ScheduledWorkProbe {
  /** The alerts with at least one due, unclaimed ticket. */
  slaAlerts: SlaAlertKind[];
  /** Whether an undelivered event older than `undeliveredBefore` waits in the outbox. */
  undelivered: boolean;
}

/** An event the dispatcher gave up on (`listParked`). */
export interface ParkedEvent extends OutboxEvent {
  /** Insertion order; the `after` cursor of `listParked`. */
  position: number;
  attempts: number;
  handled: string[];
  parkedAt: Date;
  lastError: string | null;
}

/** A Message-ID ticketry received (`email_messages`). */
export interface EmailMessageRecord {
  /** Normalised (`normalizeMessageId`): no angle brackets, at most 200 characters. */
  messageId: string;
  ticketId: string;
  /** The thread message the mail became; `null` when it made none. */
  ticketMessageId: string | null;
  direction: 'in' | 'out';
  createdAt: Date;
}

/** Reads available both inside and outside a transaction. */
export interface StoreReader {
  /**
   * The ticket whose id or number equals `ref`, within scope; `null` if none. When one
   * ticket's id and another's number both equal `ref` (a host `generateId` that makes
   * ids looking like numbers), the id wins; a ticket outside the scope never matches.
   */
  findTicket(scope: StoreScope, ref: string): Promise<Ticket | null>;
  /**
   * Optional (added after release; see "Optional methods" above). The tickets whose id
   * or number is one of `refs`, within scope, in the order of `refs`, each once, refs
   * that find nothing left out. Fallback: `findTicket` per ref (`store-fallbacks.ts`).
   */
  findTickets?(scope: StoreScope, refs: readonly string[]): Promise<Ticket[]>;
  /**
   * Optional (added after release). What `runScheduledWork` has to do at `now`, read
   * only, so an idle run opens no write transaction: the SLA alerts `claimSlaAlerts`
   * would claim something for, and whether `claimUndelivered(tenantId,
   * undeliveredBefore, …)` would. It may say yes where a claim then finds nothing (a
   * concurrent claimer won), never no where there is work. Fallback: every alert and
   * `undelivered: true` (the run claims as before).
   */
  probeScheduledWork?(tenantId: string, now: Date, undeliveredBefore: Date): Promise<ScheduledWorkProbe>;
  /**
   * The ticket's messages the scope may see, oldest first (ties by insertion order), each
   * with its `attachments` in the order they were attached.
   */
  listMessages(scope: StoreScope, ticketId: string): Promise<Message[]>;
  /**
   * A page of tickets matching the query within scope, in the query's sort order. Every
   * row is a fresh object the caller owns (the core finishes list rows in place).
   */
  listTickets(scope: StoreScope, query: StoreListQuery): Promise<StoreTicketSummary[]>;
  /**
   * The message with this id whose ticket is within scope (deleted tickets as
   * `includeDeleted` says) and which `scope.visibility` may see; `null` otherwise.
   */
  findMessage(scope: StoreScope, messageId: string): Promise<Message | null>;
  /** A staff member's saved filters, oldest first. */
  listFilters(tenantId: string, staffId: string): Promise<SavedFilter[]>;
  /**
   * Optional (added after release). When `staffId` last read the ticket (`markRead`), or
   * `null`. Fallback: `null`, so `get` always moves the mark.
   */
  readMarkOf?(tenantId: string, staffId: string, ticketId: string): Promise<Date | null>;
  /**
   * The attachment with this id whose message the scope may see (customers: neither
   * internal nor hidden) on a ticket within scope; `null` otherwise.
   */
  findAttachment(scope: StoreScope, attachmentId: string): Promise<StoredAttachment | null>;
  /** The recorded Message-IDs among `messageIds` (normalised), in no particular order. */
  findEmailMessages(tenantId: string, messageIds: readonly string[]): Promise<EmailMessageRecord[]>;
  /** Every attachment of a ticket, whatever its message (purging a ticket's files). */
  listTicketAttachments(tenantId: string, ticketId: string): Promise<StoredAttachment[]>;
  /** Which of `blobKeys` an attachment row of the tenant refers to (the orphan sweep). */
  attachmentKeysExist(tenantId: string, blobKeys: readonly string[]): Promise<Set<string>>;
  /**
   * How many non-deleted tickets in `statuses` each of `assigneeIds` holds (every id is
   * a key of the answer, 0 included): least-open assignment.
   */
  countOpenByAssignee(
    tenantId: string,
    assigneeIds: readonly string[],
    statuses: readonly Status[],
  ): Promise<Record<string, number>>;
  /**
   * Aggregates over tickets within scope (deleted tickets never count): counts per status;
   * the mean seconds from creation to `firstResponseAt` (tickets created by
   * `firstResponseOf` only) and to `resolvedAt`; the backlog; SLA compliance per priority.
   */
  getStats(scope: StoreScope, query: StoreStatsQuery): Promise<StoreStats>;
  /** A ticket's audit trail, oldest first. The core checks visibility before calling. */
  listAudit(tenantId: string, ticketId: string): Promise<AuditEntry[]>;
  /**
   * Non-deleted tickets in one of `statuses` whose `statusChangedAt` is before `before`,
   * oldest first, at most `limit` (the auto-close scan).
   */
  listStale(
    tenantId: string,
    statuses: readonly Status[],
    before: Date,
    limit: number,
  ): Promise<Ticket[]>;
}

/** Reads and writes inside one transaction. */
export interface StoreTx extends StoreReader {
  /**
   * Like `findTicket`, and also locks the row until the transaction ends (SELECT ... FOR
   * UPDATE, or an immediate transaction), so concurrent writers to one ticket serialise.
   */
  lockTicket(scope: StoreScope, ref: string): Promise<Ticket | null>;
  /**
   * Increments the tenant's counter for `key` (`''`, or the year for `{yyyy}` formats)
   * and returns the new value, starting at 1. Gapless: a rolled-back transaction
   * gives its number back.
   */
  nextSequence(tenantId: string, key: string): Promise<number>;
  /**
   * Inserts `ticket` into `tenantId` (the tenant is the argument, never a field of the
   * ticket). A duplicate id or number is a `conflict`.
   */
  insertTicket(tenantId: string, ticket: Ticket): Promise<void>;
  /**
   * Applies `patch` and sets `version` to `expectedVersion + 1`, only if the stored
   * version equals `expectedVersion`. Returns false (and writes nothing) otherwise.
   */
  updateTicket(
    tenantId: string,
    id: string,
    expectedVersion: number,
    patch: TicketPatch,
  ): Promise<boolean>;
  insertMessage(tenantId: string, message: Message): Promise<void>;
  /**
   * Records an attachment of a message written in this transaction or before; a missing
   * ticket or message, or a taken id, is a `conflict`.
   */
  insertAttachment(tenantId: string, attachment: StoredAttachment): Promise<void>;
  /**
   * Removes every attachment row of the ticket (purging a soft-deleted ticket's files)
   * and returns the rows removed; their blobs are the caller's to delete.
   */
  deleteTicketAttachments(tenantId: string, ticketId: string): Promise<StoredAttachment[]>;
  /** Changes a message in place; returns false when the tenant has no such message. */
  updateMessage(tenantId: string, messageId: string, patch: MessagePatch): Promise<boolean>;
  /**
   * Moves messages to another ticket of the tenant (merge, split), keeping their ids,
   * times and insertion order, their attachments with them; each moved message's
   * `opening` becomes `id === openingId`.
   */
  moveMessages(tenantId: string, messageIds: readonly string[], toTicketId: string, openingId: string | null): Promise<void>;
  /** Adds (`on`) or removes a ticket from a staff member's favorites. Idempotent. */
  setFavorite(tenantId: string, staffId: string, ticketId: string, on: boolean, at: Date): Promise<void>;
  /** Moves a staff member's last-read pointer on a ticket to `at` (never backwards). */
  markRead(tenantId: string, staffId: string, ticketId: string, at: Date): Promise<void>;
  /** Inserts a saved filter, or replaces the staff member's filter of the same name (keeping its id and `createdAt`). Returns the stored filter. */
  saveFilter(tenantId: string, filter: SavedFilter): Promise<SavedFilter>;
  /** Deletes a staff member's filter; false when they have none with that id. */
  deleteFilter(tenantId: string, staffId: string, filterId: string): Promise<boolean>;
  insertAudit(tenantId: string, entry: AuditEntry): Promise<void>;
  insertOutbox(tenantId: string, event: OutboxEvent): Promise<void>;
  /**
   * Records a Message-ID ticketry received or sent. One already recorded for the tenant
   * is a `ConflictError`, which is how two instances ingesting the same mail at once
   * write it once (the loser's transaction rolls back).
   */
  insertEmailMessage(tenantId: string, record: EmailMessageRecord): Promise<void>;
  /**
   * Claims, atomically, up to `limit` non-deleted tickets whose alert is due at `now` and
   * not yet claimed: sets `sla.<target>WarnedAt` (warning) or `sla.<target>BreachedAt`
   * (breach) to `now` and bumps `version`, and returns the tickets as updated. Of several
   * instances claiming at once, each ticket goes to exactly one.
   */
  claimSlaAlerts(tenantId: string, alert: SlaAlertKind, now: Date, limit: number): Promise<Ticket[]>;
}

/**
 * A persistence layer for ticketry. `memoryStore()`, `sqliteStore()` and
 * `postgresStore()` implement it; a host can write its own and certify it with
 * `ticketry/testing`.
 */
export interface TicketStore extends StoreReader {
  /**
   * True when the store writes inside a transaction the host owns and commits later
   * (`store.withTransaction(trx)`). The service then leaves events in the outbox instead
   * of emitting them after its own commit, and the host calls `desk.flushEvents()` after
   * committing, so a host rollback never announces changes that did not happen.
   */
  readonly deferEvents?: boolean;
  /**
   * Runs `fn` in one transaction: everything it wrote commits together, or, if it
   * throws, nothing does and the error is rethrown. Transactions do not nest. A store may
   * run `fn` again on a fresh transaction when the database rolled the first one back
   * under it (the SQL stores do on a MySQL/MariaDB deadlock), so `fn` should do nothing
   * but calls on `tx` (and work it may repeat).
   */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** Marks outbox events as delivered after they were emitted. */
  markDelivered(tenantId: string, ids: readonly string[]): Promise<void>;
  /**
   * Optional (added after release). `StoreTx.markRead` as one write of its own, outside
   * any transaction (one statement on a SQL store): what `get` does for staff, with no
   * other write to commit with it. Fallback: `tx.markRead` in `transaction`.
   */
  markRead?(tenantId: string, staffId: string, ticketId: string, at: Date): Promise<void>;
  /**
   * Atomically claims up to `limit` undelivered events created before `olderThan`
   * (left behind by a crash), so that of several instances only one re-emits each.
   * A claimed event counts as delivered.
   */
  claimUndelivered(tenantId: string, olderThan: Date, limit: number): Promise<OutboxEvent[]>;
  /**
   * Atomically claims up to `limit` queued events due at `now` (`dispatch_at <= now`),
   * earliest due first (ties in insertion order): adds one to `attempts` and moves
   * `dispatch_at` to `leaseUntil`, so an instance that dies holding them loses them when
   * the lease runs out. Of several instances claiming at once each event goes to one
   * (`FOR UPDATE SKIP LOCKED` where the database has it). Returns them in that order.
   */
  claimDispatch(tenantId: string, now: Date, leaseUntil: Date, limit: number): Promise<DispatchClaim[]>;
  /**
   * Records what became of claimed events. Each outcome applies only while the event is
   * still held by that claim: its `attempts` and `dispatch_at` still equal the outcome's
   * `attempts` and `leaseUntil` (no later claim took it over, no earlier outcome settled it).
   */
  finishDispatch(tenantId: string, outcomes: readonly DispatchOutcome[]): Promise<void>;
  /** Parked events in insertion order (`position`), at most `limit`, after position `after` (the cursor). */
  listParked(tenantId: string, limit: number, after?: number): Promise<ParkedEvent[]>;
  /**
   * Queues parked events again (`ids`, or every parked event of the tenant when `null`):
   * claimable at `now`, `attempts` back to 0, handlers that succeeded stay done.
   * Returns how many were requeued.
   */
  requeueParked(tenantId: string, ids: readonly string[] | null, now: Date): Promise<number>;
  /**
   * Optional: calls `onWake` soon after another writer (this process or, where the
   * database can tell, another one) committed queued events of the tenant, so a
   * dispatcher wakes without tight polling. Resolves to an unsubscribe function.
   * Postgres: `LISTEN`/`NOTIFY`. Without it the dispatcher polls.
   */
  subscribeOutbox?(tenantId: string, onWake: () => void): Promise<() => Promise<void>>;
}
