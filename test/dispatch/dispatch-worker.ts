/**
 * A dispatching child process for `multi-process.test.ts`, forked with `node --import tsx`.
 * It opens its own store (SQLite file, Postgres schema or MySQL database), runs a
 * dispatcher whose two handlers append `<handler> <eventId>` to this process's log file
 * (appendFileSync: a line is in the file before the handler returns, so a SIGKILL never
 * loses one), says `ready`, and on `stop` stops the dispatcher, closes the store and
 * exits. The log is what the parent counts deliveries from. With `trapEventId` it hangs
 * on that event's `hook`, for the parent to kill it there.
 */
import { appendFileSync } from 'node:fs';
import { mysqlStore } from '../../adapters/mysql/index.js';
import { postgresStore } from '../../adapters/postgres/index.js';
import type { SqlTicketStore } from '../../adapters/sql/sql-store.js';
import { sqliteStore } from '../../adapters/sqlite/index.js';
import { createTicketService } from '../../src/index.js';

/** What the parent passes (as JSON in argv[2]). */
export interface DispatchJob {
  target: { kind: 'sqlite'; filename: string } | { kind: 'postgres'; url: string; schema: string } | { kind: 'mysql'; url: string };
  tenantId: string;
  /** Where this process logs each handler success. */
  log: string;
  leaseMs: number;
  /** How long each handler takes (ms), so a kill lands in the middle of a run. */
  handlerMs: number;
  batchSize: number;
  concurrency: number;
  pollIntervalMs: number;
  /**
   * The event whose `hook` logs its line and then never returns: the parent kills this
   * process as soon as that line appears, so the kill lands while the batch is in hand.
   */
  trapEventId?: string;
}

const job = JSON.parse(process.argv[2] ?? '{}') as DispatchJob;

function openStore(): SqlTicketStore {
  const t = job.target;
  if (t.kind === 'mysql') return mysqlStore({ uri: t.url, poolOptions: { connectionLimit: 4 } });
  if (t.kind === 'sqlite') return sqliteStore({ filename: t.filename });
  return postgresStore({ connectionString: t.url, schema: t.schema, poolConfig: { max: 4 } });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const store = openStore();
  const desk = createTicketService({ store, tenantId: job.tenantId, dispatch: true });
  const handler = (name: string) => async (event: { eventId: string }) => {
    await sleep(job.handlerMs);
    appendFileSync(job.log, `${name} ${event.eventId}\n`);
    if (name === 'hook' && event.eventId === job.trapEventId) await new Promise(() => undefined);
  };
  const dispatcher = desk.dispatcher({
    handlers: { mail: handler('mail'), hook: handler('hook') },
    leaseMs: job.leaseMs,
    batchSize: job.batchSize,
    concurrency: job.concurrency,
    pollIntervalMs: job.pollIntervalMs,
    onError: (error) => console.error(`[dispatch-worker ${process.pid}]`, error),
  });
  process.on('message', (m) => {
    if (m !== 'stop') return;
    void (async () => {
      await dispatcher.stop();
      await store.close();
      process.send?.({ stopped: true }, () => process.exit(0));
    })();
  });
  dispatcher.start();
  process.send?.({ ready: true });
}

void main();
