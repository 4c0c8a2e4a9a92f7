/**
 * A tenant's tickets kept in one list order (the order a `listTickets` page walks), so a
 * page is a binary search to its cursor and a walk of `limit` rows, not a sort of the
 * tenant. Rows are immutable (every write stores a new row object), so the list holds
 * rows, and a write replaces the old row with the new one: in place when its sort key is
 * unchanged, else by removing and inserting.
 *
 * The order is total (the id breaks ties, ids are unique per tenant), so the list is a
 * function of the set of rows: undoing a write by the inverse replacement restores it
 * exactly.
 */
import type { StoreListQuery } from '../../src/store.js';
import type { StoredTicket } from './memory-state.js';

/** Where tickets nobody waits on sort under `waiting`: last, as in SQL (the end of year 9999). */
export const NOT_WAITING = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** A position in a list order: `attention` (queue only), the time, the id. */
export interface SortKey {
  attention: number;
  at: number;
  id: string;
}

/** How one list order compares rows. */
export interface Order {
  /** `queue`: attention first, descending. */
  readonly attention: boolean;
  /** The time a row sorts by. */
  readonly at: (t: StoredTicket) => number;
  /** 1: time and id ascending; -1: descending. */
  readonly dir: 1 | -1;
}

export const ORDERS = {
  /** `oldest` (and, walked backwards, `newest` and `relevance` without a search). */
  created: { attention: false, at: (t) => t.createdAt.getTime(), dir: 1 },
  updated: { attention: false, at: (t) => t.updatedAt.getTime(), dir: -1 },
  queue: { attention: true, at: (t) => t.updatedAt.getTime(), dir: -1 },
  waiting: { attention: false, at: (t) => t.waitingSince?.getTime() ?? NOT_WAITING, dir: 1 },
} as const satisfies Record<string, Order>;

export type OrderName = keyof typeof ORDERS;

/** The list a sort walks, and whether backwards. */
export function listOrder(sort: StoreListQuery['sort']): { name: OrderName; reverse: boolean } {
  switch (sort) {
    case 'oldest':
      return { name: 'created', reverse: false };
    case 'updated':
      return { name: 'updated', reverse: false };
    case 'queue':
      return { name: 'queue', reverse: false };
    case 'waiting':
      return { name: 'waiting', reverse: false };
    default:
      // newest, and relevance without a search (every rank 0): created_at desc, id desc.
      return { name: 'created', reverse: true };
  }
}

const cmpId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Compares a row with a key in `order` (negative: the row comes first). */
export function compareRow(order: Order, t: StoredTicket, k: SortKey): number {
  if (order.attention && t.attention !== k.attention) return k.attention - t.attention;
  const at = order.at(t);
  if (at !== k.at) return order.dir * (at - k.at);
  return order.dir * cmpId(t.id, k.id);
}

export function keyOf(order: Order, t: StoredTicket): SortKey {
  return { attention: t.attention, at: order.at(t), id: t.id };
}

/** Rows in one order. */
export class SortedRows {
  readonly rows: StoredTicket[] = [];

  constructor(readonly order: Order) {}

  /** The first index whose row comes after `k` (`strict`) or not before it. */
  bound(k: SortKey, strict: boolean): number {
    let lo = 0;
    let hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = compareRow(this.order, this.rows[mid]!, k);
      if (c < 0 || (strict && c === 0)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The index of `t` (by its key), or -1. */
  indexOf(t: StoredTicket): number {
    const i = this.bound(keyOf(this.order, t), false);
    return i < this.rows.length && this.rows[i]!.id === t.id ? i : -1;
  }

  insert(t: StoredTicket): void {
    this.rows.splice(this.bound(keyOf(this.order, t), false), 0, t);
  }

  remove(t: StoredTicket): void {
    const i = this.indexOf(t);
    if (i < 0) throw new Error(`memory store: ticket ${t.id} missing from a list index`);
    this.rows.splice(i, 1);
  }

  /** Replaces `before` (in the list) with `after` (the same ticket, written again). */
  replace(before: StoredTicket, after: StoredTicket): void {
    const o = this.order;
    if (before.attention === after.attention || !o.attention) {
      if (o.at(before) === o.at(after)) {
        const i = this.indexOf(before);
        if (i < 0) throw new Error(`memory store: ticket ${before.id} missing from a list index`);
        this.rows[i] = after;
        return;
      }
    }
    this.remove(before);
    this.insert(after);
  }
}

/** Sets of ticket ids by one field's value (subscriber, assignee, status). */
export class GroupIndex<K> {
  readonly groups = new Map<K, Set<string>>();

  add(k: K, id: string): void {
    let set = this.groups.get(k);
    if (!set) this.groups.set(k, (set = new Set()));
    set.add(id);
  }

  delete(k: K, id: string): void {
    const set = this.groups.get(k);
    if (!set) return;
    set.delete(id);
    if (set.size === 0) this.groups.delete(k);
  }

  size(k: K): number {
    return this.groups.get(k)?.size ?? 0;
  }
}
