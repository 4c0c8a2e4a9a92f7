/**
 * The memory store's writes inside one transaction. Each write records how to undo
 * itself; the store replays the undo log backwards when the transaction throws.
 */
import { ConfigError, ConflictError } from '../../src/errors.js';
import { slaAlertDueAt, slaAlertFields } from '../../src/sla/sla-fields.js';
import { checkMessagePatch, checkTicketPatch, checkTicketRow } from '../../src/store-checks.js';
import type { EmailMessageRecord, MessagePatch, OutboxEvent, SlaAlertKind, StoreScope, StoreTx, TicketPatch, TicketRow } from '../../src/store.js';
import type { AuditEntry, Message, SavedFilter, StoredAttachment, Ticket } from '../../src/types.js';
import { MemoryReader } from './memory-reader.js';
import { cmp, copy, key, stripTenant, type MemoryState } from './memory-state.js';

/** One transaction's view of the state. */
export class MemoryTx extends MemoryReader implements StoreTx {
  /** Set when the transaction ends: a leaked `tx` then fails loudly. */
  done = false;
  /** Tenants this transaction queued events for: their dispatchers are woken after commit. */
  readonly queuedTenants = new Set<string>();

  constructor(
    state: MemoryState,
    private readonly undo: (() => void)[],
  ) {
    super(state);
  }

  /** Every read and write of an ended transaction fails (a `tx` kept past its callback). */
  protected override check(): void {
    if (this.done) throw new ConfigError('This transaction has ended; use the store, or a new transaction');
  }

  async lockTicket(scope: StoreScope, ref: string): Promise<Ticket | null> {
    this.check();
    // Transactions are serialised, so every row is already locked.
    return this.findTicket(scope, ref);
  }

  async nextSequence(tenantId: string, counter: string): Promise<number> {
    this.check();
    const k = key(tenantId, counter);
    const previous = this.state.counters.get(k);
    const value = (previous ?? 0) + 1;
    this.state.counters.set(k, value);
    this.undo.push(() => (previous === undefined ? this.state.counters.delete(k) : this.state.counters.set(k, previous)));
    return value;
  }

  async insertTicket(tenantId: string, ticket: Ticket): Promise<void> {
    this.check();
    const row: TicketRow = { ...ticket, tenantId };
    checkTicketRow(row);
    const idKey = key(row.tenantId, row.id);
    const numberKey = key(row.tenantId, row.number);
    if (this.state.tickets.has(idKey)) {
      throw new ConflictError(`A ticket with id ${row.id} already exists`, { params: { field: 'id', id: row.id } });
    }
    if (this.state.numbers.has(numberKey)) {
      throw new ConflictError(`Ticket number ${row.number} is already taken`, {
        params: { field: 'number', number: row.number },
      });
    }
    this.state.tickets.set(idKey, copy(row));
    this.state.numbers.set(numberKey, row.id);
    this.undo.push(() => {
      this.state.tickets.delete(idKey);
      this.state.numbers.delete(numberKey);
    });
  }

  async updateTicket(tenantId: string, id: string, expectedVersion: number, patch: TicketPatch): Promise<boolean> {
    this.check();
    // Refused before the version check, so a bad patch is an error whatever the version.
    checkTicketPatch(patch);
    const k = key(tenantId, id);
    const current = this.state.tickets.get(k);
    if (!current || current.version !== expectedVersion) return false;
    const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    this.state.tickets.set(k, { ...current, ...copy(set), version: expectedVersion + 1 });
    this.undo.push(() => this.state.tickets.set(k, current));
    return true;
  }

  async insertMessage(tenantId: string, message: Message): Promise<void> {
    this.check();
    const idKey = key(tenantId, message.id);
    if (this.state.messageIndex.has(idKey)) {
      throw new ConflictError(`A message with id ${message.id} already exists`, { params: { field: 'id' } });
    }
    // A message's attachments are rows of their own (insertAttachment).
    this.#append(this.state.messages, key(tenantId, message.ticketId), { ...copy(message), attachments: [] });
    this.state.messageIndex.set(idKey, { ticketId: message.ticketId, position: this.state.nextPosition++ });
    this.undo.push(() => this.state.messageIndex.delete(idKey));
  }

  async insertAttachment(tenantId: string, attachment: StoredAttachment): Promise<void> {
    this.check();
    const k = key(tenantId, attachment.id);
    const at = this.state.messageIndex.get(key(tenantId, attachment.messageId));
    if (!at || at.ticketId !== attachment.ticketId || !this.state.tickets.has(key(tenantId, attachment.ticketId))) {
      throw new ConflictError('The message this attachment belongs to does not exist on that ticket');
    }
    if (this.state.attachments.has(k)) {
      throw new ConflictError(`An attachment with id ${attachment.id} already exists`, { params: { field: 'id' } });
    }
    const taken = [...this.state.attachments].some(([other, a]) => other.startsWith(`${tenantId}\0`) && a.blobKey === attachment.blobKey);
    if (taken) throw new ConflictError('An attachment with this blob key already exists', { params: { field: 'blobKey' } });
    this.state.attachments.set(k, copy(attachment));
    const listKey = key(tenantId, attachment.messageId);
    const previous = this.state.messageAttachments.get(listKey);
    this.state.messageAttachments.set(listKey, [...(previous ?? []), attachment.id]);
    this.undo.push(() => {
      this.state.attachments.delete(k);
      if (previous) this.state.messageAttachments.set(listKey, previous);
      else this.state.messageAttachments.delete(listKey);
    });
  }

  async deleteTicketAttachments(tenantId: string, ticketId: string): Promise<StoredAttachment[]> {
    this.check();
    const removed: StoredAttachment[] = [];
    for (const [k, a] of [...this.state.attachments]) {
      if (!k.startsWith(`${tenantId}\0`) || a.ticketId !== ticketId) continue;
      removed.push(copy(a));
      this.state.attachments.delete(k);
      const listKey = key(tenantId, a.messageId);
      const list = this.state.messageAttachments.get(listKey) ?? [];
      this.state.messageAttachments.set(listKey, list.filter((id) => id !== a.id));
      this.undo.push(() => {
        this.state.attachments.set(k, a);
        this.state.messageAttachments.set(listKey, list);
      });
    }
    return removed;
  }

  async updateMessage(tenantId: string, messageId: string, patch: MessagePatch): Promise<boolean> {
    this.check();
    checkMessagePatch(patch);
    const at = this.state.messageIndex.get(key(tenantId, messageId));
    if (!at) return false;
    const list = this.state.messages.get(key(tenantId, at.ticketId)) ?? [];
    const i = list.findIndex((m) => m.id === messageId);
    const current = list[i]!;
    const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    list[i] = { ...current, ...copy(set) };
    this.undo.push(() => (list[i] = current));
    return true;
  }

  async moveMessages(tenantId: string, messageIds: readonly string[], toTicketId: string, openingId: string | null): Promise<void> {
    this.check();
    const toKey = key(tenantId, toTicketId);
    if (!this.state.tickets.has(toKey)) throw new ConflictError('The ticket this row belongs to does not exist');
    const ids = new Set(messageIds);
    // Snapshot every list and index entry touched, then move.
    const lists = new Map<string, Message[] | undefined>();
    const entries = new Map<string, { ticketId: string; position: number }>();
    for (const id of ids) {
      const idKey = key(tenantId, id);
      const at = this.state.messageIndex.get(idKey);
      if (!at) continue;
      entries.set(idKey, at);
      const listKey = key(tenantId, at.ticketId);
      if (!lists.has(listKey)) lists.set(listKey, this.state.messages.get(listKey));
    }
    if (!lists.has(toKey)) lists.set(toKey, this.state.messages.get(toKey));
    this.undo.push(() => {
      for (const [k, list] of lists) (list ? this.state.messages.set(k, list) : this.state.messages.delete(k));
      for (const [k, at] of entries) this.state.messageIndex.set(k, at);
    });
    const moved: Message[] = [];
    for (const listKey of lists.keys()) {
      if (listKey === toKey) continue;
      const list = this.state.messages.get(listKey) ?? [];
      moved.push(...list.filter((m) => ids.has(m.id)));
      const kept = list.filter((m) => !ids.has(m.id));
      if (kept.length) this.state.messages.set(listKey, kept);
      else this.state.messages.delete(listKey);
    }
    const target = (this.state.messages.get(toKey) ?? []).map((m) =>
      ids.has(m.id) ? { ...m, opening: m.id === openingId } : m,
    );
    for (const m of moved) target.push({ ...m, ticketId: toTicketId, opening: m.id === openingId });
    this.state.messages.set(toKey, target);
    for (const [k, at] of entries) this.state.messageIndex.set(k, { ...at, ticketId: toTicketId });
    // Their attachments follow them.
    for (const id of ids) {
      for (const attachmentId of this.state.messageAttachments.get(key(tenantId, id)) ?? []) {
        const k = key(tenantId, attachmentId);
        const before = this.state.attachments.get(k)!;
        this.state.attachments.set(k, { ...before, ticketId: toTicketId });
        this.undo.push(() => this.state.attachments.set(k, before));
      }
    }
  }

  async setFavorite(tenantId: string, staffId: string, ticketId: string, on: boolean, at: Date): Promise<void> {
    this.check();
    const k = key(tenantId, staffId, ticketId);
    if (on && !this.state.tickets.has(key(tenantId, ticketId))) {
      throw new ConflictError('The ticket this row belongs to does not exist');
    }
    this.#setMark(this.state.favorites, k, on ? (this.state.favorites.get(k) ?? new Date(at)) : undefined);
  }

  async markRead(tenantId: string, staffId: string, ticketId: string, at: Date): Promise<void> {
    this.check();
    if (!this.state.tickets.has(key(tenantId, ticketId))) {
      throw new ConflictError('The ticket this row belongs to does not exist');
    }
    const k = key(tenantId, staffId, ticketId);
    const previous = this.state.readMarks.get(k);
    if (!previous || previous < at) this.#setMark(this.state.readMarks, k, new Date(at));
  }

  #setMark(map: Map<string, Date>, k: string, value: Date | undefined): void {
    const previous = map.get(k);
    if (value === undefined) map.delete(k);
    else map.set(k, value);
    this.undo.push(() => (previous === undefined ? map.delete(k) : map.set(k, previous)));
  }

  async saveFilter(tenantId: string, filter: SavedFilter): Promise<SavedFilter> {
    this.check();
    const same = [...this.state.filters.values()].find(
      (f) => f.tenantId === tenantId && f.staffId === filter.staffId && f.name === filter.name,
    );
    if (!same && this.state.filters.has(key(tenantId, filter.id))) {
      throw new ConflictError(`A saved filter with id ${filter.id} already exists`, { params: { field: 'id' } });
    }
    const stored = same
      ? { ...same, query: copy(filter.query), updatedAt: new Date(filter.updatedAt) }
      : { ...copy(filter), tenantId };
    const k = key(tenantId, stored.id);
    this.state.filters.set(k, stored);
    this.undo.push(() => (same ? this.state.filters.set(k, same) : this.state.filters.delete(k)));
    const { tenantId: _t, ...out } = stored;
    return copy(out);
  }

  async deleteFilter(tenantId: string, staffId: string, filterId: string): Promise<boolean> {
    this.check();
    const k = key(tenantId, filterId);
    const current = this.state.filters.get(k);
    if (!current || current.staffId !== staffId) return false;
    this.state.filters.delete(k);
    this.undo.push(() => this.state.filters.set(k, current));
    return true;
  }

  async insertAudit(tenantId: string, entry: AuditEntry): Promise<void> {
    this.check();
    this.#append(this.state.audit, key(tenantId, entry.ticketId), copy(entry));
  }

  #append<T>(map: Map<string, T[]>, k: string, value: T): void {
    if (!this.state.tickets.has(k)) throw new ConflictError('The ticket this row belongs to does not exist');
    const list = map.get(k) ?? [];
    list.push(value);
    map.set(k, list);
    this.undo.push(() => {
      list.pop();
      if (list.length === 0) map.delete(k);
    });
  }

  async insertEmailMessage(tenantId: string, record: EmailMessageRecord): Promise<void> {
    this.check();
    const k = key(tenantId, record.messageId);
    if (this.state.emailMessages.has(k)) {
      throw new ConflictError(`Message-ID ${record.messageId} is already recorded`, { params: { field: 'messageId' } });
    }
    if (!this.state.tickets.has(key(tenantId, record.ticketId))) {
      throw new ConflictError(`Ticket ${record.ticketId} does not exist`, { params: { field: 'ticketId' } });
    }
    this.state.emailMessages.set(k, copy(record));
    this.undo.push(() => this.state.emailMessages.delete(k));
  }

  async insertOutbox(tenantId: string, event: OutboxEvent): Promise<void> {
    this.check();
    const k = key(tenantId, event.id);
    if (this.state.outbox.has(k)) throw new ConflictError(`Outbox event ${event.id} already exists`);
    // The dispatch state lives beside the row (as in SQL, where `outboxFromRow` reads only the event).
    const { dispatchAt, ...row } = event;
    this.state.outbox.set(k, { ...copy(row), tenantId, deliveredAt: null });
    this.undo.push(() => this.state.outbox.delete(k));
    if (dispatchAt) {
      const position = this.state.nextDispatchPosition++;
      this.state.dispatch.set(k, {
        tenantId,
        id: event.id,
        position,
        dispatchAt: new Date(dispatchAt.getTime()),
        attempts: 0,
        handled: [],
        dispatchedAt: null,
        parkedAt: null,
        lastError: null,
      });
      this.state.queued.add(k);
      this.queuedTenants.add(tenantId);
      this.undo.push(() => {
        this.state.dispatch.delete(k);
        this.state.queued.delete(k);
      });
    }
  }

  async claimSlaAlerts(tenantId: string, alert: SlaAlertKind, now: Date, limit: number): Promise<Ticket[]> {
    this.check();
    const { claim } = slaAlertFields(alert.target, alert.kind);
    const due = (t: TicketRow) => slaAlertDueAt(t, alert.target, alert.kind);
    // Earliest due first, ids breaking ties: the rule every store follows under a limit.
    const candidates = [...this.state.tickets.values()]
      .filter((t) => {
        if (t.tenantId !== tenantId || t.deletedAt || t.sla[claim]) return false;
        const at = due(t);
        return at !== null && at <= now;
      })
      .sort((a, b) => due(a)!.getTime() - due(b)!.getTime() || cmp(a.id, b.id))
      .slice(0, limit);
    const claimed: Ticket[] = [];
    for (const t of candidates) {
      const next: TicketRow = { ...t, sla: { ...t.sla, [claim]: now }, version: t.version + 1 };
      const k = key(tenantId, t.id);
      this.state.tickets.set(k, next);
      this.undo.push(() => this.state.tickets.set(k, t));
      claimed.push(stripTenant(next));
    }
    return claimed;
  }
}
