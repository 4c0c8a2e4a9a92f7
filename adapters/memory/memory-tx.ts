/**
 * The memory store's writes inside one transaction. Each write records how to undo
 * itself; the store replays the undo log backwards when the transaction throws.
 */
import { ConfigError, ConflictError } from '../../src/errors.js';
import { slaAlertFields } from '../../src/sla/sla-fields.js';
import { searchText } from '../../src/search/search-text.js';
import { checkMessagePatch, checkTicketPatch, checkTicketRow } from '../../src/store-checks.js';
import type { EmailMessageRecord, MessagePatch, OutboxEvent, SlaAlertKind, StoreScope, StoreTx, TicketPatch, TicketRow } from '../../src/store.js';
import type { AuditEntry, Message, SavedFilter, StoredAttachment, Ticket } from '../../src/types.js';
import { MemoryReader } from './memory-reader.js';
import { cmp, copy, key, type MemoryState } from './memory-state.js';
import {
  HIDDEN,
  OPENING,
  ms,
  rareFields,
  slaDueAt,
  stampAudit,
  stampMessage,
  stampSla,
  stampTicket,
  ticketOut,
  withFlag,
  type StoredMessage,
  type StoredTicket,
} from './memory-rows.js';
import { TenantData } from './memory-tenant.js';

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

  /** The tenant's data, created (and dropped again on rollback) when it has none yet. */
  #tenant(tenantId: string): TenantData {
    let data = this.state.tenants.get(tenantId);
    if (!data) {
      this.state.tenants.set(tenantId, (data = new TenantData()));
      this.undo.push(() => this.state.tenants.delete(tenantId));
    }
    return data;
  }

  /** Whether the tenant has ticket `id`. */
  #hasTicket(tenantId: string, id: string): boolean {
    return this.state.tenants.get(tenantId)?.tickets.has(id) ?? false;
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
    const data = this.state.tenants.get(tenantId);
    if (data?.tickets.has(row.id)) {
      throw new ConflictError(`A ticket with id ${row.id} already exists`, { params: { field: 'id', id: row.id } });
    }
    if (data?.idByNumber(row.number) !== undefined) {
      throw new ConflictError(`Ticket number ${row.number} is already taken`, {
        params: { field: 'number', number: row.number },
      });
    }
    const tenant = this.#tenant(tenantId);
    const stored = stampTicket(row, searchText(`${row.number} ${row.subject}`), tenant.nextSeq);
    tenant.writeTicket(null, stored, this.undo);
  }

  /** Writes `next` over the stored `current`, the cached text following the subject. */
  #rewrite(data: TenantData, current: StoredTicket, next: StoredTicket): StoredTicket {
    if (next.subject !== current.subject) next.ownText = searchText(`${next.number} ${next.subject}`);
    data.writeTicket(current, next, this.undo);
    return next;
  }

  async updateTicket(tenantId: string, id: string, expectedVersion: number, patch: TicketPatch): Promise<boolean> {
    this.check();
    // Refused before the version check, so a bad patch is an error whatever the version.
    checkTicketPatch(patch);
    const data = this.state.tenants.get(tenantId);
    const current = data?.tickets.get(id);
    if (!data || !current || current.version !== expectedVersion) return false;
    // A fresh row (stored rows are never changed in place): the patch's dates as numbers.
    const next: StoredTicket = { ...current, version: expectedVersion + 1 };
    const fields = next as unknown as Record<string, unknown>;
    for (const [field, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      if (field === 'sla') next.sla = stampSla(value as Ticket['sla']);
      else fields[field] = value instanceof Date ? value.getTime() : copy(value);
    }
    this.#rewrite(data, current, next);
    return true;
  }

  async insertMessage(tenantId: string, message: Message): Promise<void> {
    this.check();
    const data = this.state.tenants.get(tenantId);
    if (data?.messages.has(message.id)) {
      throw new ConflictError(`A message with id ${message.id} already exists`, { params: { field: 'id' } });
    }
    if (!data?.tickets.has(message.ticketId)) throw new ConflictError('The ticket this row belongs to does not exist');
    // A message's attachments are rows of their own (insertAttachment).
    const stored = stampMessage(message, this.state.nextPosition++);
    stored.authorName = data.name(stored.authorName);
    data.writeMessage(null, stored, this.undo);
  }

  async insertAttachment(tenantId: string, attachment: StoredAttachment): Promise<void> {
    this.check();
    const k = key(tenantId, attachment.id);
    const at = this.state.tenants.get(tenantId)?.messages.get(attachment.messageId);
    if (!at || at.ticketId !== attachment.ticketId || !this.#hasTicket(tenantId, attachment.ticketId)) {
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
    const data = this.state.tenants.get(tenantId);
    const current = data?.messages.get(messageId);
    if (!data || !current) return false;
    // The fields a patch may carry (`checkMessagePatch`): body, html, hidden, editedAt.
    const next: StoredMessage = {
      ...current,
      body: patch.body ?? current.body,
      html: patch.html ?? current.html,
      flags: patch.hidden === undefined ? current.flags : withFlag(current.flags, HIDDEN, patch.hidden),
    };
    if (patch.editedAt !== undefined) {
      next.rare = rareFields(current.rare?.system ?? null, current.rare?.email ?? null, ms(patch.editedAt));
    }
    data.writeMessage(current, next, this.undo);
    return true;
  }

  async moveMessages(tenantId: string, messageIds: readonly string[], toTicketId: string, openingId: string | null): Promise<void> {
    this.check();
    const data = this.state.tenants.get(tenantId);
    if (!data?.tickets.has(toTicketId)) throw new ConflictError('The ticket this row belongs to does not exist');
    const ids = new Set(messageIds);
    // Snapshot every thread and message touched, then move.
    const threads = new Map<string, StoredMessage[] | undefined>();
    const entries = new Map<string, StoredMessage>();
    for (const id of ids) {
      const at = data.messages.get(id);
      if (!at) continue;
      entries.set(id, at);
      if (!threads.has(at.ticketId)) threads.set(at.ticketId, data.threads.get(at.ticketId));
    }
    if (!threads.has(toTicketId)) threads.set(toTicketId, data.threads.get(toTicketId));
    this.undo.push(() => {
      for (const [k, list] of threads) (list ? data.threads.set(k, list) : data.threads.delete(k));
      for (const [k, at] of entries) data.messages.set(k, at);
    });
    const moved: StoredMessage[] = [];
    for (const ticketId of threads.keys()) {
      if (ticketId === toTicketId) continue;
      const list = data.threads.get(ticketId) ?? [];
      moved.push(...list.filter((m) => ids.has(m.id)));
      const kept = list.filter((m) => !ids.has(m.id));
      if (kept.length) data.threads.set(ticketId, kept);
      else data.threads.delete(ticketId);
    }
    const target = (data.threads.get(toTicketId) ?? []).map((m) =>
      ids.has(m.id) ? { ...m, flags: withFlag(m.flags, OPENING, m.id === openingId) } : m,
    );
    for (const m of moved) target.push({ ...m, ticketId: toTicketId, flags: withFlag(m.flags, OPENING, m.id === openingId) });
    data.threads.set(toTicketId, target);
    for (const m of target) if (ids.has(m.id)) data.messages.set(m.id, m);
    // The moved bodies' words now belong to the target too.
    const seq = data.tickets.get(toTicketId)!.seq;
    for (const m of moved) data.search.add(searchText(m.body), seq, this.undo);
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
    if (on && !this.#hasTicket(tenantId, ticketId)) {
      throw new ConflictError('The ticket this row belongs to does not exist');
    }
    this.#setMark(this.state.favorites, k, on ? (this.state.favorites.get(k) ?? new Date(at)) : undefined);
    this.state.tenants.get(tenantId)?.setFavorite(staffId, ticketId, on, this.undo);
  }

  async markRead(tenantId: string, staffId: string, ticketId: string, at: Date): Promise<void> {
    this.check();
    if (!this.#hasTicket(tenantId, ticketId)) {
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
    if (!this.#hasTicket(tenantId, entry.ticketId)) throw new ConflictError('The ticket this row belongs to does not exist');
    const data = this.state.tenants.get(tenantId)!;
    const stored = stampAudit(entry);
    stored.actorName = data.name(stored.actorName);
    data.appendAudit(stored, this.undo);
  }

  async insertEmailMessage(tenantId: string, record: EmailMessageRecord): Promise<void> {
    this.check();
    const k = key(tenantId, record.messageId);
    if (this.state.emailMessages.has(k)) {
      throw new ConflictError(`Message-ID ${record.messageId} is already recorded`, { params: { field: 'messageId' } });
    }
    if (!this.#hasTicket(tenantId, record.ticketId)) {
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
    const due = (t: StoredTicket) => slaDueAt(t, alert.target, alert.kind);
    const nowMs = now.getTime();
    // Earliest due first, ids breaking ties: the rule every store follows under a limit.
    const data = this.state.tenants.get(tenantId);
    const candidates = (data?.rows ?? [])
      .filter((t) => {
        if (t.deletedAt !== null || t.sla[claim] !== null) return false;
        const at = due(t);
        return at !== null && at <= nowMs;
      })
      .sort((a, b) => due(a)! - due(b)! || cmp(a.id, b.id))
      .slice(0, limit);
    const claimed: Ticket[] = [];
    for (const t of candidates) {
      const next = this.#rewrite(data!, t, { ...t, sla: { ...t.sla, [claim]: ms(now) }, version: t.version + 1 });
      claimed.push(ticketOut(next));
    }
    return claimed;
  }
}
