/**
 * Wake-ups: a dispatcher that would poll only once an hour still handles a new event at
 * once, because the store wakes it. Postgres through LISTEN/NOTIFY from another store
 * instance (its own pool on the real server; a second store on the same PGlite), also
 * after its listening connection was killed; memory and SQLite in-process. MySQL has no
 * wake-up (its dispatchers poll). The waits below are failure guards, not timings: with
 * a one-hour poll, a missed wake-up fails the test instead of passing it late.
 */
import { randomUUID } from 'node:crypto';
import { Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryStore } from '../../adapters/memory/index.js';
import { postgresStore } from '../../adapters/postgres/index.js';
import { outboxChannel } from '../../adapters/postgres/postgres-wake.js';
import type { SqlTicketStore } from '../../adapters/sql/sql-store.js';
import { tableNames } from '../../adapters/sql/table-names.js';
import { createTicketService, type TicketEvent, type TicketStore } from '../../src/index.js';
import { customer } from '../../src/testing/harness.js';
import { within } from '../../src/testing/store-harness.js';
import { MYSQL_URL, PG_URL, mysqlFixture, sqliteFileFixture } from '../sql/stores.js';

const HOUR = 3_600_000;
const GUARD_MS = 15_000;

/** Starts a dispatcher on `reader` that polls hourly; returns the events it handled as they come. */
function listen(reader: TicketStore, tenantId: string) {
  const desk = createTicketService({ store: reader, tenantId, dispatch: true });
  const handled: TicketEvent[] = [];
  let notify: (() => void) | null = null;
  const dispatcher = desk.dispatcher({ handlers: {
      record: (e) => {
        handled.push(e);
        notify?.();
      },
    }, pollIntervalMs: HOUR });
  dispatcher.start();
  const handledCount = (n: number, what: string) =>
    within(
      GUARD_MS,
      new Promise<void>((resolve) => {
        const check = () => handled.length >= n && resolve();
        notify = check;
        check();
      }),
      what,
    );
  return { dispatcher, handled, handledCount };
}

/** Writes on `writer` wake the dispatcher on `reader`. */
async function wakesAcrossInstances(writer: TicketStore, reader: TicketStore): Promise<void> {
  const tenantId = `t-${randomUUID()}`;
  const { dispatcher, handled, handledCount } = listen(reader, tenantId);
  try {
    const desk = createTicketService({ store: writer, tenantId, dispatch: true });
    // Give the loop its first (empty) round, so the event below can only come by a wake-up.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const first = await desk.create(customer(), { subject: 'wake', body: 'b' });
    await handledCount(1, 'the dispatcher woken by the first write');
    const second = await desk.create(customer(), { subject: 'wake again', body: 'b' });
    await handledCount(2, 'the dispatcher woken by the second write');
    expect(handled.map((e) => e.ticket.id)).toStrictEqual([first.id, second.id]);
  } finally {
    await dispatcher.stop();
  }
}

describe('dispatcher wake-ups', () => {
  it('memory: a write wakes the dispatcher in the same process', async () => {
    const store = memoryStore();
    await wakesAcrossInstances(store, store);
  });

  it('sqlite: a write through the store wakes its dispatcher (one dispatcher per database file)', async () => {
    const fixture = sqliteFileFixture();
    try {
      const { store } = await fixture.create();
      await wakesAcrossInstances(store, store);
    } finally {
      await fixture.dispose();
    }
  });

  it('postgres: the notification channel is per schema and table prefix, within the identifier limit', () => {
    const a = outboxChannel(tableNames('ticketry_', 'public'));
    expect(a).toBe('public.ticketry_outbox');
    expect(outboxChannel(tableNames('other_', 'public'))).not.toBe(a);
    expect(outboxChannel(tableNames('ticketry_', 'tenant_b'))).not.toBe(a);
    const long = outboxChannel(tableNames('a_very_long_table_prefix_for_this_host_', 'and_a_long_schema_name_too'));
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(63);
  });

  if (PG_URL) {
    describe('postgres (server): LISTEN/NOTIFY between two store instances', () => {
      const admin = new pg.Pool({ connectionString: PG_URL, max: 2 });
      const schemas: string[] = [];
      const stores: SqlTicketStore[] = [];
      afterAll(async () => {
        for (const s of stores) await s.close();
        for (const schema of schemas) await admin.query(`drop schema if exists "${schema}" cascade`);
        await admin.end();
      });
      const url = PG_URL as string;
      const pair = async () => {
        const schema = `wk_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
        schemas.push(schema);
        const writer = postgresStore({ connectionString: url, schema });
        const reader = postgresStore({ connectionString: url, schema });
        stores.push(writer, reader);
        await writer.migrate();
        return { writer, reader, schema };
      };

      it('a commit on one instance wakes the dispatcher of another at once', async () => {
        const { writer, reader } = await pair();
        await wakesAcrossInstances(writer, reader);
      });

      it('a killed listening connection is replaced, and the dispatcher is woken again', async () => {
        const { writer, reader, schema } = await pair();
        const tenantId = `t-${randomUUID()}`;
        const { dispatcher, handledCount } = listen(reader, tenantId);
        try {
          const desk = createTicketService({ store: writer, tenantId, dispatch: true });
          await desk.create(customer(), { subject: 'before', body: 'b' });
          await handledCount(1, 'the first wake-up');
          const channel = outboxChannel(tableNames('ticketry_', schema));
          const listeners = async () =>
            (await admin.query(`select pid from pg_stat_activity where query = $1`, [`LISTEN "${channel}"`])).rows.map((r) => r.pid as number);
          const [before] = await listeners();
          expect(before).toBeTypeOf('number');
          await admin.query('select pg_terminate_backend($1)', [before]);
          // The store gets a new listening connection on its own.
          const deadline = Date.now() + GUARD_MS;
          let after: number[] = [];
          while (!(after.length === 1 && after[0] !== before)) {
            if (Date.now() > deadline) throw new Error(`no new LISTEN connection after the kill (${JSON.stringify(after)})`);
            await new Promise((resolve) => setTimeout(resolve, 50));
            after = await listeners();
          }
          // Let the follow-up claims of the reconnect's wake-up lapse: with an hourly poll,
          // the next event can then only come through the new connection's LISTEN.
          await new Promise((resolve) => setTimeout(resolve, 1500));
          await desk.create(customer(), { subject: 'after the kill', body: 'b' });
          await handledCount(2, 'a wake-up through the new listening connection');
        } finally {
          await dispatcher.stop();
        }
      });

      it('stops listening when the dispatcher stops, and close() releases the connection', async () => {
        const { writer, reader, schema } = await pair();
        const channel = outboxChannel(tableNames('ticketry_', schema));
        const listening = async () =>
          (await admin.query(`select count(*)::int as n from pg_stat_activity where query = $1 and state = 'idle'`, [`LISTEN "${channel}"`]))
            .rows[0].n as number;
        const tenantId = `t-${randomUUID()}`;
        const { dispatcher, handledCount } = listen(reader, tenantId);
        await createTicketService({ store: writer, tenantId, dispatch: true }).create(customer(), { subject: 's', body: 'b' });
        await handledCount(1, 'the wake-up');
        expect(await listening()).toBe(1);
        await dispatcher.stop();
        // The client is destroyed at once; the server ends its backend a moment later, so
        // pg_stat_activity is read until the entry is gone (or the guard runs out).
        const deadline = Date.now() + GUARD_MS;
        let left = await listening();
        while (left !== 0 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          left = await listening();
        }
        expect(left).toBe(0);
      });
    });
  }

  describe('postgres (PGlite): LISTEN through its listen API, two store instances on one database', () => {
    let close: (() => Promise<void>) | undefined;
    afterAll(async () => close?.());
    it('a commit through one store wakes the dispatcher of the other', async () => {
      const [{ PGlite }, { PGliteDialect }] = await Promise.all([import('@electric-sql/pglite'), import('kysely-pglite-dialect')]);
      const pglite = await PGlite.create();
      const db = new Kysely<any>({ dialect: new PGliteDialect(pglite) });
      close = async () => {
        await db.destroy().catch(() => undefined);
        await pglite.close().catch(() => undefined);
      };
      const writer = postgresStore({ db });
      const reader = postgresStore({ db, listener: pglite });
      await writer.migrate();
      expect(writer.subscribeOutbox).toBeUndefined();
      await wakesAcrossInstances(writer, reader);
      await reader.close();
    });
  });

  describe.runIf(Boolean(MYSQL_URL))('mysql', () => {
    it('has no wake-up channel: its dispatchers poll', async () => {
      const fixture = mysqlFixture();
      try {
        const { store } = await fixture.create();
        expect(store.subscribeOutbox).toBeUndefined();
      } finally {
        await fixture.dispose();
      }
    });
  });
});
