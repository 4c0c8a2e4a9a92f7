/**
 * Linear cost, measured by ratio: the time of an operation on an input of size n and of
 * size 4n, in the same run, alternated, the best of a few tries each. Linear work gives
 * about 4; quadratic about 16. A ratio bound (default 8) is generous enough for a loaded
 * 2-core machine and still catches anything quadratic. When even the large input takes
 * under `floorMs` the case passes: nothing that fast can hang a server, and timer noise
 * would dominate the ratio.
 */
import assert from 'node:assert/strict';

/** One operation whose cost is measured. `make` builds the input (outside the timing). */
export interface CostCase<T = unknown> {
  name: string;
  make(n: number): T;
  run(input: T): unknown;
}

/** What one case measured. */
export interface CostResult {
  name: string;
  n: number;
  smallMs: number;
  largeMs: number;
  ratio: number;
  /** How the large input ended: `ok`, or the TicketError code and reason. */
  outcome: string;
}

/** The default largest ratio of t(4n) / t(n); `TICKETRY_DOS_MAX_RATIO` overrides it. */
export const MAX_RATIO = Number(process.env.TICKETRY_DOS_MAX_RATIO ?? 8);

async function timed(fn: () => unknown): Promise<{ ms: number; outcome: string }> {
  const started = performance.now();
  let outcome = 'ok';
  try {
    await fn();
  } catch (err) {
    const e = err as { code?: string; params?: { reason?: string }; message?: string };
    // A typed refusal is an acceptable outcome for a hostile input; its cost still counts.
    outcome = e.code ? `${e.code}${e.params?.reason ? `:${e.params.reason}` : ''}` : `THREW ${String(e.message ?? err)}`;
  }
  return { ms: performance.now() - started, outcome };
}

/** Measures `c` at `n` and `4n`: `tries` alternated runs each, the fastest of each kept. */
export async function costRatio<T>(c: CostCase<T>, n: number, tries = 3): Promise<CostResult> {
  const small = c.make(n);
  const large = c.make(4 * n);
  await timed(() => c.run(small)); // warm-up: first-call compilation and caches
  let smallMs = Infinity;
  let largeMs = Infinity;
  let outcome = 'ok';
  for (let i = 0; i < tries; i++) {
    smallMs = Math.min(smallMs, (await timed(() => c.run(small))).ms);
    const l = await timed(() => c.run(large));
    largeMs = Math.min(largeMs, l.ms);
    outcome = l.outcome;
  }
  return { name: c.name, n, smallMs, largeMs, ratio: largeMs / Math.max(smallMs, 0.01), outcome };
}

/** Fails unless the case's cost grew at most `maxRatio` times from n to 4n (or stayed under `floorMs`). */
export function assertLinear(r: CostResult, maxRatio = MAX_RATIO, floorMs = 25): void {
  assert.ok(!r.outcome.startsWith('THREW'), `${r.name}: not a TicketError: ${r.outcome}`);
  if (r.largeMs < floorMs) return;
  assert.ok(
    r.ratio < maxRatio,
    `${r.name}: ${r.smallMs.toFixed(1)} ms at ${r.n} characters, ${r.largeMs.toFixed(1)} ms at ${4 * r.n}: ratio ${r.ratio.toFixed(1)} (at most ${maxRatio})`,
  );
}

/** One line of the report table. */
export function formatCost(r: CostResult): string {
  return `${r.name.padEnd(44)} ${String(r.n).padStart(7)} ${r.smallMs.toFixed(1).padStart(9)} ms ${String(4 * r.n).padStart(8)} ${r.largeMs.toFixed(1).padStart(9)} ms  x${r.ratio.toFixed(1).padStart(5)}  ${r.outcome}`;
}

/**
 * Measures `c` (see `costRatio`) and, when the ratio is over the bound, measures again, up
 * to `attempts` times: a machine busy with other work can slow one measurement, but a
 * super-linear cost fails every time. Returns the last measurement.
 */
export async function measureLinear<T>(c: CostCase<T>, n: number, o: { attempts?: number; tries?: number; maxRatio?: number; floorMs?: number } = {}): Promise<CostResult> {
  const attempts = o.attempts ?? 3;
  let r: CostResult | undefined;
  for (let i = 0; i < attempts; i++) {
    r = await costRatio(c, n, o.tries ?? 3);
    if (r.outcome.startsWith('THREW') || r.largeMs < (o.floorMs ?? 25) || r.ratio < (o.maxRatio ?? MAX_RATIO)) return r;
  }
  return r!;
}
