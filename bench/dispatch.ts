/**
 * Dispatch throughput: several processes dispatching one tenant's queued events from one
 * Postgres server at once, through ticketry's dispatcher and through the bare pg driver
 * sending the same claim and finish statements by hand, in the same run, on the same
 * kind of data (real `ticket.created` events, about 2 KB each, devalue-encoded as the
 * outbox holds them). Every event must be handled once: the run counts duplicates (an
 * event id two handlers saw) and lost events (queued, never handled) and fails if any.
 *
 *   npx tsx bench/dispatch.ts
 *   TICKETRY_PG_URL=postgres://postgres@127.0.0.1:5432/postgres BENCH_EVENTS=100000 BENCH_PROCESSES=4 npx tsx bench/dispatch.ts
 *
 * Environment: `TICKETRY_PG_URL` (a server whose role may create databases; the run
 * creates `ticketry_bench_dispatch_<random>` and drops it at the end; default
 * postgres://postgres@127.0.0.1:5432/postgres), `BENCH_EVENTS` (events per side and
 * round, default 50000), `BENCH_PROCESSES` (default 4), `BENCH_BATCH` (claim size,
 * default 100: the dispatcher's default), `BENCH_ROUNDS` (default 2; the sides alternate,
 * each round on fresh events).
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { postgresStore } from '../adapters/postgres/index.js';
import { toOutbox } from '../src/events/outbox-codec.js';
import { createTicketService, type TicketEvent } from '../src/index.js';
import type { DispatchBenchJob, DispatchBenchReport } from './dispatch-worker.js';

const BASE_URL = process.env.TICKETRY_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const EVENTS = Number(process.env.BENCH_EVENTS ?? 50_000);
const PROCESSES = Number(process.env.BENCH_PROCESSES ?? 4);
const BATCH = Number(process.env.BENCH_BATCH ?? 100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const WORKER = fileURLToPath(new URL('./dispatch-worker.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../', import.meta.url));

interface SideResult {
  side: 'ticketry' | 'raw';
  round: number;
  wallMs: number;
  perProcess: number[];
  handled: number;
  duplicates: number;
  lost: number;
  leftInQueue: number;
}

const database = `ticketry_bench_dispatch_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
const adminPool = new pg.Pool({ connectionString: BASE_URL, max: 1 });
// The teardown drops the database WITH (FORCE), which terminates any connection still open
// on it; a pool's idle client then emits 'error', which must not crash the finished run.
adminPool.on('error', () => undefined);
const url = (() => {
  const u = new URL(BASE_URL);
  u.pathname = `/${database}`;
  return u.toString();
})();
const dir = mkdtempSync(join(tmpdir(), 'ticketry-bench-dispatch-'));

/** A real event, as a write produces it: the model every seeded event copies under its own id. */
async function modelEvent(): Promise<TicketEvent> {
  const store = postgresStore({ connectionString: url });
  try {
    await store.migrate();
    const desk = createTicketService({ store, tenantId: 'model', dispatch: true });
    const seen: TicketEvent[] = [];
    desk.events.on('*', (_t, e) => seen.push(e as TicketEvent));
    await desk.create(
      { kind: 'customer', id: 'sub-bench', name: 'Bench Customer' },
      { subject: 'The connection drops every evening', body: 'Since Monday the line drops between 19:00 and 22:00. '.repeat(8) },
    );
    return seen[0]!;
  } finally {
    await store.close();
  }
}

/** Queues `EVENTS` copies of `model` for `tenantId`, due now; returns their ids. */
async function seed(pool: pg.Pool, model: TicketEvent, tenantId: string): Promise<Set<string>> {
  const ids = new Set<string>();
  const due = new Date(Date.now() - 1000);
  const CHUNK = 2000;
  for (let start = 0; start < EVENTS; start += CHUNK) {
    const cols: unknown[][] = [[], [], [], [], [], [], []];
    for (let i = start; i < Math.min(EVENTS, start + CHUNK); i++) {
      const eventId = `${tenantId}-${i}-${randomUUID()}`;
      ids.add(eventId);
      const row = toOutbox({ ...model, eventId, tenantId } as TicketEvent);
      cols[0]!.push(tenantId);
      cols[1]!.push(eventId);
      cols[2]!.push(row.ticketId);
      cols[3]!.push(row.type);
      cols[4]!.push(JSON.stringify(row.payload));
      cols[5]!.push(row.createdAt);
      cols[6]!.push(due);
    }
    await pool.query(
      `insert into ticketry_outbox (tenant_id, id, ticket_id, type, payload, created_at, dispatch_at)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::timestamptz[], $7::timestamptz[])`,
      cols,
    );
  }
  await pool.query('analyze ticketry_outbox');
  return ids;
}

async function runSide(pool: pg.Pool, side: 'ticketry' | 'raw', round: number, model: TicketEvent): Promise<SideResult> {
  const tenantId = `${side}-${round}`;
  const expected = await seed(pool, model, tenantId);
  const jobs: DispatchBenchJob[] = Array.from({ length: PROCESSES }, (_, i) => ({
    side,
    url,
    tenantId,
    batchSize: BATCH,
    idsFile: join(dir, `${tenantId}-${i}.ids`),
  }));
  const workers = jobs.map((job) => {
    const child = fork(WORKER, [JSON.stringify(job)], { cwd: ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let ready!: () => void;
    const isReady = new Promise<void>((resolve) => (ready = resolve));
    const report = new Promise<DispatchBenchReport>((resolve, reject) => {
      child.on('message', (m: { ready?: boolean; report?: DispatchBenchReport }) => {
        if (m.ready) ready();
        if (m.report) resolve(m.report);
      });
      child.once('exit', (code) => reject(new Error(`${side} worker exited (${code}) without a report`)));
    });
    return { child, isReady, report };
  });
  await Promise.all(workers.map((w) => w.isReady));
  const started = performance.now();
  for (const w of workers) w.child.send('go');
  const reports = await Promise.all(workers.map((w) => w.report));
  const wallMs = performance.now() - started;
  for (const r of reports) if (r.error) throw new Error(`${side} worker failed: ${r.error}`);

  const seen = new Map<string, number>();
  for (const job of jobs) {
    for (const id of readFileSync(job.idsFile, 'utf8').split('\n').filter(Boolean)) seen.set(id, (seen.get(id) ?? 0) + 1);
  }
  let duplicates = 0;
  for (const n of seen.values()) duplicates += n - 1;
  let lost = 0;
  for (const id of expected) if (!seen.has(id)) lost += 1;
  const { rows } = await pool.query(
    'select count(*)::int as n from ticketry_outbox where tenant_id = $1 and (dispatch_at is not null or dispatched_at is null)',
    [tenantId],
  );
  return {
    side,
    round,
    wallMs,
    perProcess: reports.map((r) => r.handled),
    handled: [...seen.values()].reduce((a, b) => a + b, 0),
    duplicates,
    lost,
    leftInQueue: rows[0].n as number,
  };
}

const rate = (r: SideResult) => Math.round((EVENTS / r.wallMs) * 1000);

async function main(): Promise<void> {
  await adminPool.query(`create database ${database}`);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pool.on('error', () => undefined);
  const results: SideResult[] = [];
  try {
    const model = await modelEvent();
    const payloadBytes = JSON.stringify(toOutbox(model).payload).length;
    const { version } = (await pool.query('select version()')).rows[0] as { version: string };
    console.log(`dispatch bench: ${EVENTS} events per side and round, ${PROCESSES} processes, batch ${BATCH}, payload ${payloadBytes} bytes`);
    console.log(`server: ${version.split(',')[0]}; node ${process.version}`);
    for (let round = 1; round <= ROUNDS; round++) {
      for (const side of round % 2 === 1 ? (['ticketry', 'raw'] as const) : (['raw', 'ticketry'] as const)) {
        const r = await runSide(pool, side, round, model);
        results.push(r);
        console.log(
          `round ${round} ${side.padEnd(8)} ${Math.round(r.wallMs)} ms  ${rate(r)} events/s  per process ${r.perProcess.join('/')}  duplicates ${r.duplicates}  lost ${r.lost}  left ${r.leftInQueue}`,
        );
      }
    }
  } finally {
    await pool.end();
    await adminPool.query(`drop database if exists ${database} with (force)`);
    await adminPool.end();
    rmSync(dir, { recursive: true, force: true });
  }

  const best = (side: 'ticketry' | 'raw') => results.filter((r) => r.side === side).sort((a, b) => a.wallMs - b.wallMs)[0]!;
  const t = best('ticketry');
  const raw = best('raw');
  console.log('\n| side | events | processes | wall (best of rounds) | events/s | duplicates | lost |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of [t, raw]) {
    const all = results.filter((x) => x.side === r.side);
    console.log(
      `| ${r.side === 'ticketry' ? 'ticketry `desk.dispatcher().drain()`' : 'raw pg, same SQL by hand'} | ${EVENTS.toLocaleString('en')} | ${PROCESSES} | ${Math.round(r.wallMs)} ms | ${rate(r).toLocaleString('en')} | ${all.reduce((n, x) => n + x.duplicates, 0)} | ${all.reduce((n, x) => n + x.lost + x.leftInQueue, 0)} |`,
    );
  }
  const median = (side: 'ticketry' | 'raw') => {
    const rates = results.filter((r) => r.side === side).map(rate).sort((a, b) => a - b);
    return rates[Math.floor((rates.length - 1) / 2)]!;
  };
  console.log(`\nticketry / raw throughput: ${(rate(t) / rate(raw)).toFixed(2)} (best of each), ${(median('ticketry') / median('raw')).toFixed(2)} (medians: ${median('ticketry')} / ${median('raw')} events/s)`);
  const bad = results.filter((r) => r.duplicates > 0 || r.lost > 0 || r.leftInQueue > 0);
  if (bad.length > 0) {
    console.error(`FAILED: duplicates or lost events in ${bad.map((r) => `${r.side} round ${r.round}`).join(', ')}`);
    process.exitCode = 1;
  }
}

await main();
