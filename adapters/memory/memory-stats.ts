/**
 * A tenant's stats buckets, maintained by every ticket write (as the SQL stores'
 * `ticket_stats` and `ticket_stats_daily`): per bucket key (status, category, priority,
 * creator type) the additive sums of `ticketSums` per partition (reseller, addressed level,
 * requesting reseller: what a scope without a subscriber can ask for), in total and per UTC
 * day of creation, and for the whole tenant in total.
 *
 * `getStats` adds the buckets a scope and window cover (whole days from the day buckets,
 * the partial days at the window's edges from the rows in creation order) and scans a
 * subscriber's own tickets. Sums are integers (milliseconds, counts) and a bucket whose
 * count reaches 0 is removed, so the buckets are a function of the set of rows: an undo
 * (the inverse update) restores them exactly.
 *
 * Compact, because a desk has a bucket set per day for years: a bucket key is a small
 * number (its `Combo`, interned once per tenant), and a set of buckets is one flat,
 * exact-size array of numbers (`[combo, ...sums]` per bucket), which V8 stores unboxed,
 * 8 bytes a number, with no object per bucket.
 */
import { StatsAccumulator, ticketSums, STATS_SUMS, type StatsBucket, type StatsSums, type TicketStatsFacts } from '../../src/stats/stats-accumulator.js';
import type { StoreScope, StoreStats, StoreStatsQuery } from '../../src/store.js';
import type { StoredTicket } from './memory-rows.js';
import { ORDERS, type SortedRows } from './memory-sorted.js';

const DAY = 86_400_000;
/** Sums per bucket. */
const W = STATS_SUMS.length;
/** Numbers per bucket in a flat set: the combo, then the sums. */
const STRIDE = W + 1;

/** A bucket key: what the buckets of one status, category, priority and creator type share. */
interface Combo {
  key: string;
  status: string;
  category: string;
  priority: string;
  createdByType: string;
}

/**
 * A set of buckets: `[combo, ...sums]` for each, in no particular order. Replaced by an
 * exact-size copy when a bucket is added or removed, changed in place otherwise.
 */
type Buckets = number[];

/** Buckets in total and per day of creation (the whole tenant's level: in total only). */
class Level {
  total: Buckets = [];
  readonly days = new Map<number, Buckets>();
  constructor(
    readonly resellerId: string | null,
    readonly addressedTo: string,
    readonly requesterResellerId: string | null,
  ) {}
}

/** `statsFactsOf` of a stored ticket (its instants are already numbers). */
function factsOf(t: StoredTicket): TicketStatsFacts {
  return {
    createdAt: t.createdAt,
    firstResponseAt: t.firstResponseAt,
    resolvedAt: t.resolvedAt,
    firstResponseMet: t.sla.firstResponseMet ?? null,
    resolutionMet: t.sla.resolutionMet ?? null,
    slaClockAt: t.sla.clockAt,
    firstResponseElapsed: t.sla.firstResponseElapsed,
    resolutionElapsed: t.sla.resolutionElapsed,
  };
}

/** What one ticket adds: where, and how much. `null`: a deleted ticket (never counted). */
interface Contribution {
  partition: string;
  day: number;
  key: string;
  sums: StatsSums;
}

function contributionOf(t: StoredTicket): Contribution | null {
  if (t.deletedAt !== null) return null;
  return {
    partition: JSON.stringify([t.resellerId, t.addressedTo, t.requesterResellerId]),
    day: Math.floor(t.createdAt / DAY),
    key: comboKey(t),
    sums: ticketSums(factsOf(t)),
  };
}

const comboKey = (t: StoredTicket): string => `${t.status}\0${t.category}\0${t.priority}\0${t.createdByType}`;

function sameContribution(a: Contribution | null, b: Contribution | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.partition !== b.partition || a.day !== b.day || a.key !== b.key) return false;
  return STATS_SUMS.every((s) => a.sums[s] === b.sums[s]);
}

/** Adds `sign` times `sums` to bucket `combo` of `set`; returns the set (a new array when a bucket came or went). */
function addTo(set: Buckets, combo: number, sums: StatsSums, sign: 1 | -1): Buckets {
  let at = -1;
  for (let i = 0; i < set.length; i += STRIDE) {
    if (set[i] === combo) {
      at = i;
      break;
    }
  }
  if (at < 0) {
    // A new bucket: an exact-size copy with it at the end.
    const grown = new Array<number>(set.length + STRIDE);
    for (let i = 0; i < set.length; i++) grown[i] = set[i]!;
    at = set.length;
    grown[at] = combo;
    for (let s = 0; s < W; s++) grown[at + 1 + s] = 0;
    set = grown;
  }
  for (let s = 0; s < W; s++) set[at + 1 + s]! += sign * sums[STATS_SUMS[s]!];
  // `n` (the first sum) at 0: the bucket goes.
  if (set[at + 1] === 0) {
    const shrunk = new Array<number>(set.length - STRIDE);
    for (let i = 0, j = 0; i < set.length; i++) if (i < at || i >= at + STRIDE) shrunk[j++] = set[i]!;
    set = shrunk;
  }
  return set;
}

/** Where each sum sits in a bucket's run of sums. */
const SUM_AT = Object.fromEntries(STATS_SUMS.map((s, i) => [s, i])) as Record<keyof StatsSums, number>;

/**
 * The bucket of `combo` whose sums start at `sums[at]`: one literal (setting the sums by
 * a computed name, one at a time, would make every bucket a slow dictionary object).
 */
function bucketAt(combo: Combo, sums: ArrayLike<number>, at: number): StatsBucket {
  return {
    status: combo.status,
    category: combo.category,
    priority: combo.priority,
    createdByType: combo.createdByType,
    n: sums[at + SUM_AT.n]!,
    frMsSum: sums[at + SUM_AT.frMsSum]!,
    frN: sums[at + SUM_AT.frN]!,
    resMsSum: sums[at + SUM_AT.resMsSum]!,
    resN: sums[at + SUM_AT.resN]!,
    frMet: sums[at + SUM_AT.frMet]!,
    frTotal: sums[at + SUM_AT.frTotal]!,
    resMet: sums[at + SUM_AT.resMet]!,
    resTotal: sums[at + SUM_AT.resTotal]!,
    frSlaMsSum: sums[at + SUM_AT.frSlaMsSum]!,
    frSlaN: sums[at + SUM_AT.frSlaN]!,
    resSlaMsSum: sums[at + SUM_AT.resSlaMsSum]!,
    resSlaN: sums[at + SUM_AT.resSlaN]!,
  };
}

/** Whether the partition `level` lies inside `scope` (a scope without a subscriber). */
function levelInScope(scope: StoreScope, level: Level): boolean {
  if (scope.resellerId !== undefined && level.resellerId !== scope.resellerId) return false;
  if (scope.requesterResellerId !== undefined && level.requesterResellerId !== scope.requesterResellerId) return false;
  if (scope.addressedTo !== undefined && level.addressedTo !== scope.addressedTo) return false;
  return true;
}

export class StatsIndex {
  readonly all = new Level(null, '', null);
  readonly partitions = new Map<string, Level>();
  /** Every bucket key seen, by number (never removed: a handful per status, category, priority). */
  readonly combos: Combo[] = [];
  readonly #comboIds = new Map<string, number>();
  /** A query's running sums per combo (`W` per combo), reused: zeroed again after each query. */
  #scratch = new Float64Array(0);

  #combo(t: StoredTicket, key: string): number {
    let id = this.#comboIds.get(key);
    if (id === undefined) {
      id = this.combos.length;
      this.combos.push({ key, status: t.status, category: t.category, priority: t.priority, createdByType: t.createdByType });
      this.#comboIds.set(key, id);
    }
    return id;
  }

  #apply(t: StoredTicket, c: Contribution, sign: 1 | -1): void {
    let level = this.partitions.get(c.partition);
    if (!level) this.partitions.set(c.partition, (level = new Level(t.resellerId, t.addressedTo, t.requesterResellerId)));
    const combo = this.#combo(t, c.key);
    this.all.total = addTo(this.all.total, combo, c.sums, sign);
    // Day buckets per partition only: a window over the whole tenant adds the partitions'
    // (a tenant's day sets would repeat what they hold, for years of days).
    level.total = addTo(level.total, combo, c.sums, sign);
    const day = addTo(level.days.get(c.day) ?? [], combo, c.sums, sign);
    if (day.length === 0) level.days.delete(c.day);
    else level.days.set(c.day, day);
    if (level.total.length === 0) this.partitions.delete(c.partition);
  }

  /** A ticket written: `before` (absent for an insert) becomes `after` (absent to take it out). */
  update(before: StoredTicket | null, after: StoredTicket | null): void {
    const was = before && contributionOf(before);
    const is = after && contributionOf(after);
    if (sameContribution(was ?? null, is ?? null)) return;
    if (was) this.#apply(before!, was, -1);
    if (is) this.#apply(after!, is, 1);
  }

  /** The buckets of a set, as plain objects (for tests and debugging). */
  bucketsOf(set: Buckets): StatsBucket[] {
    const out: StatsBucket[] = [];
    for (let i = 0; i < set.length; i += STRIDE) out.push(bucketAt(this.combos[set[i]!]!, set, i + 1));
    return out;
  }

  /**
   * The stats of `scope` over `q`'s window: `created` holds the tenant's rows in creation
   * order, `subscriberRows` a subscriber's rows (for scopes with a subscriber).
   */
  query(scope: StoreScope, q: StoreStatsQuery, created: SortedRows, subscriberRows: () => Iterable<StoredTicket>): StoreStats {
    const from = q.createdFrom?.getTime() ?? -Infinity;
    const to = q.createdTo?.getTime() ?? Infinity;
    let acc = this.#scratch;
    /** The combos `acc` holds sums for. */
    const touched: number[] = [];
    // Every combo a stored bucket names is in `combos` already.
    if (acc.length < this.combos.length * W) this.#scratch = acc = new Float64Array(this.combos.length * W * 2);
    const addSet = (set: Buckets) => {
      for (let i = 0; i < set.length; i += STRIDE) {
        const at = set[i]! * W;
        // `n` is never 0 in a stored bucket: a combo at n = 0 in `acc` is untouched so far.
        if (acc[at] === 0) touched.push(set[i]!);
        for (let s = 0; s < W; s++) acc[at + s]! += set[i + 1 + s]!;
      }
    };
    const addTicket = (t: StoredTicket) => {
      const combo = this.#combo(t, comboKey(t));
      const at = combo * W;
      if (at + W > acc.length) {
        const grown = new Float64Array(Math.max(at + W, this.combos.length * W) * 2);
        grown.set(acc);
        this.#scratch = acc = grown;
      }
      if (acc[at] === 0) touched.push(combo);
      const sums = ticketSums(factsOf(t));
      for (let s = 0; s < W; s++) acc[at + s]! += sums[STATS_SUMS[s]!];
    };
    const counts = (t: StoredTicket) => {
      if (t.deletedAt !== null || !inPartitionScope(scope, t)) return false;
      return t.createdAt >= from && t.createdAt < to;
    };
    if (scope.subscriberId !== undefined) {
      for (const t of subscriberRows()) if (counts(t)) addTicket(t);
    } else {
      const whole = noPartitionFilter(scope);
      const levels = whole ? [...this.partitions.values()] : [...this.partitions.values()].filter((l) => levelInScope(scope, l));
      if (from === -Infinity && to === Infinity) {
        if (whole) addSet(this.all.total);
        else for (const l of levels) addSet(l.total);
      } else if (from < to) {
        // Whole days inside [from, to) from the day buckets; the rest scanned.
        const firstDay = Math.ceil(from / DAY);
        const endDay = Math.floor(to / DAY);
        if (firstDay < endDay) {
          for (const l of levels) {
            if (endDay - firstDay < l.days.size) {
              // Fewer days in the window than the level has: look each one up.
              for (let day = firstDay; day < endDay; day++) {
                const set = l.days.get(day);
                if (set) addSet(set);
              }
            } else {
              for (const [day, set] of l.days) if (day >= firstDay && day < endDay) addSet(set);
            }
          }
          scan(created, from, firstDay * DAY, counts, addTicket);
          scan(created, endDay * DAY, to, counts, addTicket);
        } else {
          scan(created, from, to, counts, addTicket);
        }
      }
    }
    const stats = new StatsAccumulator(q);
    // Combo order, as the buckets had no order before either: the accumulator sorts what it returns.
    touched.sort((a, b) => a - b);
    for (const combo of touched) {
      const at = combo * W;
      stats.add(bucketAt(this.combos[combo]!, acc, at));
      acc.fill(0, at, at + W);
    }
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
function scan(created: SortedRows, from: number, to: number, counts: (t: StoredTicket) => boolean, add: (t: StoredTicket) => void): void {
  if (!(from < to)) return;
  for (const t of created.walk(from === -Infinity ? null : { attention: 0, at: from, id: '' }, false, false)) {
    if (ORDERS.created.at(t) >= to) break;
    if (counts(t)) add(t);
  }
}
