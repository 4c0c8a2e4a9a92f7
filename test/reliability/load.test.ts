/**
 * Sustained mixed load on every SQL store: several app processes, each with a few
 * concurrent callers, run creates, customer and staff replies, queue pages, stats and
 * scheduled work for a while (RELIABILITY_SCALE=full: 3 minutes per store; short: 15 s).
 *
 * Reported: throughput and p95 per operation. Checked: no call fails; each process's heap
 * after the run (after a forced gc) is within 10 % of its heap after the warm-up; and at
 * the end `getStats` equals an independent SQL count of the tickets by status and the
 * unresolved backlog by category and priority, and every ticket is whole with every
 * event delivered.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createTicketService } from '../../src/index.js';
import { ALL, operator } from '../../src/testing/harness.js';
import { UNRESOLVED_STATUSES } from '../../src/types.js';
import {
  STORE_KINDS,
  checkIntegrity,
  fmt,
  freshDb,
  killAll,
  lostOf,
  readAcks,
  scheduledWorkAfterRestart,
  sleep,
  startWorkers,
  stopWorker,
  type Db,
  type StoreKind,
} from './harness.js';
import type { HistogramSummary } from './histogram.js';
import { record } from './ledger.js';
import { pick } from './scale.js';

const PROCESSES = pick(2, 3);
const SECONDS = Number(process.env.RELIABILITY_LOAD_SECONDS ?? pick(12, 180));
const WARMUP_SECONDS = Math.max(4, Math.round(SECONDS / 3));
const HEAP_SLACK = 0.1;

describe.each(STORE_KINDS)('sustained mixed load: %s', (kind: StoreKind) => {
  const dbs: Db[] = [];
  afterAll(async () => {
    for (const db of dbs) await db.drop();
  });

  it(`${PROCESSES} processes for ${SECONDS} s: no failed call, flat heap, getStats equal to a SQL count`, async () => {
    const db = await freshDb(kind);
    dbs.push(db);
    const tenantId = `t-${randomUUID()}`;
    const callers = kind === 'sqlite' ? 2 : 4;
    const workers = await startWorkers(PROCESSES, (i) => ({
      mode: 'load',
      target: db.target,
      tenantId,
      callers,
      pool: callers,
      log: join(db.dir, `w${i}.log`),
      events: join(db.dir, `w${i}.events`),
      warmupSeconds: WARMUP_SECONDS,
    }));
    let reports;
    try {
      await sleep(SECONDS * 1000);
      reports = await Promise.all(workers.map((w) => stopWorker(w)));
    } finally {
      await killAll(workers);
    }

    // Throughput over the measured window; per operation the worst process's p95.
    const calls = reports.reduce((n, r) => n + (r.measuredCalls ?? 0), 0);
    const seconds = Math.max(...reports.map((r) => r.measuredSeconds ?? 0));
    const ops = new Map<string, HistogramSummary[]>();
    for (const r of reports) for (const [op, s] of Object.entries(r.latency)) ops.set(op, [...(ops.get(op) ?? []), s]);
    const latency = [...ops]
      .map(([op, s]) => `${op} ${fmt(s.reduce((n, x) => n + x.count, 0))} p95 ${Math.max(...s.map((x) => x.p95)).toFixed(1)} ms`)
      .join(', ');
    const heaps = reports.map((r) => ({ warm: r.heapWarm ?? 0, end: r.heapEnd ?? 0 }));
    const heapGrowth = heaps.map((h) => h.end / h.warm - 1);

    // The stats the service reports against a count of the rows, by a separate connection.
    const store = db.open();
    let stats;
    try {
      stats = await createTicketService({ store, tenantId }).getStats(operator(ALL));
    } finally {
      await store.close();
    }
    const byStatus = await db.probe(`select status, count(*) as n from ${db.t('tickets')} where tenant_id = ? and deleted_at is null group by status`, [tenantId]);
    const counted = Object.fromEntries(Object.keys(stats.counts).map((s) => [s, 0])) as Record<string, number>;
    for (const row of byStatus) counted[String(row.status)] = Number(row.n);
    const backlogRows = await db.probe(
      `select category, priority, count(*) as n from ${db.t('tickets')} where tenant_id = ? and deleted_at is null and status in (${UNRESOLVED_STATUSES.map(() => '?').join(', ')}) group by category, priority`,
      [tenantId, ...UNRESOLVED_STATUSES],
    );
    const backlog = backlogRows.map((r) => `${String(r.category)}/${String(r.priority)}=${Number(r.n)}`).sort();
    const reportedBacklog = stats.backlog.map((b) => `${b.category}/${b.priority}=${b.count}`).sort();
    const statsOff = JSON.stringify(stats.counts) === JSON.stringify(counted) && JSON.stringify(backlog) === JSON.stringify(reportedBacklog) ? 0 : 1;

    const acks = readAcks(workers);
    const redelivered = await scheduledWorkAfterRestart(db, tenantId);
    const state = await checkIntegrity(db, tenantId, acks, redelivered);
    const failed = Object.values(acks.errors).reduce((n, c) => n + c, 0);
    const heapOver = heapGrowth.filter((g) => g > HEAP_SLACK).length;
    const lost = lostOf(state, acks) + failed + statsOff + heapOver;
    record({
      scenario: `mixed load ${SECONDS} s`,
      store: kind,
      tried: `${PROCESSES} proc x ${callers} callers, ${fmt(calls)} calls in the ${seconds.toFixed(0)} s after warm-up (${(calls / seconds).toFixed(0)}/s), ${fmt(state.tickets)} tickets at the end`,
      lost,
      figures: `${latency}; heap warm→end ${heaps.map((h) => `${(h.warm / 1e6).toFixed(1)}→${(h.end / 1e6).toFixed(1)} MB`).join(', ')}; getStats = SQL count: ${statsOff === 0}; failed ${JSON.stringify(acks.errors)}`,
    });

    expect(acks.errors, acks.firstError).toStrictEqual({});
    expect(stats.counts).toStrictEqual(counted);
    expect(reportedBacklog).toStrictEqual(backlog);
    for (const g of heapGrowth) expect(g).toBeLessThanOrEqual(HEAP_SLACK);
    expect(state).toMatchObject({ partial: 0, orphans: 0, duplicateNumbers: 0, skippedNumbers: 0, counterOff: 0, lostWrites: 0, lostEvents: 0, undelivered: 0 });
    expect(calls).toBeGreaterThan(0);
    expect(lost).toBe(0);
  });
});
