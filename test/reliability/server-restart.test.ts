/**
 * The database goes away in the middle of a burst of creates and replies from several
 * processes, and comes back:
 *
 * - Postgres: the throwaway cluster is restarted twice, once with a clean `fast`
 *   shutdown (sessions terminated) and once `immediate` (a crash: WAL recovery at start).
 * - MariaDB (a shared server this suite must not restart): every connection of the
 *   scenario's database is killed (`KILL CONNECTION`) twice, the server-side half of a
 *   restart.
 *
 * Every call either succeeds or fails with `unavailable` (never a raw driver error or any
 * other code), no call takes longer than the configured timeouts allow, the same service
 * objects work again afterwards (each process makes progress after each outage, with no
 * restart of its own), and afterwards every ticket is whole, numbers have no duplicate or
 * gap, every acknowledged write is there and every event is delivered once the next
 * scheduled work has run.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkIntegrity,
  cluster,
  fmt,
  freshDb,
  killAll,
  lostOf,
  readAcks,
  scheduledWorkAfterRestart,
  sleep,
  startWorkers,
  stopWorker,
  ticketCount,
  until,
  type Db,
  type StoreKind,
  type Worker,
} from './harness.js';
import { record } from './ledger.js';
import { startCluster, stopCluster } from './pg-cluster.js';
import { pick } from './scale.js';

const PROCESSES = 3;
const CALLERS = 8;
const STATEMENT_TIMEOUT_MS = 5000;
const CONNECT_TIMEOUT_MS = 3000;
/** The longest a call may take: its connect, one statement, and slack for a loaded 2-core machine. */
const CALL_BOUND_MS = CONNECT_TIMEOUT_MS + STATEMENT_TIMEOUT_MS + 7000;
/** Successful calls each process must make after an outage before the next one. */
const RECOVERED_CALLS = pick(10, 40);
const DOWN_MS = 1500;

interface Outage {
  name: string;
  /** Takes the database away and brings it back. */
  run(db: Db): Promise<void>;
}

const postgresOutages: Outage[] = [
  {
    name: 'restart (fast shutdown)',
    async run() {
      const info = cluster();
      stopCluster(info, 'fast');
      await sleep(DOWN_MS);
      startCluster(info);
    },
  },
  {
    name: 'restart (immediate shutdown: crash and recovery)',
    async run() {
      const info = cluster();
      stopCluster(info, 'immediate');
      await sleep(DOWN_MS);
      startCluster(info);
    },
  },
];

const killConnections = (name: string): Outage => ({
  name,
  async run(db) {
    const database = (db.target as { url: string }).url.split('/').pop()!;
    const sessions = await db.probe('select id from information_schema.processlist where db = ? and id <> connection_id()', [database]);
    for (const s of sessions) await db.probe(`kill connection ${Number(s.id)}`).catch(() => undefined);
  },
});

const mysqlOutages: Outage[] = [killConnections('every connection killed'), killConnections('every connection killed again')];

describe.each([
  ['postgres', postgresOutages],
  ['mysql', mysqlOutages],
] as [StoreKind, Outage[]][])('the database goes away mid-burst: %s', (kind, outages) => {
  const dbs: Db[] = [];
  afterAll(async () => {
    for (const db of dbs) await db.drop();
  });

  it('every call succeeds or is `unavailable` in bounded time; the same services recover; nothing half-written or lost', async () => {
    const db = await freshDb(kind);
    dbs.push(db);
    const tenantId = `t-${randomUUID()}`;
    const workers: Worker[] = await startWorkers(PROCESSES, (i) => ({
      mode: 'burst',
      target: db.target,
      tenantId,
      callers: CALLERS,
      pool: CALLERS,
      log: join(db.dir, `w${i}.log`),
      events: join(db.dir, `w${i}.events`),
      statementTimeoutMs: STATEMENT_TIMEOUT_MS,
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
    }));
    const started = performance.now();
    const outageMs: number[] = [];
    let reports;
    try {
      await until('a first burst', async () => (await ticketCount(db, tenantId)) >= pick(50, 500));
      for (const outage of outages) {
        const before = performance.now();
        await outage.run(db);
        outageMs.push(performance.now() - before);
        // The same processes, the same service objects: each makes progress again.
        const base = workers.map((w) => w.okCount());
        await until(
          `every process working again after "${outage.name}"`,
          () => workers.every((w, i) => w.okCount() >= base[i]! + RECOVERED_CALLS),
          60_000,
        );
      }
      reports = await Promise.all(workers.map((w) => stopWorker(w)));
    } finally {
      await killAll(workers);
    }
    const wall = (performance.now() - started) / 1000;

    const acks = readAcks(workers);
    const redelivered = await scheduledWorkAfterRestart(db, tenantId);
    const state = await checkIntegrity(db, tenantId, acks, redelivered);
    const maxMs = Math.max(...reports.map((r) => r.maxMs));
    const otherErrors = Object.entries(acks.errors).filter(([code]) => code !== 'unavailable');
    const hung = maxMs > CALL_BOUND_MS ? 1 : 0;
    const lost = lostOf(state, acks) + otherErrors.reduce((n, [, c]) => n + c, 0) + hung;
    record({
      scenario: 'server restart mid-burst',
      store: kind,
      tried: `${PROCESSES} proc x ${CALLERS} callers, ${outages.map((o) => o.name).join(' + ')} (${outageMs.map((ms) => (ms / 1000).toFixed(1)).join(' + ')} s), ${fmt(acks.tickets.size + acks.messages.size)} acknowledged calls in ${wall.toFixed(1)} s`,
      lost,
      figures: `failed calls ${JSON.stringify(acks.errors)}, slowest call ${fmt(maxMs)} ms (bound ${fmt(CALL_BOUND_MS)}), ${fmt(state.tickets)} tickets whole, ${fmt(redelivered.size)} events redelivered`,
    });

    expect(otherErrors, acks.firstError).toStrictEqual([]);
    expect(acks.errors.unavailable ?? 0, 'the outage was felt by some calls').toBeGreaterThan(0);
    for (const r of reports) expect(r.raw).toBe(0);
    expect(maxMs).toBeLessThanOrEqual(CALL_BOUND_MS);
    expect(state).toMatchObject({
      partial: 0,
      orphans: 0,
      duplicateNumbers: 0,
      skippedNumbers: 0,
      counterOff: 0,
      lostWrites: 0,
      lostEvents: 0,
      undelivered: 0,
    });
    expect(lost).toBe(0);
  });
});
