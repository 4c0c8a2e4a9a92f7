/**
 * Times the DoS suite's many-phrase search (`test/hostile/dos-service.ts`: 8 phrases of
 * common prefixes, every ticket matching each) on a MySQL / MariaDB store at 256 and
 * 1,024 tickets, the fastest of RUNS runs each after a warm-up, and the ratio (linear is
 * about 4). Also times a few ordinary searches. Seeds two fresh tenants in the database
 * at `TICKETRY_MYSQL_URL` (create a scratch one; the rows stay until it is dropped).
 *
 *   TICKETRY_MYSQL_URL=mysql://root@127.0.0.1:3306/scratch npx tsx bench/mysql-search-probe.ts
 *   EXPLAIN=1 ... prints the plan of the many-phrase search's statement.
 */
import { randomUUID } from 'node:crypto';
import { createTicketService } from '../src/index.js';
import { mysqlStore } from '../adapters/mysql/index.js';
import { ALL, TestClock, operator } from '../src/testing/harness.js';

const URL = process.env.TICKETRY_MYSQL_URL;
if (!URL) throw new Error('set TICKETRY_MYSQL_URL to a scratch database');
const RUNS = Number(process.env.RUNS ?? 3);
const SIZES = (process.env.SIZES ?? '256,1024').split(',').map(Number);

const store = mysqlStore({ uri: URL });
await store.migrate();
const staff = operator(ALL);

async function seeded(tickets: number) {
  const desk = createTicketService({ store, tenantId: `probe-${randomUUID()}`, clock: new TestClock().now });
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
await store.close();
