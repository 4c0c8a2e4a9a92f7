/**
 * The parent's side of the process scenarios: a fresh database per scenario on each SQL
 * store (a SQLite file in WAL, a schema on the throwaway Postgres cluster, a MariaDB
 * database on TICKETRY_MYSQL_URL named `<its database>_r<random>`), service workers
 * (service-worker.ts) to start, kill and stop, and the checks that nothing was lost: every
 * ticket whole, numbers 1..n with no duplicate, every acknowledged write present, every
 * committed change's events delivered once the next scheduled work has run.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import mysql from 'mysql2';
import pg from 'pg';
import { inject } from 'vitest';
import { mysqlStore } from '../../adapters/mysql/index.js';
import { postgresStore } from '../../adapters/postgres/index.js';
import type { SqlTicketStore } from '../../adapters/sql/sql-store.js';
import { sqliteStore } from '../../adapters/sqlite/index.js';
import { createTicketService, type TicketEvent } from '../../src/index.js';
import type { ClusterInfo } from './pg-cluster.js';
import type { ServiceJob, ServiceReport, Target } from './service-worker.js';

const WORKER = fileURLToPath(new URL('./service-worker.ts', import.meta.url));
// `--import tsx` resolves from the working directory: run children from the package root.
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export type StoreKind = 'sqlite' | 'postgres' | 'mysql';
export const STORE_KINDS: readonly StoreKind[] = ['sqlite', 'postgres', 'mysql'];

/** The throwaway cluster the global setup made. */
export const cluster = (): ClusterInfo => JSON.parse(inject('reliabilityCluster')) as ClusterInfo;

/** Raw SQL on the scenario's database, `?` placeholders on every dialect. */
export type Probe = (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/** One scenario's database. */
export interface Db {
  kind: StoreKind;
  target: Target;
  /** A folder for this scenario's logs. */
  dir: string;
  probe: Probe;
  /** A table's name as the probe writes it (`tickets` -> `"schema".ticketry_tickets`). */
  t(name: string): string;
  /** A store of its own on the database (the parent's "restarted app"). */
  open(options?: { pool?: number }): SqlTicketStore;
  /** Drops the database / schema / file. */
  drop(): Promise<void>;
}

/** A fresh, migrated database on `kind`. */
export async function freshDb(kind: StoreKind): Promise<Db> {
  const dir = mkdtempSync(join(tmpdir(), `ticketry-rel-${kind}-`));
  let db: Db;
  if (kind === 'sqlite') {
    const filename = join(dir, 'tickets.db');
    let handle: Database.Database | undefined;
    const probeHandle = () => {
      if (handle === undefined) {
        handle = new Database(filename);
        handle.pragma('busy_timeout = 10000');
      }
      return handle;
    };
    db = {
      kind,
      target: { kind: 'sqlite', filename },
      dir,
      async probe(text, params = []) {
        const statement = probeHandle().prepare(text);
        return statement.reader ? (statement.all(...params) as Record<string, unknown>[]) : (statement.run(...params), []);
      },
      t: (name) => `ticketry_${name}`,
      open: () => sqliteStore({ filename }),
      async drop() {
        handle?.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } else if (kind === 'postgres') {
    const url = cluster().url;
    const schema = `rel_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    pool.on('error', () => undefined);
    db = {
      kind,
      target: { kind: 'postgres', url, schema },
      dir,
      async probe(text, params = []) {
        let i = 0;
        return (await pool.query(text.replace(/\?/g, () => `$${++i}`), params)).rows;
      },
      t: (name) => `"${schema}".ticketry_${name}`,
      open: (o = {}) => postgresStore({ connectionString: url, schema, poolConfig: { max: o.pool ?? 4 } }),
      async drop() {
        await pool.query(`drop schema if exists "${schema}" cascade`).catch(() => undefined);
        await pool.end();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } else {
    const base = new URL(process.env.TICKETRY_MYSQL_URL!);
    const database = `${(base.pathname.slice(1) || 'rel').slice(0, 40)}_r${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const admin = mysql.createPool({ uri: base.toString(), connectionLimit: 2, charset: 'utf8mb4_bin', dateStrings: true });
    admin.on('error' as never, () => undefined);
    const run: Probe = (text, params = []) =>
      new Promise((resolve, reject) =>
        admin.query(text, params, (err, rows) => (err ? reject(err) : resolve((Array.isArray(rows) ? rows : []) as never))),
      );
    await run(`create database \`${database}\` character set utf8mb4 collate utf8mb4_bin`);
    const own = new URL(base.toString());
    own.pathname = `/${database}`;
    db = {
      kind,
      target: { kind: 'mysql', url: own.toString() },
      dir,
      probe: run,
      t: (name) => `\`${database}\`.ticketry_${name}`,
      open: (o = {}) => mysqlStore({ uri: own.toString(), poolOptions: { connectionLimit: o.pool ?? 4 } }),
      async drop() {
        await run(`drop database if exists \`${database}\``).catch(() => undefined);
        await new Promise<void>((resolve) => admin.end(() => resolve()));
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const store = db.open();
  try {
    await store.migrate();
  } finally {
    await store.close();
  }
  return db;
}

/** A running service worker. */
export interface Worker {
  child: ChildProcess;
  job: ServiceJob;
  ready: Promise<void>;
  /** Resolves with the report after `stop`; rejects if the process died without one. */
  report: Promise<ServiceReport>;
  exited: Promise<void>;
  /** Successful calls so far (from the worker's progress messages). */
  okCount(): number;
  errorCount(): number;
}

export function spawnWorker(job: ServiceJob): Worker {
  const child = fork(WORKER, [JSON.stringify(job)], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx', '--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let ok = 0;
  let errors = 0;
  let onReady!: () => void;
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const report = new Promise<ServiceReport>((resolve, reject) => {
    child.on('message', (m: { ready?: boolean; report?: ServiceReport; progress?: { ok: Record<string, number>; errors: Record<string, number> } }) => {
      if (m.ready) onReady();
      if (m.progress) {
        ok = Object.values(m.progress.ok).reduce((a, b) => a + b, 0);
        errors = Object.values(m.progress.errors).reduce((a, b) => a + b, 0);
      }
      if (m.report) resolve(m.report);
    });
    child.once('exit', (code, signal) => reject(new Error(`service worker exited (${code ?? signal}) without a report`)));
  });
  report.catch(() => undefined);
  return { child, job, ready, report, exited, okCount: () => ok, errorCount: () => errors };
}

/** Starts `n` workers of `job(i)` and lets them go at the same moment. */
export async function startWorkers(n: number, job: (i: number) => ServiceJob): Promise<Worker[]> {
  const workers = Array.from({ length: n }, (_, i) => spawnWorker(job(i)));
  await Promise.all(workers.map((w) => w.ready));
  for (const w of workers) w.child.send('go');
  return workers;
}

/** Stops a worker and waits for its report, failing if it does not come within `guardMs` (a hung call). */
export async function stopWorker(w: Worker, guardMs = 60_000): Promise<ServiceReport> {
  w.child.send('stop');
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      w.child.kill('SIGKILL');
      reject(new Error(`worker ${w.child.pid} did not finish its calls within ${guardMs} ms of stop: a call hung`));
    }, guardMs);
  });
  try {
    return await Promise.race([w.report, guard]);
  } finally {
    clearTimeout(timer);
  }
}

/** Kills every worker still running (a scenario's `finally`: a failed one leaves none behind). */
export async function killAll(workers: readonly Worker[]): Promise<void> {
  await Promise.all(workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null).map((w) => killWorker(w)));
}

export async function killWorker(w: Worker): Promise<void> {
  w.child.kill('SIGKILL');
  await w.exited;
}

/** Polls `check` every 25 ms until it holds, failing after `guardMs`. */
export async function until(what: string, check: () => Promise<boolean> | boolean, guardMs = 120_000): Promise<void> {
  const deadline = Date.now() + guardMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${guardMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function ticketCount(db: Db, tenantId: string): Promise<number> {
  const [row] = await db.probe(`select count(*) as n from ${db.t('tickets')} where tenant_id = ?`, [tenantId]);
  return Number(row!.n);
}

const lines = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

/** What the workers' logs say was acknowledged and what failed. */
export interface Acks {
  tickets: Set<string>;
  messages: Map<string, string>;
  /** Failures by code (`raw`: not a TicketError). */
  errors: Record<string, number>;
  busy: number;
  firstError?: string;
  events: Set<string>;
}

export function readAcks(workers: readonly Worker[]): Acks {
  const acks: Acks = { tickets: new Set(), messages: new Map(), errors: {}, busy: 0, events: new Set() };
  for (const w of workers) {
    for (const line of lines(w.job.log)) {
      const [kind, a, b, ...rest] = line.split(' ');
      if (kind === 'c') acks.tickets.add(a!);
      else if (kind === 'r') acks.messages.set(b!, a!);
      else if (kind === 'e') {
        acks.errors[a!] = (acks.errors[a!] ?? 0) + 1;
        acks.busy += Number(b);
        acks.firstError ??= rest.join(' ');
      }
    }
    for (const id of lines(w.job.events)) acks.events.add(id);
  }
  return acks;
}

/**
 * The next scheduled work of a restarted app: a fresh store and service on the database
 * run `runScheduledWork` (as if past the redelivery delay) until it redelivers nothing;
 * returns the ids of the events it emitted.
 */
export async function scheduledWorkAfterRestart(db: Db, tenantId: string): Promise<Set<string>> {
  const store = db.open();
  const redelivered = new Set<string>();
  try {
    const desk = createTicketService({ store, tenantId });
    desk.events.on('*', (_type, e) => redelivered.add((e as TicketEvent).eventId));
    for (let round = 0; round < 1000; round++) {
      const result = await desk.runScheduledWork({ now: new Date(Date.now() + 5 * 60_000), limit: 500 });
      if (result.redelivered === 0) break;
    }
  } finally {
    await store.close();
  }
  return redelivered;
}

/** What the integrity check found. */
export interface Integrity {
  tickets: number;
  messages: number;
  events: number;
  /** Tickets missing their opening message, their `created` audit row or `ticket.created` event, or whose replies and their audit rows and events disagree. */
  partial: number;
  /** Messages, audit rows or events of a ticket that does not exist. */
  orphans: number;
  duplicateNumbers: number;
  /** Numbers missing from 1..n. */
  skippedNumbers: number;
  /** The counter is not n. */
  counterOff: number;
  /** Acknowledged tickets and replies that are not in the database. */
  lostWrites: number;
  /** Events in the outbox that no listener received (live or by the scheduled work). */
  lostEvents: number;
  /** Events still undelivered after the scheduled work. */
  undelivered: number;
  /** Events delivered both live and by the scheduled work (allowed: at least once). */
  redeliveredTwice: number;
}

/** Sum of everything `Integrity` counts as lost. */
export const lostOf = (i: Integrity, acks?: Acks): number =>
  i.partial + i.orphans + i.duplicateNumbers + i.skippedNumbers + i.counterOff + i.lostWrites + i.lostEvents + i.undelivered + (acks?.errors.raw ?? 0) + (acks?.busy ?? 0);

/** Reads the tenant's rows back and checks them against the acknowledgements and deliveries. */
export async function checkIntegrity(db: Db, tenantId: string, acks: Acks, redelivered: Set<string>): Promise<Integrity> {
  const tickets = await db.probe(`select id, number from ${db.t('tickets')} where tenant_id = ?`, [tenantId]);
  const messages = await db.probe(`select id, ticket_id, opening from ${db.t('messages')} where tenant_id = ?`, [tenantId]);
  const audit = await db.probe(`select ticket_id, action from ${db.t('audit')} where tenant_id = ?`, [tenantId]);
  const outbox = await db.probe(
    `select id, ticket_id, type, case when delivered_at is null then 1 else 0 end as undelivered from ${db.t('outbox')} where tenant_id = ?`,
    [tenantId],
  );
  const [counter] = await db.probe(`select value from ${db.t('counters')} where tenant_id = ?`, [tenantId]);

  type Parts = { opening: number; replies: number; created: number; repliedAudit: number; createdEvent: number; repliedEvent: number };
  const parts = new Map<string, Parts>();
  for (const t of tickets) parts.set(String(t.id), { opening: 0, replies: 0, created: 0, repliedAudit: 0, createdEvent: 0, repliedEvent: 0 });
  let orphans = 0;
  const part = (ticketId: unknown) => {
    const p = parts.get(String(ticketId));
    if (p === undefined) orphans += 1;
    return p;
  };
  const messageIds = new Set<string>();
  for (const m of messages) {
    messageIds.add(String(m.id));
    const p = part(m.ticket_id);
    if (p) {
      const opening = m.opening === true || Number(m.opening) === 1;
      if (opening) p.opening += 1;
      else p.replies += 1;
    }
  }
  for (const a of audit) {
    const p = part(a.ticket_id);
    if (p && a.action === 'created') p.created += 1;
    if (p && (a.action === 'replied' || a.action === 'noted')) p.repliedAudit += 1;
  }
  let undelivered = 0;
  for (const o of outbox) {
    undelivered += Number(o.undelivered);
    const p = part(o.ticket_id);
    if (p && o.type === 'ticket.created') p.createdEvent += 1;
    if (p && o.type === 'ticket.replied') p.repliedEvent += 1;
  }
  let partial = 0;
  for (const p of parts.values()) {
    if (p.opening !== 1 || p.created !== 1 || p.createdEvent !== 1 || p.repliedAudit !== p.replies || p.repliedEvent !== p.replies) partial += 1;
  }
  const numbers = tickets.map((t) => Number(/(\d+)$/.exec(String(t.number))?.[1] ?? NaN)).sort((a, b) => a - b);
  const distinct = new Set(numbers);
  let skipped = 0;
  for (let n = 1; n <= numbers.length; n++) if (!distinct.has(n)) skipped += 1;
  let lostWrites = 0;
  for (const id of acks.tickets) if (!parts.has(id)) lostWrites += 1;
  for (const id of acks.messages.keys()) if (!messageIds.has(id)) lostWrites += 1;
  let lostEvents = 0;
  let twice = 0;
  for (const o of outbox) {
    const id = String(o.id);
    const live = acks.events.has(id);
    const later = redelivered.has(id);
    if (!live && !later) lostEvents += 1;
    if (live && later) twice += 1;
  }
  return {
    tickets: tickets.length,
    messages: messages.length,
    events: outbox.length,
    partial,
    orphans,
    duplicateNumbers: numbers.length - distinct.size,
    skippedNumbers: skipped,
    counterOff: Number(counter?.value ?? 0) === tickets.length ? 0 : 1,
    lostWrites,
    lostEvents,
    undelivered,
    redeliveredTwice: twice,
  };
}

/** "12,345". */
export const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
