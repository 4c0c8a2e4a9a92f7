/**
 * A child process of the reliability scenarios, forked with `node --import tsx
 * --expose-gc`: one app instance calling the service (not the store) the way a host does,
 * with `callers` concurrent callers, until the parent says `stop` (or kills it).
 *
 * - `burst`: customers creating tickets and replying to their own (40 % replies).
 * - `load`: a mixed load: creates, customer and staff replies, queue pages, stats and
 *   scheduled work, with a latency histogram per operation and the heap measured (after
 *   a forced gc) once the warm-up is over and again at the end.
 *
 * What must survive a SIGKILL is written with `writeSync` as it happens (the kernel has
 * it the moment the call returns): every acknowledged write (`c <ticketId>`,
 * `r <ticketId> <messageId>`) and every failure (`e <code> <busy> <message>`) to `log`,
 * every event a listener received to `events`. The report (`stop`) has the rest.
 */
import { openSync, writeSync } from 'node:fs';
import { mysqlStore } from '../../adapters/mysql/index.js';
import { postgresStore } from '../../adapters/postgres/index.js';
import type { SqlTicketStore } from '../../adapters/sql/sql-store.js';
import { sqliteStore } from '../../adapters/sqlite/index.js';
import { TicketError } from '../../src/errors.js';
import { createTicketService, warmUp, type TicketEvent } from '../../src/index.js';
import { ALL, customer, operator } from '../../src/testing/harness.js';
import { Histogram, type HistogramSummary } from './histogram.js';

/** Where the data is. */
export type Target =
  | { kind: 'sqlite'; filename: string }
  | { kind: 'postgres'; url: string; schema: string }
  | { kind: 'mysql'; url: string };

/** What the parent passes (as JSON in argv[2]). */
export interface ServiceJob {
  mode: 'burst' | 'load';
  target: Target;
  tenantId: string;
  callers: number;
  /** Pool size (Postgres, MySQL). */
  pool: number;
  /** Acknowledged writes and failures, one line each. */
  log: string;
  /** Event ids the listeners received, one a line. */
  events: string;
  /** Store options that bound a call: statement timeout and connect timeout (ms). */
  statementTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** `load`: seconds before the warm-up heap is taken. */
  warmupSeconds?: number;
}

/** What the worker sends back on `stop`. */
export interface ServiceReport {
  ok: Record<string, number>;
  errors: Record<string, number>;
  /** Failures whose driver cause was SQLITE_BUSY / SQLITE_LOCKED. */
  busy: number;
  /** Failures that were not a `TicketError` (a raw driver error reaching the caller). */
  raw: number;
  firstError?: string;
  /** The slowest call, in ms (a call that hangs never returns: the parent's guard catches that). */
  maxMs: number;
  latency: Record<string, HistogramSummary>;
  /** heapUsed after a forced gc: after the warm-up and at the end (bytes). */
  heapWarm?: number;
  heapEnd?: number;
  /** Seconds between the warm-up and the end (the measured window of `load`). */
  measuredSeconds?: number;
  measuredCalls?: number;
}

const job = JSON.parse(process.argv[2] ?? '{}') as ServiceJob;

function openStore(): SqlTicketStore {
  const t = job.target;
  const statementTimeoutMs = job.statementTimeoutMs;
  if (t.kind === 'sqlite') return sqliteStore({ filename: t.filename });
  if (t.kind === 'mysql') {
    return mysqlStore({
      uri: t.url,
      poolOptions: { connectionLimit: job.pool, connectTimeout: job.connectTimeoutMs ?? 10_000 },
      ...(statementTimeoutMs ? { statementTimeoutMs } : {}),
    });
  }
  return postgresStore({
    connectionString: t.url,
    schema: t.schema,
    poolConfig: { max: job.pool, connectionTimeoutMillis: job.connectTimeoutMs ?? 10_000 },
    ...(statementTimeoutMs ? { statementTimeoutMs } : {}),
  });
}

const gc = (globalThis as { gc?: () => void }).gc;
const heapNow = (): number => {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
};

async function main(): Promise<void> {
  const store = openStore();
  const desk = createTicketService({ store, tenantId: job.tenantId });
  const log = openSync(job.log, 'a');
  const events = openSync(job.events, 'a');
  desk.events.on('*', (_type, event) => {
    writeSync(events, `${(event as TicketEvent).eventId}\n`);
  });
  const report: ServiceReport = { ok: {}, errors: {}, busy: 0, raw: 0, maxMs: 0, latency: {} };
  const histograms = new Map<string, Histogram>();
  const customers = Array.from({ length: 8 }, (_, i) => customer(`sub-${process.pid}-${i}`));
  const staff = operator(ALL, `op-${process.pid}`);
  // Recent tickets of this process, to reply to (a bounded ring: the load must not grow the heap).
  const recent: { id: string; by: number }[] = [];
  let stopping = false;
  let measuring = false;
  let measuredCalls = 0;

  const call = async (op: string, fn: () => Promise<string | null>) => {
    const started = performance.now();
    try {
      const line = await fn();
      const ms = performance.now() - started;
      if (line !== null) writeSync(log, `${line}\n`);
      report.ok[op] = (report.ok[op] ?? 0) + 1;
      let h = histograms.get(op);
      if (h === undefined) histograms.set(op, (h = new Histogram()));
      h.add(ms);
      report.maxMs = Math.max(report.maxMs, ms);
      if (measuring) measuredCalls += 1;
    } catch (err) {
      const ms = performance.now() - started;
      report.maxMs = Math.max(report.maxMs, ms);
      const code = TicketError.is(err) ? err.code : 'raw';
      const cause = (err as { cause?: { code?: unknown } }).cause;
      const busy = /^SQLITE_(BUSY|LOCKED)/.test(String(cause?.code)) ? 1 : 0;
      report.errors[code] = (report.errors[code] ?? 0) + 1;
      report.busy += busy;
      if (code === 'raw') report.raw += 1;
      report.firstError ??= `${op}: ${String(err)}`;
      writeSync(log, `e ${code} ${busy} ${JSON.stringify(`${op}: ${String(err)}`.slice(0, 300))}\n`);
    }
  };

  let n = 0;
  const create = () =>
    call('create', async () => {
      const by = n++ % customers.length;
      const ticket = await desk.create(customers[by]!, { subject: `burst ${process.pid} ${n}`, body: `opening message ${n} of ${process.pid}` });
      recent.push({ id: ticket.id, by });
      if (recent.length > 200) recent.shift();
      return `c ${ticket.id}`;
    });
  const reply = (asStaff: boolean) => {
    const target = recent[Math.floor(Math.random() * recent.length)]!;
    return call(asStaff ? 'staff reply' : 'reply', async () => {
      const message = asStaff
        ? await desk.addReply(staff, target.id, { body: `staff answer ${n++}` })
        : await desk.addReply(customers[target.by]!, target.id, { body: `customer follow-up ${n++}` });
      return `r ${target.id} ${message.id}`;
    });
  };

  const burstStep = () => (recent.length > 0 && Math.random() < 0.4 ? reply(false) : create());
  const loadStep = () => {
    const r = Math.random();
    if (recent.length === 0 || r < 0.3) return create();
    if (r < 0.45) return reply(false);
    if (r < 0.6) return reply(true);
    if (r < 0.8) return call('list', async () => (await desk.list(staff, { limit: 25 }), null));
    if (r < 0.9) return call('stats', async () => (await desk.getStats(staff), null));
    return call('scheduled work', async () => (await desk.runScheduledWork(), null));
  };

  let lanes: Promise<void>[] = [];
  const go = () => {
    const step = job.mode === 'burst' ? burstStep : loadStep;
    lanes = Array.from({ length: job.callers }, async () => {
      while (!stopping) {
        await step();
        // Each call as if it came in from the network: better-sqlite3 settles every
        // promise in microtasks, and a loop of them would never let the IPC (stop,
        // progress) or timers run.
        await new Promise((resolve) => setImmediate(resolve));
      }
    });
    if (job.mode === 'load') {
      setTimeout(() => {
        // The measured window starts here: latencies and the heap from now on.
        histograms.clear();
        report.maxMs = 0;
        report.heapWarm = heapNow();
        measuring = true;
        started = performance.now();
      }, (job.warmupSeconds ?? 5) * 1000);
    }
  };
  let started = 0;

  // Progress for the parent (when to kill, when the callers came back after a restart).
  const progress = setInterval(() => process.send?.({ progress: { ok: report.ok, errors: report.errors } }), 200);
  // The parent gone (a failed or interrupted scenario): stop, do not write on alone.
  process.once('disconnect', () => process.exit(1));
  process.on('message', (m) => {
    if (m === 'go') go();
    if (m !== 'stop') return;
    stopping = true;
    void (async () => {
      await Promise.all(lanes);
      clearInterval(progress);
      if (job.mode === 'load') {
        report.measuredSeconds = started > 0 ? (performance.now() - started) / 1000 : 0;
        report.measuredCalls = measuredCalls;
        report.heapEnd = heapNow();
      }
      for (const [op, h] of histograms) report.latency[op] = h.summary();
      await store.close();
      process.send?.({ report }, () => process.exit(0));
    })();
  });
  // As a host would before it listens: the render worker (micromark, jsdom, DOMPurify:
  // seconds of CPU on a loaded machine) started now, not by the first staff reply.
  if (job.mode === 'load') await warmUp();
  process.send?.({ ready: true });
}

void main();
