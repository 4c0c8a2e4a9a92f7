/**
 * A child process for the multi-process tests (`multi-process.test.ts`), forked with
 * `node --import tsx`. It opens its own store on a SQLite file or a Postgres schema,
 * waits for the parent's `go` (so siblings start together), does one job and reports:
 *
 * - `migrate`: runs `store.migrate()`.
 * - `burst`: `count` transactions, each a ticket numbered by `nextSequence` plus its
 *   opening message, audit row and outbox event; counts errors by code.
 * - `claim`: claims due first-response breaches in batches until none are left.
 */
import { mysqlStore } from '../../adapters/mysql/index.js';
import { postgresStore } from '../../adapters/postgres/index.js';
import type { SqlTicketStore } from '../../adapters/sql/sql-store.js';
import { sqliteStore } from '../../adapters/sqlite/index.js';
import { TicketError } from '../../src/errors.js';
import { auditEntry, message, outboxEvent, ticketRow } from './rows.js';

/** What the parent passes (as JSON in argv[2]). */
export interface WorkerJob {
  mode: 'migrate' | 'burst' | 'claim';
  target:
    | { kind: 'sqlite'; filename: string }
    | { kind: 'postgres'; url: string; schema: string }
    | { kind: 'mysql'; url: string };
  tenantId?: string;
  count?: number;
  concurrency?: number;
  tag?: string;
  now?: string;
}

/** What the worker sends back. */
export interface WorkerReport {
  ok: boolean;
  ms: number;
  committed: number;
  errors: Record<string, number>;
  /** Errors whose driver cause was SQLITE_BUSY / SQLITE_LOCKED. */
  busy: number;
  claimed: string[];
  error?: string;
}

const job = JSON.parse(process.argv[2] ?? '{}') as WorkerJob;

function openStore(): SqlTicketStore {
  if (job.target.kind === 'mysql') return mysqlStore({ uri: job.target.url, poolOptions: { connectionLimit: 8 } });
  return job.target.kind === 'sqlite'
    ? sqliteStore({ filename: job.target.filename })
    : postgresStore({ connectionString: job.target.url, schema: job.target.schema, poolConfig: { max: 8 } });
}

async function burst(store: SqlTicketStore, report: WorkerReport): Promise<void> {
  const tenantId = job.tenantId!;
  let next = 0;
  const one = async (i: number) => {
    try {
      await store.transaction(async (tx) => {
        const n = await tx.nextSequence(tenantId, '');
        const row = ticketRow(tenantId, n, { id: `${job.tag}-${i}` });
        await tx.insertTicket(row.tenantId, row);
        await tx.insertMessage(tenantId, message(row.id, { opening: true, body: `opening ${i}` }));
        await tx.insertAudit(tenantId, auditEntry(row.id));
        await tx.insertOutbox(tenantId, outboxEvent(row.id));
      });
      report.committed += 1;
    } catch (err) {
      const code = TicketError.is(err) ? err.code : 'raw';
      report.errors[code] = (report.errors[code] ?? 0) + 1;
      const cause = (err as { cause?: { code?: unknown } }).cause;
      if (/^SQLITE_(BUSY|LOCKED)/.test(String(cause?.code))) report.busy += 1;
      if (report.error === undefined) report.error = String(err);
    }
  };
  const lanes = Array.from({ length: job.concurrency ?? 1 }, async () => {
    for (let i = next++; i < job.count!; i = next++) await one(i);
  });
  await Promise.all(lanes);
}

async function claim(store: SqlTicketStore, report: WorkerReport): Promise<void> {
  const now = new Date(job.now!);
  for (;;) {
    const batch = await store.transaction((tx) =>
      tx.claimSlaAlerts(job.tenantId!, { target: 'firstResponse', kind: 'breach' }, now, 5),
    );
    if (batch.length === 0) return;
    report.claimed.push(...batch.map((t) => t.id));
  }
}

async function main(): Promise<void> {
  const store = openStore();
  const report: WorkerReport = { ok: true, ms: 0, committed: 0, errors: {}, busy: 0, claimed: [] };
  process.send?.({ ready: true });
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  const started = performance.now();
  try {
    if (job.mode === 'migrate') await store.migrate();
    else if (job.mode === 'burst') await burst(store, report);
    else await claim(store, report);
  } catch (err) {
    report.ok = false;
    report.error = String(err);
  }
  report.ms = Math.round(performance.now() - started);
  await store.close();
  process.send?.({ report }, () => process.exit(0));
}

void main();
