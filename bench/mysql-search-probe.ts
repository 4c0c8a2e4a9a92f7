/**
 * Times the DoS suite's many-phrase search (`test/hostile/dos-service.ts`: 8 phrases of
 * common prefixes, every ticket matching each) on a MySQL / MariaDB store at 256 and
 * 1,024 tickets, the fastest of RUNS runs each after a warm-up, and the ratio (linear is
 * about 4). Also times a few ordinary searches. Seeds two fresh tenants in the database
 * at `TICKETRY_MYSQL_URL` (create a scratch one; the rows stay until it is dropped).
 *
 *   TICKETRY_MYSQL_URL=mysql://root@127.0.0.1:3306/scratch npx tsx bench/mysql-search-probe.ts
 *   LIKE_ONLY=1 ...   the same store without its FULLTEXT index (every phrase by LIKE)
 *   DOS=1 ...         the DoS suite's own list cases instead (test/hostile/dos-service.ts,
 *                     measured by its measureLinear at n = 16 KiB: 256 vs 1,024 tickets)
 */
import { randomUUID } from 'node:crypto';
import mysql from 'mysql2';
import { Kysely, MysqlDialect } from 'kysely';
import { createTicketService } from '../src/index.js';
import { mysqlStore } from '../adapters/mysql/index.js';
import { mysqlHooks } from '../adapters/mysql/mysql-hooks.js';
import { createSqlStore } from '../adapters/sql/sql-store.js';
import { tableNames } from '../adapters/sql/table-names.js';
import { ALL, TestClock, operator } from '../src/testing/harness.js';
import { formatCost, measureLinear } from '../test/hostile/cost-ratio.js';
import { listCases } from '../test/hostile/dos-service.js';

const URL = process.env.TICKETRY_MYSQL_URL;
if (!URL) throw new Error('set TICKETRY_MYSQL_URL to a scratch database');
const RUNS = Number(process.env.RUNS ?? 3);
const SIZES = (process.env.SIZES ?? '256,1024').split(',').map(Number);

const store = mysqlStore({ uri: URL });
await store.migrate();
if (process.env.LIKE_ONLY) {
  const hooks = mysqlHooks({ driverDates: 'string' });
  const db = new Kysely<any>({ dialect: new MysqlDialect({ pool: mysql.createPool({ uri: URL, charset: 'utf8mb4_bin', dateStrings: true, timezone: 'Z' }) }) });
  Object.assign(globalThis, { probeStore: createSqlStore({ db, hooks: { ...hooks, capabilities: { ...hooks.capabilities, likeIndex: undefined } }, names: tableNames('ticketry_'), release: () => db.destroy() }) });
}
const searched = ((globalThis as { probeStore?: typeof store }).probeStore ?? store) as typeof store;
if (process.env.DOS) {
  for (const c of listCases(searched)) console.log(formatCost(await measureLinear(c as never, 16 * 1024)));
  await searched.close();
  if (searched !== store) await searched.close();
if (searched !== store) await store.close();
  process.exit(0);
}
const staff = operator(ALL);

async function seeded(tickets: number) {
  const desk = createTicketService({ store: searched, tenantId: `probe-${randomUUID()}`, clock: new TestClock().now });
  for (let i = 0; i < tickets; i++) {
    await desk.create(staff, {
      subject: `routing ${i % 7} modem ${i}`,
      body: `router reboot aaa aab aac ${i} payment`,
      subscriberId: `sub-${i % 13}`,
    });
  }
  return desk;
}

async function best(fn: () => Promise<unknown>): Promise<number> {
  await fn();
  let ms = Infinity;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    ms = Math.min(ms, performance.now() - t0);
  }
  return ms;
}

const queries = [
  ['8 phrases of common prefixes', 'rou mod aaa aab aac pay reb rou'],
  ['one common prefix', 'rou'],
  ['two phrases', 'routing payment'],
  ['a phrase in one ticket', '"modem 17"'],
  ['a word in no ticket', 'zzzqqq'],
  ['16-word phrase that never matches', `"${'aaa '.repeat(16).trim()}"`],
] as const;

const results = new Map<string, number[]>();
for (const n of SIZES) {
  const desk = await seeded(n);
  for (const [name, q] of queries) {
    const ms = await best(() => desk.list(staff, { q, limit: 50 }));
    results.set(name, [...(results.get(name) ?? []), ms]);
  }
}
console.log(`tickets: ${SIZES.join(' / ')}`);
for (const [name, times] of results) {
  const ratio = times.length > 1 ? (times[times.length - 1]! / Math.max(times[0]!, 0.01)).toFixed(1) : '';
  console.log(`${name.padEnd(36)} ${times.map((t) => `${t.toFixed(1).padStart(9)} ms`).join(' ')}  x${ratio}`);
}
await searched.close();
if (searched !== store) await store.close();
