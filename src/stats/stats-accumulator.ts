/**
 * The one fold behind `getStats`: every store reduces its tickets to buckets (one ticket
 * is a bucket of one; a SQL store's maintained `ticket_stats` rows and its `GROUP BY`
 * scan are buckets of many) and adds them here, so counts, averages, the backlog and SLA
 * compliance are computed, ordered and rounded the same way on every store.
 */
import type { StoreStats, StoreStatsQuery } from '../store.js';
import type { SlaCompliance, Status, Ticket } from '../types.js';

/** The additive sums of a bucket, in the order `STATS_SUMS` lists them. */
export interface StatsSums {
  /** Tickets. */
  n: number;
  /** Sum of `firstResponseAt - createdAt` in milliseconds, over tickets that have one. */
  frMsSum: number;
  /** Tickets with a `firstResponseAt`. */
  frN: number;
  /** Sum of `resolvedAt - createdAt` in milliseconds, over tickets that have one. */
  resMsSum: number;
  /** Tickets with a `resolvedAt`. */
  resN: number;
  /** Tickets with `sla.firstResponseMet === true`. */
  frMet: number;
  /** Tickets with `sla.firstResponseMet !== null`. */
  frTotal: number;
  /** Tickets with `sla.resolutionMet === true`. */
  resMet: number;
  /** Tickets with `sla.resolutionMet !== null`. */
  resTotal: number;
  /**
   * Sum of `sla.firstResponseElapsed` (open minutes of the SLA calendar) in whole
   * milliseconds, over tickets that have a `firstResponseAt` and whose SLA clock ran
   * (`sla.clockAt` set).
   */
  frSlaMsSum: number;
  /** Tickets counted in `frSlaMsSum`. */
  frSlaN: number;
  /** Sum of `sla.resolutionElapsed` in whole milliseconds, over resolved tickets whose SLA clock ran. */
  resSlaMsSum: number;
  /** Tickets counted in `resSlaMsSum`. */
  resSlaN: number;
}

/** The sums' names, in a fixed order (the column order of a SQL bucket table). */
export const STATS_SUMS: readonly (keyof StatsSums)[] = [
  'n',
  'frMsSum',
  'frN',
  'resMsSum',
  'resN',
  'frMet',
  'frTotal',
  'resMet',
  'resTotal',
  'frSlaMsSum',
  'frSlaN',
  'resSlaMsSum',
  'resSlaN',
];

/** Sums of an empty bucket. */
export function zeroSums(): StatsSums {
  return { n: 0, frMsSum: 0, frN: 0, resMsSum: 0, resN: 0, frMet: 0, frTotal: 0, resMet: 0, resTotal: 0, frSlaMsSum: 0, frSlaN: 0, resSlaMsSum: 0, resSlaN: 0 };
}

/** What a bucket is keyed by. */
export interface StatsKey {
  status: string;
  category: string;
  priority: string;
  createdByType: string;
}

/** A bucket: its key and its sums. */
export type StatsBucket = StatsKey & StatsSums;

/** The facts of one ticket the stats depend on, instants as epoch milliseconds. */
export interface TicketStatsFacts {
  createdAt: number;
  firstResponseAt: number | null;
  resolvedAt: number | null;
  firstResponseMet: boolean | null;
  resolutionMet: boolean | null;
  /**
   * `sla.clockAt`: `null` when no SLA clock ever ran for the ticket. Absent (a store
   * written before these facts): no SLA-calendar times, as if the clock never ran.
   */
  slaClockAt?: number | null;
  /** `sla.firstResponseElapsed`: open minutes the first-response clock ran (frozen at the first response). */
  firstResponseElapsed?: number;
  /** `sla.resolutionElapsed`: open minutes the resolution clock ran (frozen at resolution). */
  resolutionElapsed?: number;
}

/** A ticket's stats facts. */
export function statsFactsOf(
  t: Pick<Ticket, 'createdAt' | 'firstResponseAt' | 'resolvedAt' | 'sla'>,
): TicketStatsFacts {
  return {
    createdAt: t.createdAt.getTime(),
    firstResponseAt: t.firstResponseAt?.getTime() ?? null,
    resolvedAt: t.resolvedAt?.getTime() ?? null,
    firstResponseMet: t.sla.firstResponseMet ?? null,
    resolutionMet: t.sla.resolutionMet ?? null,
    slaClockAt: t.sla.clockAt?.getTime() ?? null,
    firstResponseElapsed: t.sla.firstResponseElapsed,
    resolutionElapsed: t.sla.resolutionElapsed,
  };
}

/**
 * Elapsed SLA minutes as whole milliseconds, the unit the buckets sum (integers, so a
 * bucket's sums stay exact however many differences it absorbs). The SQL stores round
 * with `round(minutes * 60000)`: the same integer for any elapsed time the clock
 * produces (a sum of whole milliseconds over 60,000, never half a millisecond off).
 */
export function slaMillis(minutes: number): number {
  return Math.round(minutes * 60_000);
}

/** What one ticket adds to its bucket. */
export function ticketSums(facts: TicketStatsFacts): StatsSums {
  const fr = facts.firstResponseAt === null ? null : facts.firstResponseAt - facts.createdAt;
  const res = facts.resolvedAt === null ? null : facts.resolvedAt - facts.createdAt;
  const clock = facts.slaClockAt !== null && facts.slaClockAt !== undefined;
  const frSla = clock && fr !== null ? slaMillis(facts.firstResponseElapsed ?? 0) : null;
  const resSla = clock && res !== null ? slaMillis(facts.resolutionElapsed ?? 0) : null;
  return {
    n: 1,
    frMsSum: fr ?? 0,
    frN: fr === null ? 0 : 1,
    resMsSum: res ?? 0,
    resN: res === null ? 0 : 1,
    frMet: facts.firstResponseMet === true ? 1 : 0,
    frTotal: facts.firstResponseMet === null ? 0 : 1,
    resMet: facts.resolutionMet === true ? 1 : 0,
    resTotal: facts.resolutionMet === null ? 0 : 1,
    frSlaMsSum: frSla ?? 0,
    frSlaN: frSla === null ? 0 : 1,
    resSlaMsSum: resSla ?? 0,
    resSlaN: resSla === null ? 0 : 1,
  };
}

/**
 * Orders strings by code point, as SQLite's binary collation and Postgres's `COLLATE "C"`
 * do (UTF-8 byte order), which differs from `<` on UTF-16 units only around surrogate
 * pairs. Every ordering in the stats uses it, so stores agree.
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  // UTF-16 order is code point order up to the first differing unit unless a surrogate
  // is involved there: decide without splitting the strings when neither unit is one.
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return a.length - b.length;
  const p = a.charCodeAt(i);
  const q = b.charCodeAt(i);
  if ((p < 0xd800 || p > 0xdfff) && (q < 0xd800 || q > 0xdfff)) return p - q;
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/** Folds buckets into `StoreStats` for one stats query. */
export class StatsAccumulator {
  readonly #query: StoreStatsQuery;
  readonly #counts = new Map<string, number>();
  #frMs = 0;
  #frN = 0;
  #resMs = 0;
  #resN = 0;
  #frSlaMs = 0;
  #frSlaN = 0;
  #resSlaMs = 0;
  #resSlaN = 0;
  readonly #backlog = new Map<string, { category: string; priority: string; count: number }>();
  readonly #sla = new Map<string, SlaCompliance>();
  /** category -> [resolution ms sum, resolved count]. */
  readonly #byCategory = new Map<string, [number, number]>();

  constructor(query: StoreStatsQuery) {
    this.#query = query;
  }

  /** Adds a bucket (a bucket with `n = 0`, left by deletions, adds nothing). */
  add(b: StatsBucket): this {
    if (b.n === 0) return this;
    this.#counts.set(b.status, (this.#counts.get(b.status) ?? 0) + b.n);
    // A ticket staff opened for a customer responds at creation: only `firstResponseOf`
    // creators count toward the first-response average (decided by the core).
    if ((this.#query.firstResponseOf as readonly string[]).includes(b.createdByType)) {
      this.#frMs += b.frMsSum;
      this.#frN += b.frN;
      this.#frSlaMs += b.frSlaMsSum;
      this.#frSlaN += b.frSlaN;
    }
    this.#resMs += b.resMsSum;
    this.#resN += b.resN;
    this.#resSlaMs += b.resSlaMsSum;
    this.#resSlaN += b.resSlaN;
    if (b.resN > 0) {
      const entry = this.#byCategory.get(b.category) ?? [0, 0];
      entry[0] += b.resMsSum;
      entry[1] += b.resN;
      this.#byCategory.set(b.category, entry);
    }
    if ((this.#query.unresolved as readonly string[]).includes(b.status)) {
      const id = JSON.stringify([b.category, b.priority]);
      const entry = this.#backlog.get(id) ?? { category: b.category, priority: b.priority, count: 0 };
      entry.count += b.n;
      this.#backlog.set(id, entry);
    }
    if (b.frTotal > 0 || b.resTotal > 0) {
      const entry = this.#sla.get(b.priority) ?? {
        priority: b.priority,
        firstResponse: { met: 0, total: 0 },
        resolution: { met: 0, total: 0 },
      };
      entry.firstResponse.met += b.frMet;
      entry.firstResponse.total += b.frTotal;
      entry.resolution.met += b.resMet;
      entry.resolution.total += b.resTotal;
      this.#sla.set(b.priority, entry);
    }
    return this;
  }

  /** The stats of everything added: lists in code-point order, averages in seconds. */
  result(): StoreStats {
    const counts: Partial<Record<Status, number>> = {};
    for (const status of [...this.#counts.keys()].sort(compareCodePoints)) {
      counts[status as Status] = this.#counts.get(status)!;
    }
    return {
      counts,
      avgFirstResponseSeconds: this.#frN === 0 ? null : this.#frMs / this.#frN / 1000,
      avgResolutionSeconds: this.#resN === 0 ? null : this.#resMs / this.#resN / 1000,
      avgFirstResponseSlaMinutes: this.#frSlaN === 0 ? null : this.#frSlaMs / this.#frSlaN / 60_000,
      avgResolutionSlaMinutes: this.#resSlaN === 0 ? null : this.#resSlaMs / this.#resSlaN / 60_000,
      backlog: [...this.#backlog.values()].sort(
        (a, b) => compareCodePoints(a.category, b.category) || compareCodePoints(a.priority, b.priority),
      ),
      sla: [...this.#sla.values()].sort((a, b) => compareCodePoints(a.priority, b.priority)),
      resolutionByCategory: [...this.#byCategory.keys()].sort(compareCodePoints).map((category) => {
        const [ms, resolved] = this.#byCategory.get(category)!;
        return { category, resolved, avgResolutionSeconds: ms / resolved / 1000 };
      }),
    };
  }
}
