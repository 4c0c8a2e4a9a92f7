/**
 * A tenant's stats buckets, maintained by every ticket write (as the SQL stores'
 * `ticket_stats` and `ticket_stats_daily`): per bucket key (status, category, priority,
 * creator type) the additive sums of `ticketSums`, in total and per UTC day of creation,
 * once for the whole tenant and once per partition (reseller, addressed level, requesting
 * reseller: what a scope without a subscriber can ask for).
 *
 * `getStats` adds the buckets a scope and window cover (whole days from the day buckets,
 * the partial days at the window's edges from the rows in creation order) and scans a
 * subscriber's own tickets. Sums are integers (milliseconds, counts) and a bucket whose
 * count reaches 0 is removed, so the buckets are a function of the set of rows: an undo
 * (the inverse update) restores them exactly.
 */
import { StatsAccumulator, statsFactsOf, ticketSums, STATS_SUMS, type StatsSums } from '../../src/stats/stats-accumulator.js';
import type { StoreScope, StoreStats, StoreStatsQuery } from '../../src/store.js';
import { ORDERS, type SortedRows } from './memory-sorted.js';
import type { StoredTicket } from './memory-state.js';

const DAY = 86_400_000;

/** A bucket: its key fields and sums. */
interface Bucket extends StatsSums {
  key: string;
  status: string;
  category: string;
  priority: string;
  createdByType: string;
}

/**
 * Buckets in total and per day of creation (a day holds few buckets: an array costs far
 * less than a `Map` per day, and is scanned).
 */
class Level {
  readonly total = new Map<string, Bucket>();
  readonly days = new Map<number, Bucket[]>();
  constructor(
    readonly resellerId: string | null,
    readonly addressedTo: string,
    readonly requesterResellerId: string | null,
  ) {}
}

/** What one ticket adds: where, and how much. `null`: a deleted ticket (never counted). */
interface Contribution {
  partition: string;
  day: number;
  key: string;
  sums: StatsSums;
}

function contributionOf(t: StoredTicket): Contribution | null {
  if (t.deletedAt) return null;
  return {
    partition: JSON.stringify([t.resellerId, t.addressedTo, t.requesterResellerId]),
    day: Math.floor(t.createdAt.getTime() / DAY),
    key: `${t.status}\0${t.category}\0${t.priority}\0${t.createdByType}`,
    sums: ticketSums(statsFactsOf(t)),
  };
}

function sameContribution(a: Contribution | null, b: Contribution | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.partition !== b.partition || a.day !== b.day || a.key !== b.key) return false;
  return STATS_SUMS.every((s) => a.sums[s] === b.sums[s]);
}

function emptyBucket(t: StoredTicket, key: string): Bucket {
  const b = { key, status: t.status, category: t.category, priority: t.priority, createdByType: t.createdByType } as Bucket;
  for (const s of STATS_SUMS) b[s] = 0;
  return b;
}

/** Adds `sign` times `sums` to the bucket `key` of `map` (created from `t`; removed at count 0). */
function addTo(map: Map<string, Bucket>, key: string, t: StoredTicket, sums: StatsSums, sign: 1 | -1): void {
  let b = map.get(key);
  if (!b) map.set(key, (b = emptyBucket(t, key)));
  for (const s of STATS_SUMS) b[s] += sign * sums[s];
  if (b.n === 0) map.delete(key);
}

/** `addTo` for a day's array of buckets. */
function addToDay(day: Bucket[], key: string, t: StoredTicket, sums: StatsSums, sign: 1 | -1): void {
  let i = day.findIndex((b) => b.key === key);
  if (i < 0) i = day.push(emptyBucket(t, key)) - 1;
  const b = day[i]!;
  for (const s of STATS_SUMS) b[s] += sign * sums[s];
  if (b.n === 0) day.splice(i, 1);
}

/** Whether the partition `level` lies inside `scope` (a scope without a subscriber). */
function levelInScope(scope: StoreScope, level: Level): boolean {
  if (scope.resellerId !== undefined && level.resellerId !== scope.resellerId) return false;
  if (scope.requesterResellerId !== undefined && level.requesterResellerId !== scope.requesterResellerId) return false;
  if (scope.addressedTo !== undefined && level.addressedTo !== scope.addressedTo) return false;
  return true;
}

/** Merges buckets by key before they reach the accumulator (a window adds one set per day). */
class Merge {
  readonly buckets = new Map<string, Bucket>();
  add(key: string, b: Bucket): void {
    const m = this.buckets.get(key);
    if (!m) this.buckets.set(key, { ...b });
    else for (const s of STATS_SUMS) m[s] += b[s];
  }
  addTicket(t: StoredTicket): void {
    const c = contributionOf(t);
    if (c) this.add(c.key, { key: c.key, status: t.status, category: t.category, priority: t.priority, createdByType: t.createdByType, ...c.sums });
  }
}

export class StatsIndex {
  readonly all = new Level(null, '', null);
  readonly partitions = new Map<string, Level>();

  #apply(t: StoredTicket, c: Contribution, sign: 1 | -1): void {
    let level = this.partitions.get(c.partition);
    if (!level) this.partitions.set(c.partition, (level = new Level(t.resellerId, t.addressedTo, t.requesterResellerId)));
    for (const l of [this.all, level]) {
      addTo(l.total, c.key, t, c.sums, sign);
      let day = l.days.get(c.day);
      if (!day) l.days.set(c.day, (day = []));
      addToDay(day, c.key, t, c.sums, sign);
      if (day.length === 0) l.days.delete(c.day);
    }
    if (level.total.size === 0) this.partitions.delete(c.partition);
  }

  /** A ticket written: `before` (absent for an insert) becomes `after` (absent to take it out). */
  update(before: StoredTicket | null, after: StoredTicket | null): void {
    const was = before && contributionOf(before);
    const is = after && contributionOf(after);
    if (sameContribution(was ?? null, is ?? null)) return;
    if (was) this.#apply(before!, was, -1);
    if (is) this.#apply(after!, is, 1);
  }

  /**
   * The stats of `scope` over `q`'s window: `created` holds the tenant's rows in creation
   * order, `subscriberRows` a subscriber's rows (for scopes with a subscriber).
   */
  query(scope: StoreScope, q: StoreStatsQuery, created: SortedRows, subscriberRows: () => Iterable<StoredTicket>): StoreStats {
    const from = q.createdFrom?.getTime() ?? -Infinity;
    const to = q.createdTo?.getTime() ?? Infinity;
    const merge = new Merge();
    const counts = (t: StoredTicket) => {
      if (t.deletedAt || !inPartitionScope(scope, t)) return false;
      const at = t.createdAt.getTime();
      return at >= from && at < to;
    };
    if (scope.subscriberId !== undefined) {
      for (const t of subscriberRows()) if (counts(t)) merge.addTicket(t);
    } else {
      const levels = noPartitionFilter(scope) ? [this.all] : [...this.partitions.values()].filter((l) => levelInScope(scope, l));
      if (from === -Infinity && to === Infinity) {
        for (const l of levels) for (const [key, b] of l.total) merge.add(key, b);
      } else if (from < to) {
        // Whole days inside [from, to) from the day buckets; the rest scanned.
        const firstDay = Math.ceil(from / DAY);
        const endDay = Math.floor(to / DAY);
        if (firstDay < endDay) {
          for (const l of levels) {
            for (const [day, buckets] of l.days) {
              if (day >= firstDay && day < endDay) for (const b of buckets) merge.add(b.key, b);
            }
          }
          scan(created, from, firstDay * DAY, counts, merge);
          scan(created, endDay * DAY, to, counts, merge);
        } else {
          scan(created, from, to, counts, merge);
        }
      }
    }
    const stats = new StatsAccumulator(q);
    for (const b of merge.buckets.values()) stats.add(b);
    return stats.result();
  }
}

function noPartitionFilter(scope: StoreScope): boolean {
  return scope.resellerId === undefined && scope.requesterResellerId === undefined && scope.addressedTo === undefined;
}

function inPartitionScope(scope: StoreScope, t: StoredTicket): boolean {
  if (scope.subscriberId !== undefined && t.subscriberId !== scope.subscriberId) return false;
  if (scope.resellerId !== undefined && t.resellerId !== scope.resellerId) return false;
  if (scope.requesterResellerId !== undefined && t.requesterResellerId !== scope.requesterResellerId) return false;
  if (scope.addressedTo !== undefined && t.addressedTo !== scope.addressedTo) return false;
  return true;
}

/** Adds the counted rows created in `[from, to)`. */
function scan(created: SortedRows, from: number, to: number, counts: (t: StoredTicket) => boolean, merge: Merge): void {
  if (!(from < to)) return;
  for (const t of created.walk(from === -Infinity ? null : { attention: 0, at: from, id: '' }, false, false)) {
    if (ORDERS.created.at(t) >= to) break;
    if (counts(t)) merge.addTicket(t);
  }
}
