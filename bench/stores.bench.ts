/**
 * Store speed at scale: ticketry's eight everyday operations on a seeded SQLite file and
 * Postgres, each against the raw driver running the very statements ticketry sent (see
 * `replay.ts`), in the same run. Seeding, recording and query plans happen before any
 * measurement.
 *
 *   npx vitest bench --run bench/stores.bench.ts
 *   BENCH_TICKETS=1000000 BENCH_STORES=sqlite npx vitest bench --run bench/stores.bench.ts
 *   TICKETRY_PG_URL=postgres://postgres@127.0.0.1/postgres npx vitest bench --run bench/stores.bench.ts
 *   BENCH_STORES=mysql TICKETRY_MYSQL_URL=mysql://root@127.0.0.1:3306/test npx vitest bench --run bench/stores.bench.ts
 *
 * Environment: `BENCH_TICKETS` (tickets of the measured tenant, default 100000; a second
 * tenant gets a tenth as many), `BENCH_STORES` (`sqlite,postgres`), `BENCH_TIME` (ms per
 * benchmark, default 1000), `BENCH_REPLIES` (addReply iterations per side, default 300),
 * `TICKETRY_PG_URL` (a Postgres server: the run creates a database there, or a schema
 * if it may not, and drops it after; without it Postgres is PGlite in-process),
 * `TICKETRY_MYSQL_URL` (a MySQL/MariaDB server, needed for `BENCH_STORES=mysql`: the run
 * creates a database `ticketry_bench_<random>` there and drops it after), `BENCH_OPS`
 * (the operations to run, by key: `queue,create,…`; default all), `BENCH_SAMPLES` (a file
 * for p50/p95 per bench). Add `--outputJson <file>` and turn both into the README tables
 * with `npx tsx bench/report.ts <file> [samples file]`. What is measured and how:
 * `bench/README.md`.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, bench, describe } from 'vitest';
import { openTarget, type BenchTarget } from './store-targets.js';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 100_000);
const TIME = Number(process.env.BENCH_TIME ?? 1000);
const STORES = (process.env.BENCH_STORES ?? 'sqlite,postgres').split(',').map((s) => s.trim());
const log = (line: string) => console.log(line);

const targets: BenchTarget[] = [];
/**
 * Every measured call's duration, per bench (cleared by the bench's setup, which runs
 * before its warmup and again before its measured run): vitest's JSON has no p95, so the
 * run writes p50/p95 itself to `BENCH_SAMPLES` (a JSON file) when set.
 */
const samples = new Map<string, number[]>();
const timed = (id: string, run: () => Promise<void>) => {
  const durations: number[] = [];
  samples.set(id, durations);
  return async () => {
    const started = performance.now();
    await run();
    durations.push(performance.now() - started);
  };
};
afterAll(async () => {
  for (const target of targets) await target.close();
  const file = process.env.BENCH_SAMPLES;
  if (!file) return;
  const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  const out: Record<string, { n: number; mean: number; p50: number; p95: number; p99: number }> = {};
  for (const [id, durations] of samples) {
    const sorted = [...durations].sort((a, b) => a - b);
    out[id] = {
      n: sorted.length,
      mean: sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length),
      p50: quantile(sorted, 0.5),
      p95: quantile(sorted, 0.95),
      p99: quantile(sorted, 0.99),
    };
  }
  writeFileSync(file, JSON.stringify({ tickets: TICKETS, stores: STORES, samples: out }, null, 2));
});

for (const kind of ['sqlite', 'postgres', 'mysql'] as const) {
  if (!STORES.includes(kind)) continue;
  targets.push(await openTarget({ kind, tickets: TICKETS, time: TIME, log }));
}

for (const target of targets) {
  const name =
    { SQLite: 'SQLite (file, WAL)', Postgres: 'Postgres (server)', PGlite: 'PGlite (in-process)', MySQL: 'MariaDB/MySQL (server)' }[target.name] ??
    target.name;
  const store = `${name}, ${TICKETS.toLocaleString('en')} tickets`;
  describe(store, () => {
    for (const pair of target.pairs) {
      describe(pair.title, () => {
        const sides = [
          { name: 'ticketry', run: pair.ticketry },
          { name: 'raw driver, same SQL', run: pair.raw },
          ...pair.extras,
        ];
        for (const side of sides) {
          const id = `${store} > ${pair.title} > ${side.name}`;
          const run = timed(id, side.run);
          const setup = async () => {
            samples.get(id)!.length = 0;
            await pair.options.setup();
          };
          bench(side.name, run, { ...pair.options, setup });
        }
      });
    }
  });
}
