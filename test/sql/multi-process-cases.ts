/**
 * The multi-process cases, registered by `multi-process.test.ts` (in `npm test`: bursts of
 * a few hundred tickets) and by `test/reliability/store-bursts.test.ts` (2 × 2,000):
 * several OS processes on one database: concurrent migrations, two-process ticket bursts
 * (0 duplicate numbers, 0 gaps, 0 SQLITE_BUSY), a process killed mid-burst (no partial
 * ticket), and SLA claims split exactly between processes. SQLite on a temp file;
 * Postgres and MySQL on the server at the URL given.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresStore } from '../../adapters/postgres/index.js';
import { sqliteStore } from '../../adapters/sqlite/index.js';
import type { WorkerJob, WorkerReport } from './process-worker.js';
import { tenant, ticketRow } from './rows.js';
import mysql from 'mysql2';
import { mysqlStore } from '../../adapters/mysql/index.js';

const WORKER = fileURLToPath(new URL('./process-worker.ts', import.meta.url));
// `--import tsx` resolves from the working directory: run children from the package root.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Worker {
  child: ChildProcess;
  ready: Promise<void>;
  report: Promise<WorkerReport>;
}

function spawn(job: WorkerJob): Worker {
  const child = fork(WORKER, [JSON.stringify(job)], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let onReady!: () => void;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  const report = new Promise<WorkerReport>((resolve, reject) => {
    child.on('message', (m: { ready?: boolean; report?: WorkerReport }) => {
      if (m.ready) onReady();
      if (m.report) resolve(m.report);
    });
    child.on('exit', (code, signal) => reject(new Error(`worker exited (${code ?? signal}) without a report`)));
    child.on('error', reject);
  });
  report.catch(() => undefined);
  return { child, ready, report };
}

/** Starts the jobs, lets them go at the same moment, and collects their reports. */
async function together(jobs: WorkerJob[]): Promise<WorkerReport[]> {
  const workers = jobs.map(spawn);
  await Promise.all(workers.map((w) => w.ready));
  for (const w of workers) w.child.send('go');
  return Promise.all(workers.map((w) => w.report));
}

type Probe = (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;
type Target = WorkerJob['target'];

/** The invariants after bursts into `tenantId`: every ticket whole, numbers 1..n, counter n. */
async function checkTickets(probe: Probe, t: (name: string) => string, tenantId: string) {
  const [summary] = await probe(
    `select count(*) as n, count(distinct number) as distinct_numbers,
            min(cast(substr(number, 5) as ${t('INTEGER')})) as lo, max(cast(substr(number, 5) as ${t('INTEGER')})) as hi
       from ${t('tickets')} where tenant_id = ?`,
    [tenantId],
  );
  const [partial] = await probe(
    `select count(*) as n from ${t('tickets')} k where k.tenant_id = ? and (
       (select count(*) from ${t('messages')} m where m.tenant_id = k.tenant_id and m.ticket_id = k.id and m.opening = ${t('TRUE')}) <> 1
       or (select count(*) from ${t('audit')} a where a.tenant_id = k.tenant_id and a.ticket_id = k.id) <> 1
       or (select count(*) from ${t('outbox')} o where o.tenant_id = k.tenant_id and o.ticket_id = k.id) <> 1)`,
    [tenantId],
  );
  const [counter] = await probe(`select value from ${t('counters')} where tenant_id = ? and ${t('KEY')} = ''`, [tenantId]);
  const [outbox] = await probe(`select count(*) as n from ${t('outbox')} where tenant_id = ?`, [tenantId]);
  return {
    tickets: Number(summary!.n),
    distinctNumbers: Number(summary!.distinct_numbers),
    lowest: Number(summary!.lo),
    highest: Number(summary!.hi),
    partial: Number(partial!.n),
    counter: Number(counter?.value ?? 0),
    outbox: Number(outbox!.n),
  };
}

interface Backend {
  target: () => Promise<Target>;
  probe: Probe;
  t: (name: string) => string;
  cleanup: () => Promise<void>;
}

function sqliteBackend(): Backend {
  const dir = mkdtempSync(join(tmpdir(), 'ticketry-mp-'));
  const handles: Database.Database[] = [];
  let current: Database.Database | undefined;
  return {
    async target() {
      const filename = join(dir, `${randomUUID()}.db`);
      current = new Database(filename);
      current.pragma('busy_timeout = 10000');
      handles.push(current);
      return { kind: 'sqlite', filename };
    },
    async probe(text, params = []) {
      const statement = current!.prepare(text);
      return statement.reader ? (statement.all(...params) as Record<string, unknown>[]) : (statement.run(...params), []);
    },
    t: (name) => (name === 'TRUE' ? '1' : name === 'INTEGER' || name === 'KEY' ? name.toLowerCase() : `ticketry_${name}`),
    async cleanup() {
      for (const h of handles) h.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function postgresBackend(url: string): Backend {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const schemas: string[] = [];
  let schema = '';
  return {
    async target() {
      schema = `mp_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
      schemas.push(schema);
      return { kind: 'postgres', url, schema };
    },
    async probe(text, params = []) {
      let i = 0;
      return (await pool.query(text.replace(/\?/g, () => `$${++i}`), params)).rows;
    },
    t: (name) =>
      name === 'TRUE' ? 'true' : name === 'INTEGER' || name === 'KEY' ? name.toLowerCase() : `"${schema}".ticketry_${name}`,
    async cleanup() {
      for (const s of schemas) await pool.query(`drop schema if exists "${s}" cascade`);
      await pool.end();
    },
  };
}

function mysqlBackend(url: string): Backend {
  const base = new URL(url);
  const admin = mysql.createPool({ uri: url, connectionLimit: 2, charset: 'utf8mb4_bin', dateStrings: true });
  admin.on('error' as never, () => undefined);
  const databases: string[] = [];
  let database = '';
  const run = (text: string, params: unknown[] = []) =>
    new Promise<Record<string, unknown>[]>((resolve, reject) =>
      admin.query(text, params, (err, rows) => (err ? reject(err) : resolve((Array.isArray(rows) ? rows : []) as never))),
    );
  return {
    async target() {
      database = `${(base.pathname.slice(1) || 'tk').slice(0, 40)}_mp_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
      databases.push(database);
      await run(`create database \`${database}\` character set utf8mb4 collate utf8mb4_bin`);
      const url = new URL(base.toString());
      url.pathname = `/${database}`;
      return { kind: 'mysql', url: url.toString() };
    },
    probe: (text, params = []) => run(text, params),
    t: (name) =>
      name === 'TRUE' ? '1' : name === 'INTEGER' ? 'signed' : name === 'KEY' ? '`key`' : `\`${database}\`.ticketry_${name}`,
    async cleanup() {
      for (const d of databases) await run(`drop database if exists \`${d}\``);
      await new Promise<void>((resolve) => admin.end(() => resolve()));
    },
  };
}

function openTarget(target: Target) {
  return target.kind === 'sqlite'
    ? sqliteStore({ filename: target.filename })
    : target.kind === 'mysql'
      ? mysqlStore({ uri: target.url })
      : postgresStore({ connectionString: target.url, schema: target.schema });
}

async function migrated(target: Target): Promise<void> {
  const store = openTarget(target);
  await store.migrate();
  await store.close();
}

/** The cases to register, and how big. */
export interface MultiProcessOptions {
  /** Tickets each of the two processes creates in the burst case. */
  burst: number;
  /** Tickets in the database when the kill case kills its victim. */
  killAt: number;
  /** The server (Postgres, MySQL); unused for SQLite. */
  url?: string;
  /** Which cases (default: all four). */
  cases?: readonly ('migrate' | 'burst' | 'kill' | 'claim')[];
}

/** Registers the multi-process cases on one store kind (`enabled` false: a skipped group named with `suffix`). */
export function multiProcessTests(name: 'sqlite' | 'postgres' | 'mysql', enabled: boolean, suffix: string, options: MultiProcessOptions): void {
  const BURST = options.burst;
  const cases = new Set(options.cases ?? ['migrate', 'burst', 'kill', 'claim']);
  // A case left out is not registered at all (no skipped test).
  const itCase = (c: 'migrate' | 'burst' | 'kill' | 'claim') => (cases.has(c) ? it : ((() => undefined) as unknown as typeof it));
  describe.runIf(enabled)(`multi-process: ${name}${suffix}`, () => {
    const backend = enabled
      ? name === 'sqlite'
        ? sqliteBackend()
        : name === 'mysql'
          ? mysqlBackend(options.url!)
          : postgresBackend(options.url!)
      : undefined;
    afterAll(async () => {
      await backend?.cleanup();
    });

    itCase('migrate')('two processes running migrate() at the same moment both succeed', async () => {
      const target = await backend!.target();
      const reports = await together([
        { mode: 'migrate', target },
        { mode: 'migrate', target },
      ]);
      for (const r of reports) expect(r, r.error).toMatchObject({ ok: true });
      const [row] = await backend!.probe(`select count(*) as n from ${backend!.t('migrations')}`);
      // Each migration recorded once (001-initial, 002-ticket-stats, 003-staff-tools, 004-attachments, 005-email-delivery, 006-list-columns, 007-search, 008-stats-by-day, 009-search-walk, 010-owner-tokens, 011-fulltext, 012-reseller-queue, 013-stats-by-week, 014-search-walk-order, 015-message-search-text, 016-waiting-order, 017-status-queue).
      expect(Number(row!.n)).toBe(17);
    });

    itCase('burst')(`two processes creating ${BURST} tickets each: 0 duplicate numbers, 0 gaps, 0 busy errors`, async () => {
      const target = await backend!.target();
      await migrated(target);
      const t = tenant();
      const concurrency = name === 'sqlite' ? 1 : 4;
      const started = performance.now();
      const reports = await together([
        { mode: 'burst', target, tenantId: t, count: BURST, concurrency, tag: 'a' },
        { mode: 'burst', target, tenantId: t, count: BURST, concurrency, tag: 'b' },
      ]);
      const wall = Math.round(performance.now() - started);
      for (const r of reports) {
        expect(r.errors, r.error).toStrictEqual({});
        expect(r.busy).toBe(0);
        expect(r.committed).toBe(BURST);
      }
      const state = await checkTickets(backend!.probe, backend!.t, t);
      expect(state).toStrictEqual({
        tickets: 2 * BURST,
        distinctNumbers: 2 * BURST,
        lowest: 1,
        highest: 2 * BURST,
        partial: 0,
        counter: 2 * BURST,
        outbox: 2 * BURST,
      });
      console.info(`[multi-process ${name}] 2 x ${BURST} tickets: ${wall} ms wall, workers ${reports.map((r) => r.ms).join(' / ')} ms`);
    }, 180_000);

    itCase('kill')('a process killed (SIGKILL) mid-burst leaves no partial ticket and no gap', async () => {
      const target = await backend!.target();
      await migrated(target);
      const t = tenant();
      const [victim, survivor] = [
        spawn({ mode: 'burst', target, tenantId: t, count: 1_000_000, concurrency: name === 'sqlite' ? 1 : 4, tag: 'v' }),
        spawn({ mode: 'burst', target, tenantId: t, count: 300, concurrency: 1, tag: 's' }),
      ];
      await Promise.all([victim.ready, survivor.ready]);
      victim.child.send('go');
      survivor.child.send('go');
      // Kill once some tickets have committed, in the middle of the burst.
      for (let i = 0; i < 1200; i++) {
        const [row] = await backend!.probe(`select count(*) as n from ${backend!.t('tickets')} where tenant_id = ?`, [t]);
        if (Number(row!.n) >= options.killAt) break;
        await new Promise((r) => setTimeout(r, 25));
      }
      victim.child.kill('SIGKILL');
      await new Promise((r) => victim.child.once('exit', r));
      const report = await survivor.report;
      expect(report.errors, report.error).toStrictEqual({});
      const state = await checkTickets(backend!.probe, backend!.t, t);
      expect(state.partial).toBe(0);
      expect(state.tickets).toBeGreaterThanOrEqual(options.killAt);
      expect(state.distinctNumbers).toBe(state.tickets);
      expect([state.lowest, state.highest, state.counter, state.outbox]).toStrictEqual([1, state.tickets, state.tickets, state.tickets]);
      if (name === 'sqlite') {
        const [check] = await backend!.probe('pragma integrity_check');
        expect(Object.values(check!)[0]).toBe('ok');
      }
    }, 120_000);

    itCase('claim')('two processes claiming the same due SLA breaches get each ticket exactly once', async () => {
      const target = await backend!.target();
      const t = tenant();
      const now = new Date('2026-03-02T12:00:00.000Z');
      const store = openTarget(target);
      await store.migrate();
      const rows = Array.from({ length: 300 }, (_, i) =>
        ticketRow(t, i + 1, { firstResponseDueAt: new Date(now.getTime() - i * 1000) }),
      );
      await store.transaction(async (tx) => {
        for (const row of rows) await tx.insertTicket(row.tenantId, row);
      });
      await store.close();
      const reports = await together([
        { mode: 'claim', target, tenantId: t, now: now.toISOString() },
        { mode: 'claim', target, tenantId: t, now: now.toISOString() },
      ]);
      for (const r of reports) expect(r, r.error).toMatchObject({ ok: true });
      const all = reports.flatMap((r) => r.claimed);
      expect(new Set(all).size).toBe(all.length);
      expect(all.sort()).toStrictEqual(rows.map((r) => r.id).sort());
    });
  });
}
