/**
 * A latency histogram of fixed size (about 1 % relative resolution from 0.01 ms to
 * minutes), so a load run of any length keeps the same memory: the load scenarios
 * check that a process's heap stays flat.
 */

/** Count, p50, p95, p99 and max, in milliseconds. */
export interface HistogramSummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

const PER_E = 100;
const SIZE = 1400; // log1p(ms) up to 14: about 20 minutes

export class Histogram {
  readonly #buckets = new Float64Array(SIZE);
  #count = 0;
  #max = 0;

  add(ms: number): void {
    const i = Math.min(SIZE - 1, Math.max(0, Math.floor(Math.log1p(ms) * PER_E)));
    this.#buckets[i]! += 1;
    this.#count += 1;
    if (ms > this.#max) this.#max = ms;
  }

  /** The value below which `q` (0..1) of the samples fall (the bucket's middle). */
  quantile(q: number): number {
    if (this.#count === 0) return 0;
    const rank = q * this.#count;
    let seen = 0;
    for (let i = 0; i < SIZE; i++) {
      seen += this.#buckets[i]!;
      if (seen >= rank) return Math.min(this.#max, Math.expm1((i + 0.5) / PER_E));
    }
    return this.#max;
  }

  summary(): HistogramSummary {
    const round = (v: number) => Math.round(v * 100) / 100;
    return { count: this.#count, p50: round(this.quantile(0.5)), p95: round(this.quantile(0.95)), p99: round(this.quantile(0.99)), max: round(this.#max) };
  }
}
