/**
 * The memory store's reads, over a state the caller has made safe to read (inside the
 * transaction, or after every running transaction).
 */
import { SLA_ALERTS, SLA_TARGETS, slaAlertFields } from '../../src/sla/sla-fields.js';
import { searchRankOf } from '../../src/search/search-match.js';
import { searchText } from '../../src/search/search-text.js';
import { StatsAccumulator } from '../../src/stats/stats-accumulator.js';
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
} from '../../src/store.js';
import type { AuditEntry, Message, SavedFilter, Status, StoredAttachment, Ticket } from '../../src/types.js';
import { NOT_WAITING, listOrder, type SortKey } from './memory-sorted.js';
import {
  attachmentsOf,
  cmp,
  copy,
  inScope,
  key,
  visible,
  type MemoryState,
} from './memory-state.js';
import { OPENING, auditOut, messageOut, slaDueAt, ticketOut, type StoredTicket } from './memory-rows.js';
import type { TenantData } from './memory-tenant.js';

/** Sort comparator for `sort`, and the position of a row in that order. */
function ordering(sort: StoreListQuery['sort']) {
  const at = (t: StoredTicket) =>
    sort === 'waiting'
      ? (t.waitingSince ?? NOT_WAITING)
      : sort === 'newest' || sort === 'oldest' || sort === 'relevance'
        ? t.createdAt
        : t.updatedAt;
  const dir = sort === 'oldest' || sort === 'waiting' ? 1 : -1;
  type Position = { attention: number; rank: number; at: number; id: string };
  const compare = (x: Position, y: Position) => {
    if (sort === 'queue' && x.attention !== y.attention) return y.attention - x.attention;
    if (sort === 'relevance' && x.rank !== y.rank) return y.rank - x.rank;
    if (x.at !== y.at) return dir * (x.at - y.at);
    return dir * cmp(x.id, y.id);
  };
  const position = (t: StoredTicket, rank = 0): Position => ({ attention: t.attention, rank, at: at(t), id: t.id });
  const afterPosition = (a: ListAfter): Position => ({
    attention: a.attention ?? 0,
    rank: a.rank ?? 0,
    at: a.at?.getTime() ?? NOT_WAITING,
    id: a.id,
  });
  return { compare, position, afterPosition };
}

/** No message texts: what `searchRankOf` decides from the number and subject alone. */
const NO_BODIES = (): Iterable<string> => [];

/** A list row before its summary: the ticket and, with a search, its rank. */
interface Hit {
  t: StoredTicket;
  rank: number;
}

/** Reads over a memory state. */
export class MemoryReader implements StoreReader {
  constructor(protected readonly state: MemoryState) {}

  /** Called before every read; a transaction refuses reads once it has ended. */
  protected check(): void {}

  /** The tenant's data, if it has any. */
  protected tenant(tenantId: string): TenantData | undefined {
    return this.state.tenants.get(tenantId);
  }

  /** The row whose id is `ref`, else whose number is `ref` (an id wins), within scope. */
  protected row(scope: StoreScope, ref: string): StoredTicket | null {
    const data = this.tenant(scope.tenantId);
    if (!data) return null;
    const byId = data.tickets.get(ref);
    if (byId && inScope(scope, byId)) return byId;
    const id = data.idByNumber(ref);
    const byNumber = id === undefined ? undefined : data.tickets.get(id);
    return byNumber && inScope(scope, byNumber) ? byNumber : null;
  }

  async findTicket(scope: StoreScope, ref: string): Promise<Ticket | null> {
    this.check();
    const row = this.row(scope, ref);
    return row ? ticketOut(row) : null;
  }

  async findTickets(scope: StoreScope, refs: readonly string[]): Promise<Ticket[]> {
    this.check();
    const seen = new Set<string>();
    const out: Ticket[] = [];
    for (const ref of refs) {
      const row = this.row(scope, ref);
      if (row && !seen.has(row.id)) {
        seen.add(row.id);
        out.push(ticketOut(row));
      }
    }
    return out;
  }

  async listMessages(scope: StoreScope, ticketId: string): Promise<Message[]> {
    this.check();
    const data = this.tenant(scope.tenantId);
    const ticket = data?.tickets.get(ticketId);
    // The thread of a ticket outside the scope is empty, whoever calls.
    if (!data || !ticket || !inScope(scope, ticket)) return [];
    const list = data.threads.get(ticketId) ?? [];
    // Equal times in insertion order, across threads a merge joined.
    return list
      .filter((m) => visible(scope, m))
      .sort((a, b) => a.createdAt - b.createdAt || a.position - b.position)
      .map((m) => messageOut(m, attachmentsOf(this.state, scope.tenantId, m.id)));
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
    const data = this.tenant(scope.tenantId);
    const message = data?.messages.get(messageId);
    const ticket = message && data!.tickets.get(message.ticketId);
    if (!message || !ticket || !inScope(scope, ticket)) return null;
    return visible(scope, message) ? messageOut(message, attachmentsOf(this.state, scope.tenantId, message.id)) : null;
  }

  async readMarkOf(tenantId: string, staffId: string, ticketId: string): Promise<Date | null> {
    this.check();
    const mark = this.state.readMarks.get(key(tenantId, staffId, ticketId));
    return mark ? new Date(mark) : null;
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
    const data = this.tenant(tenantId);
    if (!data) return counts;
    for (const assigneeId of Object.keys(counts)) {
      for (const id of data.byAssignee.ids(assigneeId)) {
        const t = data.tickets.get(id)!;
        if (t.deletedAt === null && statuses.includes(t.status)) counts[assigneeId]! += 1;
      }
    }
    return counts;
  }

  async listTickets(scope: StoreScope, q: StoreListQuery): Promise<StoreTicketSummary[]> {
    this.check();
    const data = this.tenant(scope.tenantId);
    if (!data) return [];
    const search = q.search;
    const { compare, position, afterPosition } = ordering(q.sort);
    const after = q.after ? afterPosition(q.after) : null;
    const passes = (t: StoredTicket) => this.#passes(scope, q, t);
    let hits: Hit[];
    if (search) {
      // First what the number and the subject decide (ranks 2 and 1: the cached `ownText`).
      // Tickets only a message could match (rank 0) are checked afterwards, in list order,
      // and only until `limit` of them matched: no later one could enter the page. So a
      // common word reads the texts of about a page of tickets, not of every candidate.
      const found: { t: StoredTicket; rank: number; p: ReturnType<typeof position> }[] = [];
      const maybe: { t: StoredTicket; p: ReturnType<typeof position> }[] = [];
      const consider = (t: StoredTicket) => {
        if (!passes(t)) return;
        const rank = searchRankOf(search, t.number, t.ownText, NO_BODIES);
        if (rank !== null) {
          const p = position(t, rank);
          if (!(after && compare(after, p) >= 0)) found.push({ t, rank, p });
        } else if (search.phrases.length > 0) {
          const p = position(t, 0);
          if (!(after && compare(after, p) >= 0)) maybe.push({ t, p });
        }
      };
      const candidates = data.search.candidates(search);
      if (candidates === null) {
        for (const t of data.rows) consider(t);
      } else {
        const seen = new Set<string>();
        const byNumber = search.number === '' ? [] : data.idsByNumber(search.number);
        for (const ids of [byNumber, candidates]) {
          for (const id of ids) {
            if (seen.has(id)) continue;
            seen.add(id);
            const t = data.tickets.get(id);
            if (t) consider(t);
          }
        }
      }
      // Positions computed once, not per comparison (a common word has thousands of candidates).
      maybe.sort((a, b) => compare(a.p, b.p));
      let matched = 0;
      for (const m of maybe) {
        if (matched >= q.limit) break;
        if (this.#rank(data, scope, m.t, search) === null) continue;
        found.push({ t: m.t, rank: 0, p: m.p });
        matched += 1;
      }
      found.sort((a, b) => compare(a.p, b.p));
      hits = found.slice(0, q.limit).map(({ t, rank }) => ({ t, rank }));
    } else {
      const best = this.#candidates(data, scope, q);
      const walked = this.#walk(data, best, q, passes);
      if (walked) {
        hits = walked.map((t) => ({ t, rank: 0 }));
      } else {
        // From the smallest candidate set (a subscriber's, an assignee's, …): filter and sort.
        const rows = best ? best.rows() : data.rows;
        const kept: StoredTicket[] = [];
        for (const t of rows) if (passes(t) && !(after && compare(after, position(t)) >= 0)) kept.push(t);
        const positioned = kept.map((t) => ({ t, p: position(t) }));
        positioned.sort((a, b) => compare(a.p, b.p));
        hits = positioned.slice(0, q.limit).map(({ t }) => ({ t, rank: 0 }));
      }
    }
    return hits.map(({ t, rank }) => {
      const summary = this.#summary(data, scope, t, q.viewerId);
      if (search) summary.searchRank = rank;
      return summary;
    });
  }

  /** Every filter of `q` but the search, and the scope. */
  #passes(scope: StoreScope, q: StoreListQuery, t: StoredTicket): boolean {
    if (!inScope(scope, t)) return false;
    if (q.status && !q.status.includes(t.status)) return false;
    if (q.priority && !q.priority.includes(t.priority)) return false;
    if (q.category && !q.category.includes(t.category)) return false;
    if (q.department && (t.department === null || !q.department.includes(t.department))) return false;
    if (q.assigneeId !== undefined && t.assigneeId !== q.assigneeId) return false;
    if (q.subscriberId !== undefined && t.subscriberId !== q.subscriberId) return false;
    if (q.archived !== undefined && t.archived !== q.archived) return false;
    if (q.deleted && t.deletedAt === null) return false;
    if (q.addressedTo !== undefined && t.addressedTo !== q.addressedTo) return false;
    if (q.favorites && !(q.viewerId !== undefined && this.state.favorites.has(key(t.tenantId, q.viewerId, t.id)))) return false;
    if (q.createdFrom && t.createdAt < q.createdFrom.getTime()) return false;
    if (q.createdTo && t.createdAt >= q.createdTo.getTime()) return false;
    return true;
  }

  /** The smallest set of tickets a filter of `q` or the scope narrows the list to, if any. */
  #candidates(data: TenantData, scope: StoreScope, q: StoreListQuery): { size: number; rows: () => Iterable<StoredTicket> } | null {
    let best: { size: number; rows: () => Iterable<StoredTicket> } | null = null;
    const offer = (size: number, rows: () => Iterable<StoredTicket>) => {
      if (!best || size < best.size) best = { size, rows };
    };
    const ofIds = (sets: Iterable<string>[]) =>
      function* () {
        for (const set of sets) for (const id of set) yield data.tickets.get(id)!;
      };
    for (const subscriberId of [scope.subscriberId, q.subscriberId]) {
      if (subscriberId !== undefined) offer(data.bySubscriber.size(subscriberId), ofIds([data.bySubscriber.ids(subscriberId)]));
    }
    if (q.assigneeId !== undefined) offer(data.byAssignee.size(q.assigneeId), ofIds([data.byAssignee.ids(q.assigneeId)]));
    if (q.status) {
      const statuses = [...new Set(q.status)];
      offer(
        statuses.reduce((n, s) => n + data.byStatus.size(s), 0),
        ofIds(statuses.map((s) => data.byStatus.ids(s))),
      );
    }
    if (q.favorites) {
      if (q.viewerId === undefined) offer(0, () => []);
      else offer(data.favorites.size(q.viewerId), ofIds([data.favorites.ids(q.viewerId)]));
    }
    if (q.createdFrom || q.createdTo) {
      const created = data.lists.created;
      const from = q.createdFrom ? { attention: 0, at: q.createdFrom.getTime(), id: '' } : null;
      const to = q.createdTo?.getTime() ?? Infinity;
      const lo = from ? created.rank(from, false) : 0;
      const hi = to === Infinity ? created.size : created.rank({ attention: 0, at: to, id: '' }, false);
      offer(Math.max(0, hi - lo), function* () {
        for (const t of created.walk(from, false, false)) {
          if (t.createdAt >= to) return;
          yield t;
        }
      });
    }
    return best;
  }

  /**
   * The page walked along the list order of `q.sort` from the cursor, unless sorting the
   * smallest candidate set is cheaper (`null`: sort it). A walk reads about
   * `limit * tenant / candidates` rows when the candidates are what it has to find.
   */
  #walk(data: TenantData, best: { size: number } | null, q: StoreListQuery, passes: (t: StoredTicket) => boolean): StoredTicket[] | null {
    // A relevance cursor with a rank (only searches make them) keeps the generic order.
    if (q.sort === 'relevance' && (q.after?.rank ?? 0) !== 0) return null;
    if (best && best.size * Math.log2(best.size + 2) <= ((q.limit + 1) * data.tickets.size) / Math.max(1, best.size)) return null;
    const { name, reverse } = listOrder(q.sort);
    const a = q.after;
    const k: SortKey | null = a ? { attention: a.attention ?? 0, at: a.at?.getTime() ?? NOT_WAITING, id: a.id } : null;
    const out: StoredTicket[] = [];
    // Backwards (newest first over the creation order), the rows after the cursor come before it.
    for (const t of data.lists[name].walk(k, reverse)) {
      if (out.length >= q.limit) break;
      if (passes(t)) out.push(t);
    }
    return out;
  }

  #rank(data: TenantData, scope: StoreScope, t: StoredTicket, search: StoreSearch): number | null {
    const messages = data.threads.get(t.id) ?? [];
    // Each visible body's text made once, when first needed (a search with several phrases reads them again).
    const texts: string[] = [];
    let next = 0;
    return searchRankOf(search, t.number, t.ownText, function* () {
      for (let k = 0; ; k++) {
        while (k >= texts.length && next < messages.length) {
          const m = messages[next++]!;
          if (visible(scope, m)) texts.push(searchText(m.body));
        }
        if (k >= texts.length) return;
        yield texts[k]!;
      }
    });
  }

  #summary(data: TenantData, scope: StoreScope, t: StoredTicket, viewerId: string | undefined): StoreTicketSummary {
    let replyCount = 0;
    let lastReplyAt: number | null = null;
    for (const m of data.threads.get(t.id) ?? []) {
      // Replies: customer and staff messages after the opening one, never system notes.
      if ((m.flags & OPENING) !== 0 || m.authorType === 'system' || !visible(scope, m)) continue;
      replyCount += 1;
      if (lastReplyAt === null || m.createdAt > lastReplyAt) lastReplyAt = m.createdAt;
    }
    const mark = viewerId === undefined ? undefined : key(t.tenantId, viewerId, t.id);
    const readAt = mark === undefined ? undefined : this.state.readMarks.get(mark);
    // The copy extended in place (a spread into a new object would copy every field again).
    const summary = ticketOut(t) as StoreTicketSummary;
    summary.replyCount = replyCount;
    summary.lastReplyAt = lastReplyAt === null ? null : new Date(lastReplyAt);
    summary.favorite = mark !== undefined && this.state.favorites.has(mark);
    summary.readAt = readAt ? new Date(readAt) : null;
    return summary;
  }

  async getStats(scope: StoreScope, q: StoreStatsQuery): Promise<StoreStats> {
    this.check();
    const data = this.tenant(scope.tenantId);
    if (!data) return new StatsAccumulator(q).result();
    return data.stats.query(scope, q, data.lists.created, function* () {
      for (const id of data.bySubscriber.ids(scope.subscriberId!)) yield data.tickets.get(id)!;
    });
  }

  async listAudit(tenantId: string, ticketId: string): Promise<AuditEntry[]> {
    this.check();
    // Oldest first; the stable sort keeps insertion order for equal times (as SQL's position).
    return [...(this.tenant(tenantId)?.auditOf(ticketId) ?? [])].sort((a, b) => a.createdAt - b.createdAt).map(auditOut);
  }

  async listStale(tenantId: string, statuses: readonly Status[], before: Date, limit: number): Promise<Ticket[]> {
    this.check();
    return (this.tenant(tenantId)?.rows ?? [])
      .filter((t) => t.deletedAt === null && statuses.includes(t.status) && t.statusChangedAt < before.getTime())
      .sort((a, b) => a.statusChangedAt - b.statusChangedAt || cmp(a.id, b.id))
      .slice(0, limit)
      .map(ticketOut);
  }

  async probeScheduledWork(tenantId: string, now: Date, undeliveredBefore: Date): Promise<ScheduledWorkProbe> {
    this.check();
    const alerts = SLA_ALERTS.flatMap((kind) => SLA_TARGETS.map((target) => ({ target, kind })));
    const tickets = (this.tenant(tenantId)?.rows ?? []).filter((t) => t.deletedAt === null);
    const slaAlerts = alerts.filter(({ target, kind }) => {
      const { claim } = slaAlertFields(target, kind);
      return tickets.some((t) => {
        const dueAt = slaDueAt(t, target, kind);
        return t.sla[claim] === null && dueAt !== null && dueAt <= now.getTime();
      });
    });
    const undelivered = [...this.state.outbox.values()].some(
      (e) => e.tenantId === tenantId && !e.deliveredAt && e.createdAt < undeliveredBefore,
    );
    return { slaAlerts, undelivered };
  }
}
