/**
 * One dispatching process of `bench/dispatch.ts`, forked with `node --import tsx`. On
 * `go` it dispatches the tenant's queued events until none is due, then writes the event
 * ids its handler saw (one per line) to `idsFile` and reports its time.
 *
 * - `ticketry`: `desk.dispatcher({ handlers: { record } }).drain()` on `postgresStore`.
 * - `raw`: a pg pool sending the same claim and finish statements by hand, each event's
 *   payload decoded as ticketry does (`fromOutbox`: a handler needs the event).
 */
import { writeFileSync } from 'node:fs';
import pg from 'pg';
import { postgresStore } from '../adapters/postgres/index.js';
import { fromOutbox } from '../src/events/outbox-codec.js';
import { createTicketService } from '../src/index.js';

/** What the parent passes (as JSON in argv[2]). */
export interface DispatchBenchJob {
  side: 'ticketry' | 'raw';
  url: string;
  tenantId: string;
  batchSize: number;
  idsFile: string;
}

/** What the worker reports. */
export interface DispatchBenchReport {
  ms: number;
  handled: number;
  error?: string;
}

const job = JSON.parse(process.argv[2] ?? '{}') as DispatchBenchJob;
const LEASE_MS = 300_000;
const T = 'ticketry_outbox';

// The statements ticketry's Postgres store sends for claimDispatch and finishDispatch
// (adapters/sql/dispatch-queries.ts), written out by hand.
const CLAIM = `with "candidates" as materialized (
    select "c"."id", "c"."dispatch_at" as "due" from ${T} as "c"
     where "c"."tenant_id" = $1 and "c"."dispatch_at" <= $2
     order by "c"."dispatch_at", "c"."position" limit $3 for update skip locked)
  update ${T} set "attempts" = ${T}."attempts" + 1, "dispatch_at" = $4 from "candidates"
   where ${T}."tenant_id" = $1 and ${T}."id" = "candidates"."id"
  returning ${T}."id", ${T}."ticket_id", ${T}."type", ${T}."payload", ${T}."created_at", ${T}."attempts", ${T}."handled", ${T}."position", "candidates"."due"`;
const FINISH = `update ${T} set "dispatch_at" = null, "dispatched_at" = $1, "handled" = $2
   where "tenant_id" = $3 and "id" = any($4) and "attempts" = $5 and "dispatch_at" is not null`;

async function ticketry(ids: string[]): Promise<void> {
  const store = postgresStore({ connectionString: job.url, poolConfig: { max: 4 } });
  try {
    const desk = createTicketService({ store, tenantId: job.tenantId, dispatch: true });
    const dispatcher = desk.dispatcher({ handlers: { record: (e) => void ids.push(e.eventId) }, batchSize: job.batchSize });
    await go();
    const started = performance.now();
    await dispatcher.drain();
    report.ms = performance.now() - started;
  } finally {
    await store.close();
  }
}

async function raw(ids: string[]): Promise<void> {
  const pool = new pg.Pool({ connectionString: job.url, max: 4 });
  pool.on('error', () => undefined);
  try {
    await pool.query('select 1');
    await go();
    const started = performance.now();
    for (;;) {
      const now = new Date();
      const { rows } = await pool.query(CLAIM, [job.tenantId, now, job.batchSize, new Date(now.getTime() + LEASE_MS)]);
      if (rows.length === 0) break;
      const byAttempts = new Map<number, string[]>();
      for (const row of rows) {
        const event = fromOutbox({ id: row.id, ticketId: row.ticket_id, type: row.type, payload: row.payload, createdAt: row.created_at });
        ids.push(event.eventId);
        const attempts = Number(row.attempts);
        byAttempts.set(attempts, [...(byAttempts.get(attempts) ?? []), row.id as string]);
      }
      for (const [attempts, done] of byAttempts) await pool.query(FINISH, [new Date(), '["record"]', job.tenantId, done, attempts]);
    }
    report.ms = performance.now() - started;
  } finally {
    await pool.end();
  }
}

const report: DispatchBenchReport = { ms: 0, handled: 0 };

function go(): Promise<void> {
  process.send?.({ ready: true });
  return new Promise((resolve) => process.once('message', () => resolve()));
}

async function main(): Promise<void> {
  const ids: string[] = [];
  try {
    await (job.side === 'ticketry' ? ticketry(ids) : raw(ids));
  } catch (err) {
    report.error = String(err);
  }
  report.handled = ids.length;
  writeFileSync(job.idsFile, ids.join('\n'));
  process.send?.({ report }, () => process.exit(0));
}

void main();
