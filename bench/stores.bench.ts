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
 * creates a database `ticketry_bench_<random>` there and drops it after). Add
 * `--outputJson <file>` and turn it into the README tables with
 * `npx tsx bench/report.ts <file>`. What is measured and how: `bench/README.md`.
 */
import { afterAll, bench, describe } from 'vitest';
import { openTarget, type BenchTarget } from './store-targets.js';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 100_000);
const TIME = Number(process.env.BENCH_TIME ?? 1000);
const STORES = (process.env.BENCH_STORES ?? 'sqlite,postgres').split(',').map((s) => s.trim());
const log = (line: string) => console.log(line);

const targets: BenchTarget[] = [];
afterAll(async () => {
  for (const target of targets) await target.close();
});

for (const kind of ['sqlite', 'postgres', 'mysql'] as const) {
  if (!STORES.includes(kind)) continue;
  targets.push(await openTarget({ kind, tickets: TICKETS, time: TIME, log }));
}

for (const target of targets) {
  const name =
    { SQLite: 'SQLite (file, WAL)', Postgres: 'Postgres (server)', PGlite: 'PGlite (in-process)', MySQL: 'MariaDB/MySQL (server)' }[target.name] ??
    target.name;
  describe(`${name}, ${TICKETS.toLocaleString('en')} tickets`, () => {
    for (const pair of target.pairs) {
      describe(pair.title, () => {
        bench('ticketry', pair.ticketry, pair.options);
        bench('raw driver, same SQL', pair.raw, pair.options);
      });
    }
  });
}
