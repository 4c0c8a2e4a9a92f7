/**
 * One tenant's tickets and messages, and the indexes the reads use: the tickets in each
 * list order, by subscriber, assignee and status, numbers (also lower-cased, for search),
 * the stats buckets and the word index; and each ticket's audit trail.
 *
 * Every change goes through `writeTicket` / `writeMessage` / `appendAudit` / `setFavorite`, which keep
 * the indexes in step and push onto the transaction's undo log the inverse of what they
 * did, so a rolled-back transaction leaves every index exactly as it was.
 */
import { SearchIndex } from './memory-search.js';
import { GroupIndex, ORDERS, SortedRows, type OrderName } from './memory-sorted.js';
import { searchText } from '../../src/search/search-text.js';
import { appended } from './memory-append.js';
import type { StoredAudit, StoredMessage, StoredTicket } from './memory-rows.js';
import { StatsIndex } from './memory-stats.js';

export type Undo = (() => void)[];

/**
 * The key numbers that differ only in case share: upper case of lower case (equal lower
 * cases give equal keys; a key may also gather a few more, which the exact checks drop).
 * A number already in that form is its own key, so a `TKT-42` costs no second string.
 */
function numberKey(number: string): string {
  const key = number.toLowerCase().toUpperCase();
  return key === number ? number : key;
}

export class TenantData {
  /** id -> ticket */
  readonly tickets = new Map<string, StoredTicket>();
  /**
   * `numberKey(number)` -> id, or ids when numbers differ only in case (a search's
   * exact-number match is case-insensitive; an exact lookup checks the ticket's number)
   */
  readonly numbersLower = new Map<string, string | string[]>();
  /**
   * Author and actor names, one string each (a name arrives as a new string with every
   * message). Not part of the undo log: a rolled-back write may leave its name here, which
   * changes nothing a read returns.
   */
  readonly #names = new Map<string, string>();

  /** `name`, as the one string the tenant keeps for it. */
  name(name: string | null): string | null {
    if (name === null || name.length > 100) return name;
    const kept = this.#names.get(name);
    if (kept !== undefined) return kept;
    this.#names.set(name, name);
    return name;
  }

  /** The ids of the tickets whose number is `number`, case-insensitively. */
  idsByNumber(number: string): readonly string[] {
    const ids = this.numbersLower.get(numberKey(number));
    return ids === undefined ? [] : typeof ids === 'string' ? [ids] : ids;
  }

  /** The id of the ticket whose number is exactly `number`. */
  idByNumber(number: string): string | undefined {
    return this.idsByNumber(number).find((id) => this.tickets.get(id)!.number === number);
  }
  /** ticket id -> its messages in insertion order */
  readonly threads = new Map<string, StoredMessage[]>();
  /** ticket id -> its audit entry, or entries in insertion order (`auditOf`) */
  readonly audit = new Map<string, StoredAudit | StoredAudit[]>();
  /** message id -> message (ids are unique per tenant, as in the SQL stores) */
  readonly messages = new Map<string, StoredMessage>();
  /** Every ticket in each list order. */
  readonly lists: Record<OrderName, SortedRows> = {
    created: new SortedRows(ORDERS.created),
    updated: new SortedRows(ORDERS.updated),
    queue: new SortedRows(ORDERS.queue),
    waiting: new SortedRows(ORDERS.waiting),
  };
  readonly bySubscriber = new GroupIndex<string>();
  readonly byAssignee = new GroupIndex<string | null>();
  readonly byStatus = new GroupIndex<string>();
  /** staff id -> the ticket ids they starred (the dates are in `MemoryState.favorites`) */
  readonly favorites = new GroupIndex<string>();
  readonly stats = new StatsIndex();
  readonly search = new SearchIndex();

  /** Stores `after` as the ticket `before` was (`null`: a new ticket), indexes included. */
  writeTicket(before: StoredTicket | null, after: StoredTicket, undo: Undo): void {
    this.#put(before, after);
    undo.push(() => this.#unput(before, after));
    if (before === null || before.ownText !== after.ownText) this.search.add(after.ownText, after.seq, undo);
  }

  #put(before: StoredTicket | null, after: StoredTicket): void {
    this.tickets.set(after.id, after);
    if (before === null) {
      this.search.ids[after.seq] = after.id;
      const lower = numberKey(after.number);
      const ids = this.numbersLower.get(lower);
      this.numbersLower.set(lower, ids === undefined ? after.id : [...(typeof ids === 'string' ? [ids] : ids), after.id]);
      for (const list of Object.values(this.lists)) list.insert(after);
      this.bySubscriber.add(after.subscriberId, after.id);
      this.byAssignee.add(after.assigneeId, after.id);
      this.byStatus.add(after.status, after.id);
    } else {
      for (const list of Object.values(this.lists)) list.replace(before, after);
      this.#regroup(before, after);
    }
    this.stats.update(before, after);
  }

  #unput(before: StoredTicket | null, after: StoredTicket): void {
    this.stats.update(after, before);
    if (before === null) {
      if (after.seq === this.search.ids.length - 1) this.search.ids.pop();
      this.tickets.delete(after.id);
      const lower = numberKey(after.number);
      const ids = this.numbersLower.get(lower)!;
      if (typeof ids === 'string') this.numbersLower.delete(lower);
      else this.numbersLower.set(lower, ids.length === 2 ? ids[0]! : ids.slice(0, -1));
      for (const list of Object.values(this.lists)) list.remove(after);
      this.bySubscriber.delete(after.subscriberId, after.id);
      this.byAssignee.delete(after.assigneeId, after.id);
      this.byStatus.delete(after.status, after.id);
    } else {
      this.tickets.set(before.id, before);
      for (const list of Object.values(this.lists)) list.replace(after, before);
      this.#regroup(after, before);
    }
  }

  #regroup(from: StoredTicket, to: StoredTicket): void {
    if (from.subscriberId !== to.subscriberId) {
      this.bySubscriber.delete(from.subscriberId, from.id);
      this.bySubscriber.add(to.subscriberId, to.id);
    }
    if (from.assigneeId !== to.assigneeId) {
      this.byAssignee.delete(from.assigneeId, from.id);
      this.byAssignee.add(to.assigneeId, to.id);
    }
    if (from.status !== to.status) {
      this.byStatus.delete(from.status, from.id);
      this.byStatus.add(to.status, to.id);
    }
  }

  /**
   * Stores message `after` as `before` was (`null`: a new message; appended to its
   * ticket's thread). A message that changed ticket (a move) is not handled here.
   */
  writeMessage(before: StoredMessage | null, after: StoredMessage, undo: Undo): void {
    if (before === null) {
      this.messages.set(after.id, after);
      const thread = this.threads.get(after.ticketId);
      const next = appended(thread, after);
      if (next !== thread) this.threads.set(after.ticketId, next);
      undo.push(() => {
        this.messages.delete(after.id);
        if (next === thread) thread.pop();
        else if (thread) this.threads.set(after.ticketId, thread);
        else this.threads.delete(after.ticketId);
      });
    } else {
      const thread = this.threads.get(before.ticketId)!;
      const i = thread.indexOf(before);
      thread[i] = after;
      this.messages.set(after.id, after);
      undo.push(() => {
        thread[i] = before;
        this.messages.set(before.id, before);
      });
    }
    if (before === null || before.body !== after.body) this.search.add(searchText(after.body), this.tickets.get(after.ticketId)!.seq, undo);
  }

  /** Appends an audit entry to its ticket's trail. */
  appendAudit(entry: StoredAudit, undo: Undo): void {
    const trail = this.audit.get(entry.ticketId);
    // A first entry is stored alone (most tickets have one: an array would cost more than the entry's fields).
    const next = trail === undefined ? entry : Array.isArray(trail) ? appended(trail, entry) : [trail, entry];
    if (next !== trail) this.audit.set(entry.ticketId, next);
    undo.push(() => {
      if (next === trail) (trail as StoredAudit[]).pop();
      else if (trail) this.audit.set(entry.ticketId, trail);
      else this.audit.delete(entry.ticketId);
    });
  }

  /** A ticket's audit entries, in insertion order. */
  auditOf(ticketId: string): readonly StoredAudit[] {
    const trail = this.audit.get(ticketId);
    return trail === undefined ? [] : Array.isArray(trail) ? trail : [trail];
  }

  /** Adds or removes `ticketId` from `staffId`'s favorites index. */
  setFavorite(staffId: string, ticketId: string, on: boolean, undo: Undo): void {
    const had = this.favorites.has(staffId, ticketId);
    if (had === on) return;
    if (on) this.favorites.add(staffId, ticketId);
    else this.favorites.delete(staffId, ticketId);
    undo.push(() => (on ? this.favorites.delete(staffId, ticketId) : this.favorites.add(staffId, ticketId)));
  }

  /** The `seq` of the next ticket inserted. */
  get nextSeq(): number {
    return this.search.ids.length;
  }

  /** The tenant's tickets, in creation order. */
  get rows(): readonly StoredTicket[] {
    return this.lists.created.rows;
  }
}
