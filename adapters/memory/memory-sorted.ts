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
import { appended } from './memory-append.js';
import type { StoredTicket } from './memory-rows.js';

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
  created: { attention: false, at: (t) => t.createdAt, dir: 1 },
  updated: { attention: false, at: (t) => t.updatedAt, dir: -1 },
  queue: { attention: true, at: (t) => t.updatedAt, dir: -1 },
  waiting: { attention: false, at: (t) => t.waitingSince ?? NOT_WAITING, dir: 1 },
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

/** Rows per chunk at most (a chunk splits in two beyond it). */
const CHUNK = 512;

/**
 * Rows in one order, in chunks of at most `CHUNK` rows (so an insert or removal moves at
 * most a chunk, not the tenant): the rows are the chunks concatenated.
 */
export class SortedRows {
  readonly chunks: StoredTicket[][] = [];
  #size = 0;

  constructor(readonly order: Order) {}

  get size(): number {
    return this.#size;
  }

  /** Every row, in order (a copy). */
  get rows(): StoredTicket[] {
    return this.chunks.flat();
  }

  /** The position (chunk, index) of the first row after `k` (`strict`) or not before it. */
  #bound(k: SortKey, strict: boolean): [number, number] {
    const after = (t: StoredTicket) => {
      const c = compareRow(this.order, t, k);
      return c > 0 || (!strict && c === 0);
    };
    // The first chunk whose last row is past the bound.
    let lo = 0;
    let hi = this.chunks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const chunk = this.chunks[mid]!;
      if (after(chunk[chunk.length - 1]!)) hi = mid;
      else lo = mid + 1;
    }
    if (lo === this.chunks.length) return [lo, 0];
    const chunk = this.chunks[lo]!;
    let i = 0;
    let j = chunk.length;
    while (i < j) {
      const mid = (i + j) >>> 1;
      if (after(chunk[mid]!)) j = mid;
      else i = mid + 1;
    }
    return [lo, i];
  }

  /** How many rows come before `k` (all of them with `strict`, those equal to `k` included). */
  rank(k: SortKey, strict: boolean): number {
    const [c, i] = this.#bound(k, strict);
    let n = i;
    for (let x = 0; x < c; x++) n += this.chunks[x]!.length;
    return n;
  }

  /**
   * The rows after `k` (not before it, unless `strict`; every row without `k`) in order,
   * or with `reverse` the rows before `k` in reverse order.
   */
  *walk(k: SortKey | null, reverse: boolean, strict = true): Generator<StoredTicket> {
    if (!reverse) {
      let [c, i] = k ? this.#bound(k, strict) : [0, 0];
      for (; c < this.chunks.length; c++, i = 0) {
        const chunk = this.chunks[c]!;
        for (; i < chunk.length; i++) yield chunk[i]!;
      }
    } else {
      let [c, i] = k ? this.#bound(k, false) : [this.chunks.length, 0];
      // Step back to the last row before the bound.
      i -= 1;
      for (;;) {
        if (i < 0) {
          c -= 1;
          if (c < 0) return;
          i = this.chunks[c]!.length - 1;
          continue;
        }
        yield this.chunks[c]![i]!;
        i -= 1;
      }
    }
  }

  insert(t: StoredTicket): void {
    this.#size += 1;
    if (this.chunks.length === 0) {
      this.chunks.push([t]);
      return;
    }
    let [c, i] = this.#bound(keyOf(this.order, t), false);
    // Past the last row: the end of the last chunk.
    if (c === this.chunks.length) {
      c -= 1;
      i = this.chunks[c]!.length;
    }
    const chunk = this.chunks[c]!;
    chunk.splice(i, 0, t);
    if (chunk.length > CHUNK) this.chunks.splice(c + 1, 0, chunk.splice(CHUNK >>> 1));
  }

  remove(t: StoredTicket): void {
    const [c, i] = this.#find(t);
    const chunk = this.chunks[c]!;
    chunk.splice(i, 1);
    if (chunk.length === 0) this.chunks.splice(c, 1);
    this.#size -= 1;
  }

  #find(t: StoredTicket): [number, number] {
    const [c, i] = this.#bound(keyOf(this.order, t), false);
    if (this.chunks[c]?.[i]?.id !== t.id) throw new Error(`memory store: ticket ${t.id} missing from a list index`);
    return [c, i];
  }

  /** Replaces `before` (in the list) with `after` (the same ticket, written again). */
  replace(before: StoredTicket, after: StoredTicket): void {
    const o = this.order;
    if ((!o.attention || before.attention === after.attention) && o.at(before) === o.at(after)) {
      const [c, i] = this.#find(before);
      this.chunks[c]![i] = after;
      return;
    }
    this.remove(before);
    this.insert(after);
  }
}

/** Ids a group holds in an array (scanned) before it becomes a `Set`. */
const SMALL_GROUP = 16;

/**
 * Ticket ids by one field's value (subscriber, assignee, status, a staff member's
 * favorites). Most groups are small (a subscriber's tickets): an array costs far less
 * than a `Set` there; a group grows into a `Set` past `SMALL_GROUP` ids.
 */
export class GroupIndex<K> {
  readonly groups = new Map<K, string[] | Set<string>>();

  add(k: K, id: string): void {
    const group = this.groups.get(k);
    if (!group) this.groups.set(k, [id]);
    else if (group instanceof Set) group.add(id);
    else if (!group.includes(id)) {
      // An exact-size copy: a push would leave room for 16 more ids in every small group.
      this.groups.set(k, group.length < SMALL_GROUP ? appended(group, id) : new Set([...group, id]));
    }
  }

  delete(k: K, id: string): void {
    const group = this.groups.get(k);
    if (!group) return;
    if (group instanceof Set) group.delete(id);
    else {
      const i = group.indexOf(id);
      if (i >= 0) group.splice(i, 1);
    }
    if (this.size(k) === 0) this.groups.delete(k);
  }

  has(k: K, id: string): boolean {
    const group = this.groups.get(k);
    return group instanceof Set ? group.has(id) : (group?.includes(id) ?? false);
  }

  size(k: K): number {
    const group = this.groups.get(k);
    return group instanceof Set ? group.size : (group?.length ?? 0);
  }

  /** The ids of group `k`. */
  ids(k: K): Iterable<string> {
    return this.groups.get(k) ?? [];
  }
}
