/**
 * Times `desk.getStats` over windows on a SQLite store seeded by `bench/seed-keep.ts`:
 * the whole tenant, the last 7, 30 and 90 days and a year from `NOW`, 30 days across a
 * month boundary (no whole month inside), 30 days cut at UTC midnights, and a reseller's
 * staff's 30 days. Per case, interleaved call by call in one process: p50/p95 through
 * the public API, of the statements it ran alone (the same SQL and parameters, prepared
 * once, on a second read-only connection) and of the core's fold, the rows the
 * statements returned, and the statements' `EXPLAIN QUERY PLAN`. Runs `migrate()` first.
 *
 *   FILE=/tmp/stats-1m.db npx tsx bench/stats-probe.ts          # RUNS=200, ONLY=30d,res
 *   PLAN=1 FILE=/tmp/stats-1m.db npx tsx bench/stats-probe.ts   # the plans too
 *   BASE=/tmp/base FILE=/tmp/stats-1m.db npx tsx bench/stats-probe.ts
 *   MIGRATE=0 FILE=...                                           # the file is at a later migration
 *
 * `BASE`: another checkout of ticketry (`git archive <commit> | tar -x -C /tmp/base` with
 * a `node_modules` link), opened on the same file beside this tree and timed in the same
 * rounds (which tree goes first alternates): before and after on the same load. Its
 * answers must equal this tree's.
 */
import Database from 'better-sqlite3';
import { createTicketService } from '../src/index.js';
import { sqliteStore } from '../adapters/sqlite/index.js';
import { Recorder, recordingSqlite } from './capture.js';
import { NOW, TENANT } from './store-targets.js';

const RUNS = Number(process.env.RUNS ?? 200);
const FILE = process.env.FILE;
if (FILE === undefined) throw new Error('FILE=<a seeded SQLite file> is required');

const store = sqliteStore({ filename: FILE });
// `MIGRATE=0`: the file is at a later migration than this tree knows (a before/after
// run from the older tree); its reads do not need the later tables.
if (process.env.MIGRATE !== '0') {
  const t0 = performance.now();
  await store.migrate();
  console.log('migrate', ((performance.now() - t0) / 1000).toFixed(1), 's');
}
// A second store on a recording handle: each case's statements, recorded once, to time alone.
const recorder = new Recorder();
const recording = sqliteStore({ database: recordingSqlite(new Database(FILE), recorder) });
const raw = new Database(FILE, { readonly: true });
const [big] = raw
  .prepare(`select reseller_id as r, count(*) as n from ticketry_tickets where tenant_id = ? and reseller_id is not null group by reseller_id order by count(*) desc limit 1`)
  .all(TENANT) as { r: string; n: number }[];
console.log({ reseller: big });

const desk = createTicketService({
  store,
  tenantId: TENANT,
  clock: () => NOW,
  directory: { getSubscriber: (id: string) => ({ id, resellerId: null }), getStaff: (id: string) => ({ id }) },
});
const operator = { kind: 'staff', id: 'op-1', permissions: ['tickets.view', 'tickets.view_all'] } as const;
const reseller = { kind: 'staff', id: 'rs-1', resellerId: big!.r, permissions: ['tickets.view'] } as const;
// A reseller's staff with view_all: every ticket of the reseller, both addressed levels.
const resellerAll = { kind: 'staff', id: 'rs-2', resellerId: big!.r, permissions: ['tickets.view', 'tickets.view_all'] } as const;
const DAY = 86_400_000;
const now = NOW.getTime();
const ago = (days: number) => new Date(now - days * DAY);
const iso = (s: string) => new Date(s);
const cases: [string, typeof operator | typeof reseller | typeof resellerAll, { from?: Date; to?: Date } | undefined][] = [
  ['whole tenant', operator, undefined],
  ['7d', operator, { from: ago(7), to: NOW }],
  ['30d', operator, { from: ago(30), to: NOW }],
  ['30d across Jan/Feb', operator, { from: iso('2026-01-10T10:00:00Z'), to: iso('2026-02-09T10:00:00Z') }],
  ['30d midnights', operator, { from: iso('2026-01-10T00:00:00Z'), to: iso('2026-02-09T00:00:00Z') }],
  ['30d local midnights', operator, { from: iso('2026-01-09T23:00:00Z'), to: iso('2026-02-08T23:00:00Z') }],
  ['90d', operator, { from: ago(90), to: NOW }],
  ['1y', operator, { from: ago(365), to: NOW }],
  ['res staff 30d', reseller, { from: iso('2026-01-10T10:00:00Z'), to: iso('2026-02-09T10:00:00Z') }],
  ['res staff whole', reseller, undefined],
  ['reseller 30d', resellerAll, { from: iso('2026-01-10T10:00:00Z'), to: iso('2026-02-09T10:00:00Z') }],
];
const only = process.env.ONLY?.split(',');
const chosen = cases.filter(([name]) => !only || only.some((o) => name === o));

// Each case's statements, recorded on a first call (the answers must agree).
const statements = new Map<string, { statement: Database.Statement; params: unknown[]; rows: number; sql: string }[]>();
const recordingDesk = createTicketService({ store: recording, tenantId: TENANT, clock: () => NOW });
for (const [name, actor, q] of chosen) {
  const { result, statements: ran } = await recorder.record(() => recordingDesk.getStats(actor as never, q));
  if (JSON.stringify(result) !== JSON.stringify(await desk.getStats(actor as never, q))) throw new Error(`${name}: the two stores disagree`);
  statements.set(
    name,
    ran.map((r) => {
      const statement = raw.prepare(r.sql);
      return { statement, params: r.params, rows: statement.all(...(r.params as never[])).length, sql: r.sql };
    }),
  );
}
if (process.env.PLAN === '1') {
  for (const [name, list] of statements) {
    for (const s of list) {
      console.log(`\n-- ${name}: ${s.rows} rows\n${s.sql}\n${JSON.stringify(s.params)}`);
      for (const row of raw.prepare(`explain query plan ${s.sql}`).all(...(s.params as never[])) as { detail: string }[]) {
        console.log('   ', row.detail);
      }
    }
  }
}

// The other tree, on the same file (its migrations are this tree's or older: none run).
type Desk = { getStats(actor: never, q?: { from?: Date; to?: Date }): Promise<unknown> };
let baseDesk: Desk | undefined;
let baseStore: { close(): Promise<void> } | undefined;
if (process.env.BASE) {
  const core = (await import(`${process.env.BASE}/src/index.ts`)) as typeof import('../src/index.js');
  const sqlite = (await import(`${process.env.BASE}/adapters/sqlite/index.ts`)) as typeof import('../adapters/sqlite/index.js');
  const other = sqlite.sqliteStore({ filename: FILE });
  baseStore = other;
  baseDesk = core.createTicketService({ store: other, tenantId: TENANT, clock: () => NOW }) as unknown as Desk;
  for (const [name, actor, q] of chosen) {
    if (JSON.stringify(await baseDesk.getStats(actor as never, q)) !== JSON.stringify(await desk.getStats(actor as never, q))) {
      throw new Error(`${name}: BASE disagrees`);
    }
  }
}

const api = new Map<string, number[]>();
const base = new Map<string, number[]>();
const alone = new Map<string, number[]>();
for (let round = 0; round < RUNS + 5; round++) {
  for (const [name, actor, q] of chosen) {
    let t0: number;
    let c = 0;
    const other = async () => {
      if (baseDesk === undefined) return;
      t0 = performance.now();
      await baseDesk.getStats(actor as never, q);
      c = performance.now() - t0;
    };
    if (round % 2 === 1) await other();
    t0 = performance.now();
    await desk.getStats(actor as never, q);
    const a = performance.now() - t0;
    if (round % 2 === 0) await other();
    t0 = performance.now();
    for (const s of statements.get(name)!) s.statement.all(...(s.params as never[]));
    const b = performance.now() - t0;
    if (round < 5) continue;
    (api.get(name) ?? api.set(name, []).get(name)!).push(a);
    (alone.get(name) ?? alone.set(name, []).get(name)!).push(b);
    (base.get(name) ?? base.set(name, []).get(name)!).push(c);
  }
}
const q = (xs: number[], f: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(f * s.length))]!.toFixed(2);
};
const { loadavg } = await import('node:os');
console.log(`\n${RUNS} runs each, interleaved; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`case                   rows  api p50  api p95  stmt p50  stmt p95${baseDesk ? '  BASE p50  BASE p95' : ''}`);
for (const [name] of chosen) {
  const rows = statements.get(name)!.reduce((n, s) => n + s.rows, 0);
  console.log(
    `${name.padEnd(22)} ${String(rows).padStart(5)}  ${q(api.get(name)!, 0.5).padStart(7)}  ${q(api.get(name)!, 0.95).padStart(7)}  ${q(alone.get(name)!, 0.5).padStart(8)}  ${q(alone.get(name)!, 0.95).padStart(8)}${baseDesk ? `  ${q(base.get(name)!, 0.5).padStart(8)}  ${q(base.get(name)!, 0.95).padStart(8)}` : ''}`,
  );
}
await store.close();
await recording.close();
await baseStore?.close();
raw.close();
process.exit(0);
