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
import { ConfigError, ConflictError } from '../../src/errors.js';
import type {
  ListAfter,
  OutboxEvent,
  SlaAlertKind,
  StoreListQuery,
  StoreScope,
  StoreStats,
  StoreStatsQuery,
  StoreTx,
  TicketPatch,
  TicketRow,
  TicketStore,
} from '../../src/store.js';
import type { AuditEntry, Message, SlaCompliance, Status, Ticket, TicketSummary } from '../../src/types.js';

/** The in-memory store. */
export interface MemoryStore extends TicketStore {
  /** Forgets everything. */
  clear(): void;
}

interface OutboxRow extends OutboxEvent {
  tenantId: string;
  deliveredAt: Date | null;
}

interface State {
  /** `tenant\0id` -> ticket */
  tickets: Map<string, TicketRow>;
  /** `tenant\0number` -> ticket id */
  numbers: Map<string, string>;
  /** `tenant\0ticketId` -> messages in insertion order */
  messages: Map<string, Message[]>;
  /** `tenant\0ticketId` -> audit entries in insertion order */
  audit: Map<string, AuditEntry[]>;
  outbox: Map<string, OutboxRow>;
  counters: Map<string, number>;
}

const key = (...parts: string[]) => parts.join('\0');
const copy = <T>(value: T): T => structuredClone(value);

/** Creates an empty in-memory store. */
export function memoryStore(): MemoryStore {
  return new MemoryStoreImpl();
}

class MemoryStoreImpl implements MemoryStore {
  #state: State = emptyState();
  #queue: Promise<unknown> = Promise.resolve();
  readonly #inTransaction = new AsyncLocalStorage<boolean>();

  clear(): void {
    this.#state = emptyState();
  }

  /** Runs `fn` alone: after every earlier transaction or read has finished. */
  #exclusive<T>(fn: () => Promise<T> | T): Promise<T> {
    if (this.#inTransaction.getStore()) return Promise.resolve().then(fn);
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    if (this.#inTransaction.getStore()) {
      throw new ConfigError('ticketry store transactions do not nest: use the tx you were given');
    }
    return this.#exclusive(() =>
      this.#inTransaction.run(true, async () => {
        const undo: (() => void)[] = [];
        const tx = new MemoryTx(this.#state, undo);
        try {
          const result = await fn(tx);
          tx.done = true;
          return result;
        } catch (err) {
          tx.done = true;
          for (let i = undo.length - 1; i >= 0; i--) undo[i]!();
          throw err;
        }
      }),
    );
  }

  findTicket(scope: StoreScope, ref: string) {
    return this.#exclusive(() => new MemoryReader(this.#state).findTicket(scope, ref));
  }
  listMessages(scope: StoreScope, ticketId: string) {
    return this.#exclusive(() => new MemoryReader(this.#state).listMessages(scope, ticketId));
  }
  listTickets(scope: StoreScope, query: StoreListQuery) {
    return this.#exclusive(() => new MemoryReader(this.#state).listTickets(scope, query));
  }
  getStats(scope: StoreScope, query: StoreStatsQuery) {
    return this.#exclusive(() => new MemoryReader(this.#state).getStats(scope, query));
  }
  listAudit(tenantId: string, ticketId: string) {
    return this.#exclusive(() => new MemoryReader(this.#state).listAudit(tenantId, ticketId));
  }
  listStale(tenantId: string, statuses: readonly Status[], before: Date, limit: number) {
    return this.#exclusive(() => new MemoryReader(this.#state).listStale(tenantId, statuses, before, limit));
  }

  markDelivered(tenantId: string, ids: readonly string[]): Promise<void> {
    return this.#exclusive(() => {
      const now = new Date();
      for (const id of ids) {
        const row = this.#state.outbox.get(key(tenantId, id));
        if (row && !row.deliveredAt) row.deliveredAt = now;
      }
    });
  }

  claimUndelivered(tenantId: string, olderThan: Date, limit: number): Promise<OutboxEvent[]> {
    return this.#exclusive(() => {
      const now = new Date();
      const rows = [...this.#state.outbox.values()]
        .filter((r) => r.tenantId === tenantId && !r.deliveredAt && r.createdAt < olderThan)
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
        .slice(0, limit);
      for (const r of rows) r.deliveredAt = now;
      return rows.map(({ tenantId: _t, deliveredAt: _d, ...event }) => copy(event));
    });
  }
}

function emptyState(): State {
  return {
    tickets: new Map(),
    numbers: new Map(),
    messages: new Map(),
    audit: new Map(),
    outbox: new Map(),
    counters: new Map(),
  };
}

const stripTenant = ({ tenantId: _t, ...ticket }: TicketRow): Ticket => copy(ticket);

function inScope(scope: StoreScope, t: TicketRow): boolean {
  if (t.tenantId !== scope.tenantId) return false;
  if (t.deletedAt && !scope.includeDeleted) return false;
  if (scope.subscriberId !== undefined && t.subscriberId !== scope.subscriberId) return false;
  if (scope.resellerId !== undefined && t.resellerId !== scope.resellerId) return false;
  return true;
}

function visible(scope: StoreScope, m: Message): boolean {
  return scope.visibility === 'staff' || (!m.internal && !m.hidden);
}

/** Compares two ids as SQL stores with a binary collation do. */
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Sort comparator for `sort`, and the position of a row in that order. */
function ordering(sort: StoreListQuery['sort']) {
  const at = (t: Ticket) => (sort === 'newest' || sort === 'oldest' ? t.createdAt : t.updatedAt).getTime();
  const dir = sort === 'oldest' ? 1 : -1;
  const compare = (x: { attention: number; at: number; id: string }, y: { attention: number; at: number; id: string }) => {
    if (sort === 'queue' && x.attention !== y.attention) return y.attention - x.attention;
    if (x.at !== y.at) return dir * (x.at - y.at);
    return dir * cmp(x.id, y.id);
  };
  const position = (t: Ticket) => ({ attention: t.attention, at: at(t), id: t.id });
  const afterPosition = (a: ListAfter) => ({ attention: a.attention ?? 0, at: a.at.getTime(), id: a.id });
  return { compare, position, afterPosition };
}

class MemoryReader {
  constructor(protected readonly state: State) {}

  protected row(scope: StoreScope, ref: string): TicketRow | null {
    const byId = this.state.tickets.get(key(scope.tenantId, ref));
    const id = byId ? ref : this.state.numbers.get(key(scope.tenantId, ref));
    const row = id ? this.state.tickets.get(key(scope.tenantId, id)) : undefined;
    return row && inScope(scope, row) ? row : null;
  }

  async findTicket(scope: StoreScope, ref: string): Promise<Ticket | null> {
    const row = this.row(scope, ref);
    return row ? stripTenant(row) : null;
  }

  async listMessages(scope: StoreScope, ticketId: string): Promise<Message[]> {
    const ticket = this.state.tickets.get(key(scope.tenantId, ticketId));
    // The thread of a ticket outside the scope is empty, whoever calls.
    if (!ticket || !inScope(scope, ticket)) return [];
    const list = this.state.messages.get(key(scope.tenantId, ticketId)) ?? [];
    // Stable sort keeps insertion order for equal timestamps.
    return list
      .filter((m) => visible(scope, m))
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
      .map(copy);
  }

  async listTickets(scope: StoreScope, q: StoreListQuery): Promise<TicketSummary[]> {
    const needle = q.q?.toLowerCase();
    const { compare, position, afterPosition } = ordering(q.sort);
    const after = q.after ? afterPosition(q.after) : null;
    const rows: TicketRow[] = [];
    for (const t of this.state.tickets.values()) {
      if (!inScope(scope, t)) continue;
      if (q.status && !q.status.includes(t.status)) continue;
      if (q.priority && !q.priority.includes(t.priority)) continue;
      if (q.category && !q.category.includes(t.category)) continue;
      if (q.department && (t.department === null || !q.department.includes(t.department))) continue;
      if (q.assigneeId !== undefined && t.assigneeId !== q.assigneeId) continue;
      if (q.subscriberId !== undefined && t.subscriberId !== q.subscriberId) continue;
      if (q.archived !== undefined && t.archived !== q.archived) continue;
      if (q.createdFrom && t.createdAt < q.createdFrom) continue;
      if (q.createdTo && t.createdAt >= q.createdTo) continue;
      if (after && compare(after, position(t)) >= 0) continue;
      if (needle && !this.#matches(scope, t, needle)) continue;
      rows.push(t);
    }
    rows.sort((a, b) => compare(position(a), position(b)));
    return rows.slice(0, q.limit).map((t) => this.#summary(scope, t));
  }

  #matches(scope: StoreScope, t: TicketRow, needle: string): boolean {
    if (t.number.toLowerCase().includes(needle) || t.subject.toLowerCase().includes(needle)) return true;
    const messages = this.state.messages.get(key(t.tenantId, t.id)) ?? [];
    return messages.some((m) => visible(scope, m) && m.body.toLowerCase().includes(needle));
  }

  #summary(scope: StoreScope, t: TicketRow): TicketSummary {
    let replyCount = 0;
    let lastReplyAt: Date | null = null;
    for (const m of this.state.messages.get(key(t.tenantId, t.id)) ?? []) {
      if (m.opening || m.authorType === 'system' || !visible(scope, m)) continue;
      replyCount += 1;
      if (!lastReplyAt || m.createdAt > lastReplyAt) lastReplyAt = m.createdAt;
    }
    return { ...stripTenant(t), replyCount, lastReplyAt: lastReplyAt ? new Date(lastReplyAt) : null };
  }

  async getStats(scope: StoreScope, q: StoreStatsQuery): Promise<StoreStats> {
    const counts: Partial<Record<Status, number>> = {};
    let frSum = 0;
    let frN = 0;
    let resSum = 0;
    let resN = 0;
    const backlog = new Map<string, { category: string; priority: string; count: number }>();
    const sla = new Map<string, SlaCompliance>();
    for (const t of this.state.tickets.values()) {
      if (!inScope({ ...scope, includeDeleted: false }, t)) continue;
      if (q.createdFrom && t.createdAt < q.createdFrom) continue;
      if (q.createdTo && t.createdAt >= q.createdTo) continue;
      counts[t.status] = (counts[t.status] ?? 0) + 1;
      if (t.firstResponseAt && q.firstResponseOf.includes(t.createdByType)) {
        frSum += (t.firstResponseAt.getTime() - t.createdAt.getTime()) / 1000;
        frN += 1;
      }
      if (t.resolvedAt) {
        resSum += (t.resolvedAt.getTime() - t.createdAt.getTime()) / 1000;
        resN += 1;
      }
      if (q.unresolved.includes(t.status)) {
        const k = key(t.category, t.priority);
        const b = backlog.get(k) ?? { category: t.category, priority: t.priority, count: 0 };
        b.count += 1;
        backlog.set(k, b);
      }
      if (t.sla.firstResponseMet !== null || t.sla.resolutionMet !== null) {
        const c = sla.get(t.priority) ?? {
          priority: t.priority,
          firstResponse: { met: 0, total: 0 },
          resolution: { met: 0, total: 0 },
        };
        if (t.sla.firstResponseMet !== null) {
          c.firstResponse.total += 1;
          if (t.sla.firstResponseMet) c.firstResponse.met += 1;
        }
        if (t.sla.resolutionMet !== null) {
          c.resolution.total += 1;
          if (t.sla.resolutionMet) c.resolution.met += 1;
        }
        sla.set(t.priority, c);
      }
    }
    const byName = (a: string, b: string) => cmp(a, b);
    return {
      counts,
      avgFirstResponseSeconds: frN ? frSum / frN : null,
      avgResolutionSeconds: resN ? resSum / resN : null,
      backlog: [...backlog.values()].sort((a, b) => byName(a.category, b.category) || byName(a.priority, b.priority)),
      sla: [...sla.values()].sort((a, b) => byName(a.priority, b.priority)),
    };
  }

  async listAudit(tenantId: string, ticketId: string): Promise<AuditEntry[]> {
    return (this.state.audit.get(key(tenantId, ticketId)) ?? []).map(copy);
  }

  async listStale(tenantId: string, statuses: readonly Status[], before: Date, limit: number): Promise<Ticket[]> {
    return [...this.state.tickets.values()]
      .filter((t) => t.tenantId === tenantId && !t.deletedAt && statuses.includes(t.status) && t.statusChangedAt < before)
      .sort((a, b) => a.statusChangedAt.getTime() - b.statusChangedAt.getTime())
      .slice(0, limit)
      .map(stripTenant);
  }
}

class MemoryTx extends MemoryReader implements StoreTx {
  done = false;

  constructor(
    state: State,
    private readonly undo: (() => void)[],
  ) {
    super(state);
  }

  #live(): void {
    if (this.done) throw new ConfigError('This transaction has ended; use the store, or a new transaction');
  }

  async lockTicket(scope: StoreScope, ref: string): Promise<Ticket | null> {
    this.#live();
    // Transactions are serialised, so every row is already locked.
    return this.findTicket(scope, ref);
  }

  async nextSequence(tenantId: string, counter: string): Promise<number> {
    this.#live();
    const k = key(tenantId, counter);
    const previous = this.state.counters.get(k);
    const value = (previous ?? 0) + 1;
    this.state.counters.set(k, value);
    this.undo.push(() => (previous === undefined ? this.state.counters.delete(k) : this.state.counters.set(k, previous)));
    return value;
  }

  async insertTicket(row: TicketRow): Promise<void> {
    this.#live();
    const idKey = key(row.tenantId, row.id);
    const numberKey = key(row.tenantId, row.number);
    if (this.state.tickets.has(idKey)) throw new ConflictError(`A ticket with id ${row.id} already exists`);
    if (this.state.numbers.has(numberKey)) throw new ConflictError(`Ticket number ${row.number} is already taken`);
    this.state.tickets.set(idKey, copy(row));
    this.state.numbers.set(numberKey, row.id);
    this.undo.push(() => {
      this.state.tickets.delete(idKey);
      this.state.numbers.delete(numberKey);
    });
  }

  async updateTicket(tenantId: string, id: string, expectedVersion: number, patch: TicketPatch): Promise<boolean> {
    this.#live();
    const k = key(tenantId, id);
    const current = this.state.tickets.get(k);
    if (!current || current.version !== expectedVersion) return false;
    const { id: _i, number: _n, createdAt: _c, version: _v, tenantId: _t, ...safe } = patch as TicketPatch & Partial<TicketRow>;
    this.state.tickets.set(k, { ...current, ...copy(safe), version: expectedVersion + 1 });
    this.undo.push(() => this.state.tickets.set(k, current));
    return true;
  }

  async insertMessage(tenantId: string, message: Message): Promise<void> {
    this.#live();
    this.#append(this.state.messages, key(tenantId, message.ticketId), copy(message));
  }

  async insertAudit(tenantId: string, entry: AuditEntry): Promise<void> {
    this.#live();
    this.#append(this.state.audit, key(tenantId, entry.ticketId), copy(entry));
  }

  #append<T>(map: Map<string, T[]>, k: string, value: T): void {
    if (!this.state.tickets.has(k)) throw new ConflictError('The ticket does not exist');
    const list = map.get(k) ?? [];
    list.push(value);
    map.set(k, list);
    this.undo.push(() => {
      list.pop();
      if (list.length === 0) map.delete(k);
    });
  }

  async insertOutbox(tenantId: string, event: OutboxEvent): Promise<void> {
    this.#live();
    const k = key(tenantId, event.id);
    if (this.state.outbox.has(k)) throw new ConflictError(`Outbox event ${event.id} already exists`);
    this.state.outbox.set(k, { ...copy(event), tenantId, deliveredAt: null });
    this.undo.push(() => this.state.outbox.delete(k));
  }

  async claimSlaAlerts(tenantId: string, alert: SlaAlertKind, now: Date, limit: number): Promise<Ticket[]> {
    this.#live();
    const claimed: Ticket[] = [];
    const claimField =
      alert.kind === 'warning'
        ? alert.target === 'firstResponse'
          ? 'firstResponseWarnedAt'
          : 'resolutionWarnedAt'
        : alert.target === 'firstResponse'
          ? 'firstResponseBreachedAt'
          : 'resolutionBreachedAt';
    const candidates = [...this.state.tickets.values()]
      .filter((t) => {
        if (t.tenantId !== tenantId || t.deletedAt || t.sla[claimField]) return false;
        const due =
          alert.kind === 'warning'
            ? alert.target === 'firstResponse'
              ? t.sla.firstResponseWarnAt
              : t.sla.resolutionWarnAt
            : alert.target === 'firstResponse'
              ? t.firstResponseDueAt
              : t.resolutionDueAt;
        return due !== null && due <= now;
      })
      .slice(0, limit);
    for (const t of candidates) {
      const next: TicketRow = { ...t, sla: { ...t.sla, [claimField]: now }, version: t.version + 1 };
      const k = key(tenantId, t.id);
      this.state.tickets.set(k, next);
      this.undo.push(() => this.state.tickets.set(k, t));
      claimed.push(stripTenant(next));
    }
    return claimed;
  }

}
