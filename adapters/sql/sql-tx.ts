/**
 * The shared SQL store's view inside one transaction: every read and write runs on the
 * transaction's connection, and fails loudly once the transaction has ended.
 */
import { ConfigError, TicketError } from '../../src/errors.js';
import type {
  DispatchClaim,
  EmailMessageRecord,
  MessagePatch,
  OutboxEvent,
  SlaAlertKind,
  StoreListQuery,
  StoreScope,
  StoreStats,
  StoreStatsQuery,
  StoreTicketSummary,
  StoreTx,
  TicketPatch,
} from '../../src/store.js';
import type { AuditEntry, Message, SavedFilter, Status, StoredAttachment, Ticket } from '../../src/types.js';
import * as counters from './counter-queries.js';
import * as dispatch from './dispatch-queries.js';
import * as attachments from './attachment-queries.js';
import * as email from './email-queries.js';
import * as messages from './message-queries.js';
import * as staff from './staff-state-queries.js';
import * as outbox from './outbox-queries.js';
import type { OutboxWake } from './outbox-wake.js';
import { addReply, countReplies, type PendingReplies } from './list-columns.js';
import type { QueryContext } from './query-context.js';
import * as scans from './scan-queries.js';
import { getStats } from './stats-queries.js';
import * as tickets from './ticket-queries.js';
import { canUseStatsBuckets, factsOfTicket, type StatsDeltas, type StatsFacts } from './ticket-stats.js';

/**
 * A transaction in progress; `open` turns false when it ends so a leaked `tx` fails
 * loudly. `deltas` collects its stats bucket changes, applied just before it commits.
 */
export interface TxState extends QueryContext {
  open: boolean;
  readonly deltas: StatsDeltas;
  /** The store's wake-up channel for dispatchers (`subscribeOutbox`), if it has one. */
  readonly wake?: OutboxWake;
  /** Tenants this transaction queued events for: told once each, woken after commit. */
  queuedTenants?: Set<string>;
  /**
   * The stats facts of the tickets this transaction read under lock (`lockTicket`), by
   * id, at the version read: an update at that version need not read them again.
   */
  lockedFacts?: Map<string, { version: number; facts: StatsFacts }>;
  /**
   * Replies inserted and not yet counted in their ticket's list columns: the ticket's
   * UPDATE, when it comes next, counts them (a reply is one UPDATE of the ticket instead
   * of two); any other statement of the transaction, and its end, counts them first
   * (`countPendingReplies`).
   */
  pendingReplies?: PendingReplies;
}

/**
 * Counts the transaction's pending replies (see `TxState.pendingReplies`), if any: before
 * a statement that could read the ticket, and before the transaction ends.
 */
export function countPendingReplies(state: TxState): Promise<void> | undefined {
  const pending = state.pendingReplies;
  if (pending === undefined) return undefined;
  state.pendingReplies = undefined;
  return countReplies(state, pending);
}

/** The store's view inside one transaction. */
export class SqlTx implements StoreTx {
  readonly #state: TxState;

  constructor(state: TxState) {
    this.#state = state;
  }

  // Not async (see runCached): one promise less per call, and none for the await.
  // Counts pending replies first, except for the operations that take them on themselves.
  #run<T>(op: (ctx: QueryContext) => Promise<T>, takesReplies = false): Promise<T> {
    if (!this.#state.open) {
      return Promise.reject(new ConfigError('This transaction has ended; use the store, or a new transaction'));
    }
    let result: Promise<T>;
    try {
      const counted = takesReplies ? undefined : countPendingReplies(this.#state);
      result = counted === undefined ? op(this.#state) : counted.then(() => op(this.#state));
    } catch (err) {
      return Promise.reject(this.#mapped(err));
    }
    return result.catch((err: unknown) => {
      throw this.#mapped(err);
    });
  }

  #mapped(err: unknown): unknown {
    return TicketError.is(err) ? err : this.#state.hooks.mapError(err);
  }

  findTicket(scope: StoreScope, ref: string): Promise<Ticket | null> {
    return this.#run((ctx) => tickets.findTicket(ctx, scope, ref));
  }
  lockTicket(scope: StoreScope, ref: string): Promise<Ticket | null> {
    return this.#run(async (ctx) => {
      const ticket = await tickets.findTicket(ctx, scope, ref, true);
      if (ticket !== null) {
        // Taken now, as read: the caller may change its copy of the ticket before updating.
        const facts = factsOfTicket({ ...ticket, tenantId: scope.tenantId });
        (this.#state.lockedFacts ??= new Map()).set(`${scope.tenantId}\u0000${ticket.id}`, { version: ticket.version, facts });
      }
      return ticket;
    });
  }
  listMessages(scope: StoreScope, ticketId: string): Promise<Message[]> {
    return this.#run((ctx) => messages.listMessages(ctx, scope, ticketId));
  }
  listTickets(scope: StoreScope, query: StoreListQuery): Promise<StoreTicketSummary[]> {
    return this.#run((ctx) => tickets.listTickets(ctx, scope, query));
  }
  findMessage(scope: StoreScope, messageId: string): Promise<Message | null> {
    return this.#run((ctx) => messages.findMessage(ctx, scope, messageId));
  }
  listFilters(tenantId: string, staffId: string): Promise<SavedFilter[]> {
    return this.#run((ctx) => staff.listFilters(ctx, tenantId, staffId));
  }

  readMarkOf(tenantId: string, staffId: string, ticketId: string): Promise<Date | null> {
    return this.#run((ctx) => staff.readMarkOf(ctx, tenantId, staffId, ticketId));
  }
  findAttachment(scope: StoreScope, attachmentId: string): Promise<StoredAttachment | null> {
    return this.#run((ctx) => attachments.findAttachment(ctx, scope, attachmentId));
  }
  listTicketAttachments(tenantId: string, ticketId: string): Promise<StoredAttachment[]> {
    return this.#run((ctx) => attachments.listTicketAttachments(ctx, tenantId, ticketId));
  }
  attachmentKeysExist(tenantId: string, blobKeys: readonly string[]): Promise<Set<string>> {
    return this.#run((ctx) => attachments.attachmentKeysExist(ctx, tenantId, blobKeys));
  }
  findEmailMessages(tenantId: string, messageIds: readonly string[]): Promise<EmailMessageRecord[]> {
    return this.#run((ctx) => email.findEmailMessages(ctx, tenantId, messageIds));
  }
  insertEmailMessage(tenantId: string, record: EmailMessageRecord): Promise<void> {
    return this.#run((ctx) => email.insertEmailMessage(ctx, tenantId, record));
  }
  insertAttachment(tenantId: string, attachment: StoredAttachment): Promise<void> {
    return this.#run((ctx) => attachments.insertAttachment(ctx, tenantId, attachment));
  }
  deleteTicketAttachments(tenantId: string, ticketId: string): Promise<StoredAttachment[]> {
    return this.#run((ctx) => attachments.deleteTicketAttachments(ctx, tenantId, ticketId));
  }
  countOpenByAssignee(
    tenantId: string,
    assigneeIds: readonly string[],
    statuses: readonly Status[],
  ): Promise<Record<string, number>> {
    return this.#run((ctx) => staff.countOpenByAssignee(ctx, tenantId, assigneeIds, statuses));
  }
  getStats(scope: StoreScope, query: StoreStatsQuery): Promise<StoreStats> {
    // The buckets must include this transaction's own writes so far (this early flush
    // gives up the sorted-at-commit lock order for this transaction; reads of stats
    // inside a write transaction are rare).
    return this.#run(async (ctx) => {
      if (canUseStatsBuckets(scope, query)) await this.#state.deltas.flush(ctx);
      return getStats(ctx, scope, query);
    });
  }
  listAudit(tenantId: string, ticketId: string): Promise<AuditEntry[]> {
    return this.#run((ctx) => messages.listAudit(ctx, tenantId, ticketId));
  }
  nextSequence(tenantId: string, key: string): Promise<number> {
    return this.#run((ctx) => counters.nextSequence(ctx, tenantId, key));
  }
  insertTicket(tenantId: string, ticket: Ticket): Promise<void> {
    return this.#run((ctx) => tickets.insertTicket(ctx, { ...ticket, tenantId }, this.#state.deltas));
  }
  updateTicket(tenantId: string, id: string, expectedVersion: number, patch: TicketPatch): Promise<boolean> {
    return this.#run(async (ctx) => {
      const key = `${tenantId}\u0000${id}`;
      const locked = this.#state.lockedFacts?.get(key);
      // Any update moves the row on from what was read; a failed one leaves it unknown.
      this.#state.lockedFacts?.delete(key);
      const known = locked !== undefined && locked.version === expectedVersion ? locked.facts : undefined;
      // This ticket's pending replies are counted by this UPDATE; another ticket's first.
      const pending = this.#state.pendingReplies;
      const replies = pending !== undefined && pending.tenantId === tenantId && pending.ticketId === id ? pending : undefined;
      if (replies === undefined) await countPendingReplies(this.#state);
      this.#state.pendingReplies = undefined;
      let changed = false;
      try {
        changed = await tickets.updateTicket(ctx, tenantId, id, expectedVersion, patch, this.#state.deltas, known, replies);
      } finally {
        // Not counted (a stale version, a refused patch the caller may catch): still pending.
        if (!changed) this.#state.pendingReplies = replies;
      }
      return changed;
    }, true);
  }
  insertMessage(tenantId: string, message: Message): Promise<void> {
    return this.#run(async (ctx) => {
      await messages.insertMessage(ctx, tenantId, message, false);
      // Pending replies of another ticket are counted now: one ticket's at a time.
      const pending = this.#state.pendingReplies;
      if (pending !== undefined && (pending.tenantId !== tenantId || pending.ticketId !== message.ticketId)) {
        await countPendingReplies(this.#state);
      }
      this.#state.pendingReplies = addReply(this.#state.pendingReplies, tenantId, message);
    }, true);
  }
  updateMessage(tenantId: string, messageId: string, patch: MessagePatch): Promise<boolean> {
    return this.#run((ctx) => messages.updateMessage(ctx, tenantId, messageId, patch));
  }
  moveMessages(tenantId: string, messageIds: readonly string[], toTicketId: string, openingId: string | null): Promise<void> {
    return this.#run((ctx) => messages.moveMessages(ctx, tenantId, messageIds, toTicketId, openingId));
  }
  setFavorite(tenantId: string, staffId: string, ticketId: string, on: boolean, at: Date): Promise<void> {
    return this.#run((ctx) => staff.setFavorite(ctx, tenantId, staffId, ticketId, on, at));
  }
  markRead(tenantId: string, staffId: string, ticketId: string, at: Date): Promise<void> {
    return this.#run((ctx) => staff.markRead(ctx, tenantId, staffId, ticketId, at));
  }
  saveFilter(tenantId: string, filter: SavedFilter): Promise<SavedFilter> {
    return this.#run((ctx) => staff.saveFilter(ctx, tenantId, filter));
  }
  deleteFilter(tenantId: string, staffId: string, filterId: string): Promise<boolean> {
    return this.#run((ctx) => staff.deleteFilter(ctx, tenantId, staffId, filterId));
  }
  insertAudit(tenantId: string, entry: AuditEntry): Promise<void> {
    return this.#run((ctx) => messages.insertAudit(ctx, tenantId, entry));
  }
  insertOutbox(tenantId: string, event: OutboxEvent): Promise<void> {
    return this.#run(async (ctx) => {
      await outbox.insertOutbox(ctx, tenantId, event);
      if (event.dispatchAt === null || event.dispatchAt === undefined) return;
      const queued = (this.#state.queuedTenants ??= new Set());
      if (queued.has(tenantId)) return;
      queued.add(tenantId);
      // Once per tenant and transaction (Postgres: one NOTIFY, delivered at commit).
      await this.#state.wake?.queued?.(ctx, tenantId);
    });
  }
  /** The outbox claim inside this transaction (the store runs it so where the dialect has no RETURNING). */
  claimUndelivered(tenantId: string, olderThan: Date, limit: number, now: Date): Promise<OutboxEvent[]> {
    return this.#run((ctx) => outbox.claimUndelivered(ctx, tenantId, olderThan, limit, now));
  }
  /** The dispatcher's claim inside this transaction (the store runs it so where one statement cannot claim). */
  claimDispatch(tenantId: string, now: Date, leaseUntil: Date, limit: number): Promise<DispatchClaim[]> {
    return this.#run((ctx) => dispatch.claimDispatch(ctx, tenantId, now, leaseUntil, limit));
  }
  claimSlaAlerts(tenantId: string, alert: SlaAlertKind, now: Date, limit: number): Promise<Ticket[]> {
    return this.#run((ctx) => scans.claimSlaAlerts(ctx, tenantId, alert, now, limit));
  }
  listStale(tenantId: string, statuses: readonly Status[], before: Date, limit: number): Promise<Ticket[]> {
    return this.#run((ctx) => scans.listStale(ctx, tenantId, statuses, before, limit));
  }
}
