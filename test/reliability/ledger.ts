/**
 * The reliability suite's ledger: each scenario records what it tried and what it lost
 * (one JSON line per row in a file the global setup makes), and the global teardown
 * prints every row as one table at the end of the run. `lost` counts every broken
 * promise the scenario checks (a partial ticket, a duplicate or skipped number, a lost
 * event or acknowledged write, a raw driver error, a call that hung): the goal is 0, and
 * the scenario's own assertions fail the run when it is not.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The JSON-lines file the scenarios append their rows to. */
    reliabilityLedger: string;
    /** The throwaway cluster (pg-cluster.ts `ClusterInfo`), as JSON. */
    reliabilityCluster: string;
  }
}

/** One row of the table. */
export interface LedgerRow {
  scenario: string;
  store: string;
  /** What was tried, in words and numbers ("4 proc x 16 callers, 3 killed, 5,120 calls"). */
  tried: string;
  /** Broken promises found (0 is the goal). */
  lost: number;
  /** Further figures: throughput, p95, heap, errors by code. */
  figures?: string;
}

/** Appends a row to the run's ledger. */
export function record(row: LedgerRow): void {
  appendFileSync(inject('reliabilityLedger'), `${JSON.stringify(row)}\n`);
  console.info(`[reliability] ${row.scenario} / ${row.store}: ${row.tried}; lost ${row.lost}${row.figures ? `; ${row.figures}` : ''}`);
}

/** The rows in `file`, in the order they were recorded. */
export function readLedger(file: string): LedgerRow[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LedgerRow);
}

/** The rows as a plain-text table (the teardown prints it). */
export function formatLedger(rows: readonly LedgerRow[]): string {
  const head = ['scenario', 'store', 'tried', 'lost', 'figures'];
  const cells = rows.map((r) => [r.scenario, r.store, r.tried, String(r.lost), r.figures ?? '']);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i]!)).join(' | ').trimEnd();
  const total = rows.reduce((n, r) => n + r.lost, 0);
  return [
    line(head),
    widths.map((w) => '-'.repeat(w)).join('-|-'),
    ...cells.map(line),
    '',
    `${rows.length} scenario rows, ${total} lost in all${total === 0 ? ' (nothing lost)' : ' (SOMETHING WAS LOST)'}`,
  ].join('\n');
}
