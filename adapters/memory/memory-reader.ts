/**
 * The memory store's reads, over a state the caller has made safe to read (inside the
 * transaction, or after every running transaction).
 */
import { SLA_ALERTS, SLA_TARGETS, slaAlertDueAt, slaAlertFields } from '../../src/sla/sla-fields.js';
import { searchRankOf } from '../../src/search/search-match.js';
import { searchText } from '../../src/search/search-text.js';
import { StatsAccumulator, ticketSums } from '../../src/stats/stats-accumulator.js';
import type {
  EmailMessageRecord,
  ListAfter,
  ScheduledWorkProbe,
  StoreListQuery,
  StoreReader,
  StoreScope,
  StoreSearch,
  StoreStats,
  StoreStatsQuery,
  StoreTicketSummary,
  TicketRow,
} from '../../src/store.js';
import type { AuditEntry, Message, SavedFilter, Status, StoredAttachment, Ticket } from '../../src/types.js';
import { attachmentsOf, cmp, copy, inScope, key, stripTenant, visible, type MemoryState } from './memory-state.js';

/** Where tickets nobody waits on sort under `waiting`: last, as in SQL (the end of year 9999). */
const NOT_WAITING = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** Sort comparator for `sort`, and the position of a row in that order. */
function ordering(sort: StoreListQuery['sort']) {
  const at = (t: Ticket) =>
    sort === 'waiting'
      ? (t.waitingSince?.getTime() ?? NOT_WAITING)
      : (sort === 'newest' || sort === 'oldest' || sort === 'relevance' ? t.createdAt : t.updatedAt).getTime();
  const dir = sort === 'oldest' || sort === 'waiting' ? 1 : -1;
  type Position = { attention: number; rank: number; at: number; id: string };
  const compare = (x: Position, y: Position) => {
    if (sort === 'queue' && x.attention !== y.attention) return y.attention - x.attention;
    if (sort === 'relevance' && x.rank !== y.rank) return y.rank - x.rank;
    if (x.at !== y.at) return dir * (x.at - y.at);
    return dir * cmp(x.id, y.id);
  };
  const position = (t: Ticket, rank = 0): Position => ({ attention: t.attention, rank, at: at(t), id: t.id });
  const afterPosition = (a: ListAfter): Position => ({
    attention: a.attention ?? 0,
    rank: a.rank ?? 0,
    at: a.at?.getTime() ?? NOT_WAITING,
    id: a.id,
  });
  return { compare, position, afterPosition };
}

/** Reads over a memory state. */
export class MemoryReader implements StoreReader {
  constructor(protected readonly state: MemoryState) {}

  /** Called before every read; a transaction refuses reads once it has ended. */
  protected check(): void {}

  /** The row whose id is `ref`, else whose number is `ref` (an id wins), within scope. */
  protected row(scope: StoreScope, ref: string): TicketRow | null {
    const byId = this.state.tickets.get(key(scope.tenantId, ref));
    if (byId && inScope(scope, byId)) return byId;
    const id = this.state.numbers.get(key(scope.tenantId, ref));
    const byNumber = id === undefined ? undefined : this.state.tickets.get(key(scope.tenantId, id));
    return byNumber && inScope(scope, byNumber) ? byNumber : null;
  }

  async findTicket(scope: StoreScope, ref: string): Promise<Ticket | null> {
    this.check();
    const row = this.row(scope, ref);
    return row ? stripTenant(row) : null;
  }

  async findTickets(scope: StoreScope, refs: readonly string[]): Promise<Ticket[]> {
    this.check();
    const seen = new Set<string>();
    const out: Ticket[] = [];
    for (const ref of refs) {
      const row = this.row(scope, ref);
      if (row && !seen.has(row.id)) {
        seen.add(row.id);
        out.push(stripTenant(row));
      }
    }
    return out;
  }

  async listMessages(scope: StoreScope, ticketId: string): Promise<Message[]> {
    this.check();
    const ticket = this.state.tickets.get(key(scope.tenantId, ticketId));
    // The thread of a ticket outside the scope is empty, whoever calls.
    if (!ticket || !inScope(scope, ticket)) return [];
    const list = this.state.messages.get(key(scope.tenantId, ticketId)) ?? [];
    const position = (m: Message) => this.state.messageIndex.get(key(scope.tenantId, m.id))?.position ?? 0;
    // Equal times in insertion order, across threads a merge joined.
    return list
      .filter((m) => visible(scope, m))
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || position(a) - position(b))
      .map((m) => ({ ...copy(m), attachments: attachmentsOf(this.state, scope.tenantId, m.id) }));
  }

  async findAttachment(scope: StoreScope, attachmentId: string): Promise<StoredAttachment | null> {
    this.check();
    const attachment = this.state.attachments.get(key(scope.tenantId, attachmentId));
    if (!attachment) return null;
    // Visible exactly when its message is.
    return (await this.findMessage(scope, attachment.messageId)) ? copy(attachment) : null;
  }

  async findEmailMessages(tenantId: string, messageIds: readonly string[]): Promise<EmailMessageRecord[]> {
    this.check();
    const found = new Set<string>();
    const records: EmailMessageRecord[] = [];
    for (const id of messageIds) {
      const record = this.state.emailMessages.get(key(tenantId, id));
      if (record && !found.has(id)) {
        found.add(id);
        records.push(copy(record));
      }
    }
    return records;
  }

  async listTicketAttachments(tenantId: string, ticketId: string): Promise<StoredAttachment[]> {
    this.check();
    return [...this.state.attachments.entries()]
      .filter(([k, a]) => k.startsWith(`${tenantId}\0`) && a.ticketId === ticketId)
      .map(([, a]) => copy(a));
  }

  async attachmentKeysExist(tenantId: string, blobKeys: readonly string[]): Promise<Set<string>> {
    this.check();
    const wanted = new Set(blobKeys);
    const found = new Set<string>();
    for (const [k, a] of this.state.attachments) {
      if (k.startsWith(`${tenantId}\0`) && wanted.has(a.blobKey)) found.add(a.blobKey);
    }
    return found;
  }

  async findMessage(scope: StoreScope, messageId: string): Promise<Message | null> {
    this.check();
    const at = this.state.messageIndex.get(key(scope.tenantId, messageId));
    const ticket = at && this.state.tickets.get(key(scope.tenantId, at.ticketId));
    if (!at || !ticket || !inScope(scope, ticket)) return null;
    const message = this.state.messages.get(key(scope.tenantId, at.ticketId))?.find((m) => m.id === messageId);
    return message && visible(scope, message)
      ? { ...copy(message), attachments: attachmentsOf(this.state, scope.tenantId, message.id) }
      : null;
  }

  async listFilters(tenantId: string, staffId: string): Promise<SavedFilter[]> {
    this.check();
    return [...this.state.filters.values()]
      .filter((f) => f.tenantId === tenantId && f.staffId === staffId)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || cmp(a.id, b.id))
      .map(({ tenantId: _t, ...f }) => copy(f));
  }

  async countOpenByAssignee(
    tenantId: string,
    assigneeIds: readonly string[],
    statuses: readonly Status[],
  ): Promise<Record<string, number>> {
    this.check();
    const counts: Record<string, number> = Object.fromEntries(assigneeIds.map((id) => [id, 0]));
    for (const t of this.state.tickets.values()) {
      if (t.tenantId !== tenantId || t.deletedAt || t.assigneeId === null) continue;
      if (Object.hasOwn(counts, t.assigneeId) && statuses.includes(t.status)) counts[t.assigneeId]! += 1;
    }
    return counts;
  }

  async listTickets(scope: StoreScope, q: StoreListQuery): Promise<StoreTicketSummary[]> {
    this.check();
    const search = q.search;
    const { compare, position, afterPosition } = ordering(q.sort);
    const after = q.after ? afterPosition(q.after) : null;
    const rows: TicketRow[] = [];
    const ranks = new Map<TicketRow, number>();
    for (const t of this.state.tickets.values()) {
      if (!inScope(scope, t)) continue;
      if (q.status && !q.status.includes(t.status)) continue;
      if (q.priority && !q.priority.includes(t.priority)) continue;
      if (q.category && !q.category.includes(t.category)) continue;
      if (q.department && (t.department === null || !q.department.includes(t.department))) continue;
      if (q.assigneeId !== undefined && t.assigneeId !== q.assigneeId) continue;
      if (q.subscriberId !== undefined && t.subscriberId !== q.subscriberId) continue;
      if (q.archived !== undefined && t.archived !== q.archived) continue;
      if (q.deleted && !t.deletedAt) continue;
      if (q.addressedTo !== undefined && t.addressedTo !== q.addressedTo) continue;
      if (q.favorites && !(q.viewerId !== undefined && this.state.favorites.has(key(t.tenantId, q.viewerId, t.id)))) continue;
      if (q.createdFrom && t.createdAt < q.createdFrom) continue;
      if (q.createdTo && t.createdAt >= q.createdTo) continue;
      let rank = 0;
      if (search) {
        const found = this.#rank(scope, t, search);
        if (found === null) continue;
        rank = found;
        ranks.set(t, rank);
      }
      if (after && compare(after, position(t, rank)) >= 0) continue;
      rows.push(t);
    }
    rows.sort((a, b) => compare(position(a, ranks.get(a)), position(b, ranks.get(b))));
    return rows.slice(0, q.limit).map((t) => ({
      ...this.#summary(scope, t, q.viewerId),
      ...(search ? { searchRank: ranks.get(t)! } : {}),
    }));
  }

  #rank(scope: StoreScope, t: TicketRow, search: StoreSearch): number | null {
    const messages = this.state.messages.get(key(t.tenantId, t.id)) ?? [];
    return searchRankOf(search, t.number, searchText(`${t.number} ${t.subject}`), function* () {
      for (const m of messages) if (visible(scope, m)) yield searchText(m.body);
    });
  }

  #summary(scope: StoreScope, t: TicketRow, viewerId: string | undefined): StoreTicketSummary {
    let replyCount = 0;
    let lastReplyAt: Date | null = null;
    for (const m of this.state.messages.get(key(t.tenantId, t.id)) ?? []) {
      // Replies: customer and staff messages after the opening one, never system notes.
      if (m.opening || m.authorType === 'system' || !visible(scope, m)) continue;
      replyCount += 1;
      if (!lastReplyAt || m.createdAt > lastReplyAt) lastReplyAt = m.createdAt;
    }
    const mark = viewerId === undefined ? undefined : key(t.tenantId, viewerId, t.id);
    const readAt = mark === undefined ? undefined : this.state.readMarks.get(mark);
    return {
      ...stripTenant(t),
      replyCount,
      lastReplyAt: lastReplyAt ? new Date(lastReplyAt) : null,
      favorite: mark !== undefined && this.state.favorites.has(mark),
      readAt: readAt ? new Date(readAt) : null,
    };
  }

  async getStats(scope: StoreScope, q: StoreStatsQuery): Promise<StoreStats> {
    this.check();
    const stats = new StatsAccumulator(q);
    for (const t of this.state.tickets.values()) {
      // Deleted tickets never count, whatever the scope says.
      if (!inScope({ ...scope, includeDeleted: false }, t)) continue;
      if (q.createdFrom && t.createdAt < q.createdFrom) continue;
      if (q.createdTo && t.createdAt >= q.createdTo) continue;
      stats.add({
        status: t.status,
        category: t.category,
        priority: t.priority,
        createdByType: t.createdByType,
        ...ticketSums({
          createdAt: t.createdAt.getTime(),
          firstResponseAt: t.firstResponseAt?.getTime() ?? null,
          resolvedAt: t.resolvedAt?.getTime() ?? null,
          firstResponseMet: t.sla.firstResponseMet,
          resolutionMet: t.sla.resolutionMet,
        }),
      });
    }
    return stats.result();
  }

  async listAudit(tenantId: string, ticketId: string): Promise<AuditEntry[]> {
    this.check();
    // Oldest first; the stable sort keeps insertion order for equal times (as SQL's position).
    return [...(this.state.audit.get(key(tenantId, ticketId)) ?? [])]
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
      .map(copy);
  }

  async listStale(tenantId: string, statuses: readonly Status[], before: Date, limit: number): Promise<Ticket[]> {
    this.check();
    return [...this.state.tickets.values()]
      .filter((t) => t.tenantId === tenantId && !t.deletedAt && statuses.includes(t.status) && t.statusChangedAt < before)
      .sort((a, b) => a.statusChangedAt.getTime() - b.statusChangedAt.getTime() || cmp(a.id, b.id))
      .slice(0, limit)
      .map(stripTenant);
  }

  async probeScheduledWork(tenantId: string, now: Date, undeliveredBefore: Date): Promise<ScheduledWorkProbe> {
    this.check();
    const alerts = SLA_ALERTS.flatMap((kind) => SLA_TARGETS.map((target) => ({ target, kind })));
    const tickets = [...this.state.tickets.values()].filter((t) => t.tenantId === tenantId && !t.deletedAt);
    const slaAlerts = alerts.filter(({ target, kind }) => {
      const { claim } = slaAlertFields(target, kind);
      return tickets.some((t) => {
        const dueAt = slaAlertDueAt(t, target, kind);
        return !t.sla[claim] && dueAt !== null && dueAt <= now;
      });
    });
    const undelivered = [...this.state.outbox.values()].some(
      (e) => e.tenantId === tenantId && !e.deliveredAt && e.createdAt < undeliveredBefore,
    );
    return { slaAlerts, undelivered };
  }
}
