/**
 * The in-memory store: for tests, demos and single-process hosts that keep nothing.
 *
 * Transactions are serialised by a mutex and record an undo log, so a throwing
 * transaction leaves nothing behind and, because no two transactions interleave, a
 * rollback can never wipe out another transaction's write. Reads outside a transaction
 * wait for the running one, so they only ever see committed data. Everything handed out
 * is a copy: callers cannot reach into the store's state.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { ConfigError } from '../../src/errors.js';
import { Mutex } from '../../src/mutex.js';
import type {
  DispatchOutcome,
  OutboxEvent,
  StoreListQuery,
  StoreScope,
  StoreStatsQuery,
  StoreTx,
  TicketStore,
} from '../../src/store.js';
import type { Status } from '../../src/types.js';
import * as dispatch from './memory-dispatch.js';
import { MemoryReader } from './memory-reader.js';
import { copy, emptyState, key, type MemoryState } from './memory-state.js';
import { MemoryTx } from './memory-tx.js';

/** The in-memory store. */
export interface MemoryStore extends TicketStore {
  /** Forgets everything. */
  clear(): void;
}

/** Creates an empty in-memory store. */
export function memoryStore(): MemoryStore {
  return new MemoryStoreImpl();
}

class MemoryStoreImpl implements MemoryStore {
  #state: MemoryState = emptyState();
  readonly #mutex = new Mutex();
  readonly #inTransaction = new AsyncLocalStorage<MemoryTx>();
  /** tenant -> the dispatchers to wake when events are queued (`subscribeOutbox`). */
  readonly #wakeListeners = new Map<string, Set<() => void>>();

  clear(): void {
    this.#state = emptyState();
  }

  /**
   * Runs a read after every earlier transaction has finished. Inside a transaction (a
   * read on the store from the transaction's own callback) it runs at once, on the
   * transaction's state, so it sees the transaction's writes and cannot wait on itself.
   */
  #read<T>(fn: (reader: MemoryReader) => Promise<T>): Promise<T> {
    if (this.#inTransaction.getStore()?.done === false) return fn(new MemoryReader(this.#state));
    return this.#mutex.run(() => fn(new MemoryReader(this.#state)));
  }

  async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    // A nested call would wait for the mutex its own caller holds: refuse it instead.
    if (this.#inTransaction.getStore()?.done === false) {
      throw new ConfigError('ticketry store transactions do not nest: inside transaction(fn), use the tx passed to fn');
    }
    return this.#mutex.run(async () => {
      const undo: (() => void)[] = [];
      const tx = new MemoryTx(this.#state, undo);
      return this.#inTransaction.run(tx, async () => {
        try {
          const result = await fn(tx);
          tx.done = true;
          for (const tenantId of tx.queuedTenants) this.#wake(tenantId);
          return result;
        } catch (err) {
          tx.done = true;
          for (let i = undo.length - 1; i >= 0; i--) undo[i]!();
          throw err;
        }
      });
    });
  }

  findTicket(scope: StoreScope, ref: string) {
    return this.#read((r) => r.findTicket(scope, ref));
  }
  findTickets(scope: StoreScope, refs: readonly string[]) {
    return this.#read((r) => r.findTickets(scope, refs));
  }
  listMessages(scope: StoreScope, ticketId: string) {
    return this.#read((r) => r.listMessages(scope, ticketId));
  }
  listTickets(scope: StoreScope, query: StoreListQuery) {
    return this.#read((r) => r.listTickets(scope, query));
  }
  findMessage(scope: StoreScope, messageId: string) {
    return this.#read((r) => r.findMessage(scope, messageId));
  }
  readMarkOf(tenantId: string, staffId: string, ticketId: string) {
    return this.#read((r) => r.readMarkOf(tenantId, staffId, ticketId));
  }
  listFilters(tenantId: string, staffId: string) {
    return this.#read((r) => r.listFilters(tenantId, staffId));
  }
  findAttachment(scope: StoreScope, attachmentId: string) {
    return this.#read((r) => r.findAttachment(scope, attachmentId));
  }
  findEmailMessages(tenantId: string, messageIds: readonly string[]) {
    return this.#read((r) => r.findEmailMessages(tenantId, messageIds));
  }
  listTicketAttachments(tenantId: string, ticketId: string) {
    return this.#read((r) => r.listTicketAttachments(tenantId, ticketId));
  }
  attachmentKeysExist(tenantId: string, blobKeys: readonly string[]) {
    return this.#read((r) => r.attachmentKeysExist(tenantId, blobKeys));
  }
  countOpenByAssignee(tenantId: string, assigneeIds: readonly string[], statuses: readonly Status[]) {
    return this.#read((r) => r.countOpenByAssignee(tenantId, assigneeIds, statuses));
  }
  getStats(scope: StoreScope, query: StoreStatsQuery) {
    return this.#read((r) => r.getStats(scope, query));
  }
  listAudit(tenantId: string, ticketId: string) {
    return this.#read((r) => r.listAudit(tenantId, ticketId));
  }
  listStale(tenantId: string, statuses: readonly Status[], before: Date, limit: number) {
    return this.#read((r) => r.listStale(tenantId, statuses, before, limit));
  }
  probeScheduledWork(tenantId: string, now: Date, undeliveredBefore: Date) {
    return this.#read((r) => r.probeScheduledWork(tenantId, now, undeliveredBefore));
  }

  markRead(tenantId: string, staffId: string, ticketId: string, at: Date): Promise<void> {
    return this.transaction((tx) => tx.markRead(tenantId, staffId, ticketId, at));
  }

  markDelivered(tenantId: string, ids: readonly string[]): Promise<void> {
    return this.#write(() => {
      const now = new Date();
      for (const id of ids) {
        const row = this.#state.outbox.get(key(tenantId, id));
        if (row && !row.deliveredAt) row.deliveredAt = now;
      }
    });
  }

  claimUndelivered(tenantId: string, olderThan: Date, limit: number): Promise<OutboxEvent[]> {
    return this.#write(() => {
      const now = new Date();
      const rows = [...this.#state.outbox.values()]
        .filter((r) => r.tenantId === tenantId && !r.deliveredAt && r.createdAt < olderThan)
        // Oldest first; a stable sort keeps insertion order for equal times.
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
        .slice(0, limit);
      for (const r of rows) r.deliveredAt = now;
      return rows.map(({ tenantId: _t, deliveredAt: _d, ...event }) => copy(event));
    });
  }

  claimDispatch(tenantId: string, now: Date, leaseUntil: Date, limit: number) {
    return this.#write(() => dispatch.claimDispatch(this.#state, tenantId, now, leaseUntil, limit));
  }
  finishDispatch(tenantId: string, outcomes: readonly DispatchOutcome[]) {
    return this.#write(() => dispatch.finishDispatch(this.#state, tenantId, outcomes));
  }
  listParked(tenantId: string, limit: number, after?: number) {
    return this.#read(async () => dispatch.listParked(this.#state, tenantId, limit, after));
  }
  async requeueParked(tenantId: string, ids: readonly string[] | null, now: Date) {
    const count = await this.#write(() => dispatch.requeueParked(this.#state, tenantId, ids, now));
    if (count > 0) this.#wake(tenantId);
    return count;
  }

  /** In-process only: the memory store has no other processes. */
  async subscribeOutbox(tenantId: string, onWake: () => void): Promise<() => Promise<void>> {
    const own = () => onWake();
    let set = this.#wakeListeners.get(tenantId);
    if (!set) this.#wakeListeners.set(tenantId, (set = new Set()));
    set.add(own);
    return async () => {
      set.delete(own);
      if (set.size === 0 && this.#wakeListeners.get(tenantId) === set) this.#wakeListeners.delete(tenantId);
    };
  }

  /** Wakes the tenant's dispatchers, after the caller's commit, never inside it. */
  #wake(tenantId: string): void {
    const set = this.#wakeListeners.get(tenantId);
    if (!set) return;
    for (const listener of [...set]) {
      queueMicrotask(() => {
        try {
          listener();
        } catch (err) {
          console.error('ticketry: an outbox wake-up listener threw', err);
        }
      });
    }
  }

  /** A single-step write outside `transaction`: after running transactions, or at once inside one. */
  #write<T>(fn: () => T): Promise<T> {
    if (this.#inTransaction.getStore()?.done === false) return Promise.resolve().then(fn);
    return this.#mutex.run(fn);
  }
}
