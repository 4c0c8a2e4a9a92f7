/**
 * Several dispatching OS processes on one database, one of them killed with SIGKILL in
 * the middle of a run. Afterwards every event is delivered, and each handler's success is
 * logged once per event — except for the events the killed process held at that moment,
 * which its lease hands to the survivors: those may run a handler twice (at least once,
 * one instance at a time: the documented guarantee). The two survivors dispatch at the
 * same time and never both handle the same event.
 *
 * SQLite on a temp file; Postgres on the server at TICKETRY_PG_URL and MySQL/MariaDB at
 * TICKETRY_MYSQL_URL (PGlite lives inside one process; in CI both servers are required).
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
import { afterAll, describe, expect, it } from 'vitest';
import { mysqlStore } from '../../adapters/mysql/index.js';
import { postgresStore } from '../../adapters/postgres/index.js';
import type { SqlTicketStore } from '../../adapters/sql/sql-store.js';
import { sqliteStore } from '../../adapters/sqlite/index.js';
import { toOutbox } from '../../src/events/outbox-codec.js';
import { createTicketService, type TicketEvent } from '../../src/index.js';
import { customer } from '../../src/testing/harness.js';
import { MYSQL_URL, PG_URL, REQUIRE_MYSQL, REQUIRE_PG } from '../sql/stores.js';
import type { DispatchJob } from './dispatch-worker.js';

const WORKER = fileURLToPath(new URL('./dispatch-worker.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EVENTS = 300;
const HANDLERS = ['mail', 'hook'] as const;
const GUARD_MS = 60_000;

type Target = DispatchJob['target'];
type Probe = (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

interface Backend {
  target(): Promise<{ target: Target; probe: Probe; outbox: string }>;
  cleanup(): Promise<void>;
}

function sqliteBackend(dir: string): Backend {
  const handles: Database.Database[] = [];
  return {
    async target() {
      const filename = join(dir, `${randomUUID()}.db`);
      const db = new Database(filename);
      db.pragma('busy_timeout = 10000');
      handles.push(db);
      const probe: Probe = async (text, params = []) => db.prepare(text).all(...params) as Record<string, unknown>[];
      return { target: { kind: 'sqlite', filename }, probe, outbox: 'ticketry_outbox' };
    },
    async cleanup() {
      for (const h of handles) h.close();
    },
  };
}

function postgresBackend(url: string): Backend {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const schemas: string[] = [];
  return {
    async target() {
      const schema = `dmp_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
      schemas.push(schema);
      const probe: Probe = async (text, params = []) => {
        let i = 0;
        return (await pool.query(text.replace(/\?/g, () => `$${++i}`), params)).rows;
      };
      return { target: { kind: 'postgres', url, schema }, probe, outbox: `"${schema}".ticketry_outbox` };
    },
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
  const run: Probe = (text, params = []) =>
    new Promise((resolve, reject) =>
      admin.query(text, params, (err, rows) => (err ? reject(err) : resolve((Array.isArray(rows) ? rows : []) as never))),
    );
  const databases: string[] = [];
  return {
    async target() {
      const database = `${(base.pathname.slice(1) || 'tk').slice(0, 40)}_dmp_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
      databases.push(database);
      await run(`create database \`${database}\` character set utf8mb4 collate utf8mb4_bin`);
      const own = new URL(base.toString());
      own.pathname = `/${database}`;
      return { target: { kind: 'mysql', url: own.toString() }, probe: run, outbox: `\`${database}\`.ticketry_outbox` };
    },
    async cleanup() {
      for (const d of databases) await run(`drop database if exists \`${d}\``);
      await new Promise<void>((resolve) => admin.end(() => resolve()));
    },
  };
}

function openTarget(target: Target): SqlTicketStore {
  if (target.kind === 'sqlite') return sqliteStore({ filename: target.filename });
  if (target.kind === 'mysql') return mysqlStore({ uri: target.url });
  return postgresStore({ connectionString: target.url, schema: target.schema });
}

/** Migrates, and queues `EVENTS` real events (one from a real write, the rest its copies under new ids). */
async function seed(target: Target, tenantId: string): Promise<string[]> {
  const store = openTarget(target);
  try {
    await store.migrate();
    const desk = createTicketService({ store, tenantId, dispatch: true });
    const made: TicketEvent[] = [];
    desk.events.on('*', (_t, e) => made.push(e as TicketEvent));
    await desk.create(customer(), { subject: 'seed', body: 'b' });
    const model = made[0]!;
    const copies = Array.from({ length: EVENTS - 1 }, (_, i) => ({ ...model, eventId: `ev-${i}-${randomUUID()}` }) as TicketEvent);
    await store.transaction(async (tx) => {
      for (const event of copies) await tx.insertOutbox(tenantId, { ...toOutbox(event), dispatchAt: event.occurredAt });
    });
    return [model.eventId, ...copies.map((e) => e.eventId)];
  } finally {
    await store.close();
  }
}

interface Child {
  child: ChildProcess;
  ready: Promise<void>;
  exited: Promise<void>;
  log: string;
}

function spawn(job: DispatchJob): Child {
  const child = fork(WORKER, [JSON.stringify(job)], { cwd: ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (m: { ready?: boolean }) => m.ready && resolve());
    child.once('exit', (code, signal) => reject(new Error(`dispatch worker exited (${code ?? signal}) before it was ready`)));
  });
  ready.catch(() => undefined);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, ready, exited, log: job.log };
}

const lines = (file: string): string[] => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []);

async function until(what: string, check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + GUARD_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${GUARD_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function multiProcess(name: string, enabled: boolean, make: (dir: string) => Backend): void {
  describe.runIf(enabled)(`multi-process dispatch: ${name}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'ticketry-dmp-'));
    const backend = enabled ? make(dir) : undefined;
    afterAll(async () => {
      await backend?.cleanup();
      rmSync(dir, { recursive: true, force: true });
    });

    it('a dispatcher killed with SIGKILL mid-run: every event delivered, each handler once per event but for those it held', async () => {
      const { target, probe, outbox } = await backend!.target();
      const tenantId = `t-${randomUUID()}`;
      const ids = await seed(target, tenantId);
      const job = (tag: string): DispatchJob => ({
        target,
        tenantId,
        log: join(dir, `${tenantId}-${tag}.log`),
        leaseMs: 1500,
        handlerMs: 3,
        batchSize: 20,
        concurrency: 4,
        pollIntervalMs: 50,
      });

      // Killed a third of the way through, in the middle of a batch: on the trap event's
      // hook, which never returns.
      const trap = ids[Math.floor(EVENTS / 3)]!;
      const victim = spawn({ ...job('victim'), trapEventId: trap });
      await victim.ready;
      await until('the victim reaching the trap', () => lines(victim.log).includes(`hook ${trap}`));
      victim.child.kill('SIGKILL');
      await victim.exited;
      // What it held: claimed (attempts) and not finished (still queued, under its lease).
      const held = new Set(
        (await probe(`select id from ${outbox} where tenant_id = ? and attempts > 0 and dispatch_at is not null`, [tenantId])).map(
          (r) => r.id as string,
        ),
      );
      expect(held.has(trap), 'the kill landed while the victim held a batch').toBe(true);
      expect(lines(victim.log).length, 'and before it was done').toBeLessThan(EVENTS * HANDLERS.length);

      const survivors = [spawn(job('a')), spawn(job('b'))];
      try {
        await Promise.all(survivors.map((s) => s.ready));
        await until('every event delivered', async () => {
          const [row] = await probe(`select count(*) as n from ${outbox} where tenant_id = ? and dispatched_at is null`, [tenantId]);
          return Number(row!.n) === 0;
        });
      } finally {
        for (const s of survivors) s.child.send('stop');
        await Promise.all(survivors.map((s) => s.exited));
      }

      const [state] = await probe(
        `select count(*) as n, sum(case when dispatch_at is null and parked_at is null and dispatched_at is not null then 1 else 0 end) as done
           from ${outbox} where tenant_id = ?`,
        [tenantId],
      );
      expect([Number(state!.n), Number(state!.done)]).toStrictEqual([EVENTS, EVENTS]);

      const logged = [victim, ...survivors].flatMap((c) => lines(c.log));
      const bySurvivor = survivors.map((s) => new Set(lines(s.log)));
      let duplicates = 0;
      for (const handler of HANDLERS) {
        const counts = new Map<string, number>();
        for (const line of logged) {
          const [h, id] = line.split(' ');
          if (h === handler) counts.set(id!, (counts.get(id!) ?? 0) + 1);
        }
        expect([...counts.keys()].sort(), `${handler}: every event handled`).toStrictEqual([...ids].sort());
        const twice = [...counts.entries()].filter(([, n]) => n > 1);
        for (const [id, n] of twice) {
          expect(held.has(id), `${handler} ran twice for ${id}, which the victim did not hold`).toBe(true);
          expect(n).toBe(2);
        }
        duplicates += twice.length;
      }
      // The survivors ran at the same time: no event went to both.
      const [a, b] = bySurvivor;
      expect([...a!].filter((line) => b!.has(line))).toStrictEqual([]);
      console.info(
        `[multi-process dispatch ${name}] ${EVENTS} events, victim held ${held.size} at the kill; ${duplicates} handler runs repeated, all among those`,
      );
    }, 120_000);
  });
}

multiProcess('sqlite', true, sqliteBackend);
if (REQUIRE_PG && !PG_URL) {
  it('multi-process dispatch: postgres needs TICKETRY_PG_URL in CI', () => {
    throw new Error('TICKETRY_PG_URL is not set, but CI / TICKETRY_REQUIRE_PG requires a real Postgres server');
  });
}
multiProcess(PG_URL ? 'postgres' : 'postgres (skipped: no TICKETRY_PG_URL; PGlite cannot be shared between processes)', PG_URL !== undefined, () =>
  postgresBackend(PG_URL!),
);
if (REQUIRE_MYSQL && !MYSQL_URL) {
  it('multi-process dispatch: mysql needs TICKETRY_MYSQL_URL in CI', () => {
    throw new Error('TICKETRY_MYSQL_URL is not set, but CI / TICKETRY_REQUIRE_MYSQL requires a real MySQL / MariaDB server');
  });
}
multiProcess(MYSQL_URL ? 'mysql' : 'mysql (skipped: no TICKETRY_MYSQL_URL)', MYSQL_URL !== undefined, () => mysqlBackend(MYSQL_URL!));
