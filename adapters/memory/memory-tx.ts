/**
 * The memory store's writes inside one transaction. Each write records how to undo
 * itself; the store replays the undo log backwards when the transaction throws.
 */
import { ConfigError, ConflictError } from '../../src/errors.js';
import { slaAlertDueAt, slaAlertFields } from '../../src/sla/sla-fields.js';
import { checkTicketPatch, checkTicketRow } from '../../src/store-checks.js';
import type { OutboxEvent, SlaAlertKind, StoreScope, StoreTx, TicketPatch, TicketRow } from '../../src/store.js';
import type { AuditEntry, Message, Ticket } from '../../src/types.js';
import { MemoryReader } from './memory-reader.js';
import { cmp, copy, key, stripTenant, type MemoryState } from './memory-state.js';

/** One transaction's view of the state. */
export class MemoryTx extends MemoryReader implements StoreTx {
  /** Set when the transaction ends: a leaked `tx` then fails loudly. */
  done = false;

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
    if (this.state.messageIds.has(idKey)) {
      throw new ConflictError(`A message with id ${message.id} already exists`, { params: { field: 'id' } });
    }
    this.#append(this.state.messages, key(tenantId, message.ticketId), copy(message));
    this.state.messageIds.add(idKey);
    this.undo.push(() => this.state.messageIds.delete(idKey));
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

  async insertOutbox(tenantId: string, event: OutboxEvent): Promise<void> {
    this.check();
    const k = key(tenantId, event.id);
    if (this.state.outbox.has(k)) throw new ConflictError(`Outbox event ${event.id} already exists`);
    this.state.outbox.set(k, { ...copy(event), tenantId, deliveredAt: null });
    this.undo.push(() => this.state.outbox.delete(k));
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
