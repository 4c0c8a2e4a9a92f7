/**
 * What only the Postgres store does: pool ownership, a host's Kysely (with its own
 * plugins, or a transaction of it), network failures, the schema option and concurrent
 * migrations. Runs on the server at TICKETRY_PG_URL, or PGlite where a test says so.
 */
import { randomUUID } from 'node:crypto';
import { CamelCasePlugin, Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresStore } from '../../adapters/postgres/index.js';
import { postgresMigrationIntrospector } from '../../adapters/postgres/migration-introspector.js';
import { postgresHooks } from '../../adapters/postgres/postgres-hooks.js';
import { sessionOptions } from '../../adapters/postgres/postgres-store.js';
import { TicketError } from '../../src/errors.js';
import { caught, message, tenant, ticketRow } from './rows.js';
import { PG_URL, POSTGRES_IS_REAL, postgresFixture, type FixtureStore, type StoreFixture } from './stores.js';

const staff = (tenantId: string) => ({ tenantId, visibility: 'staff' as const });


describe(`postgres store driver glue (${POSTGRES_IS_REAL ? 'server' : 'PGlite'})`, () => {
  let fixture: StoreFixture;
  let fx: FixtureStore;
  beforeAll(async () => {
    fixture = postgresFixture();
    fx = await fixture.create();
  });
  afterAll(async () => {
    await fixture?.dispose();
  });

  it('reports an unreachable server as unavailable, with the driver error as cause', async () => {
    const store = postgresStore({
      connectionString: 'postgres://postgres@127.0.0.1:1/nowhere',
      poolConfig: { connectionTimeoutMillis: 2000 },
    });
    try {
      for (const op of [
        () => store.findTicket(staff('t'), 'x'),
        () => store.transaction(async () => undefined),
        () => store.migrate(),
      ]) {
        const err = await caught(op());
        expect(TicketError.is(err, 'unavailable'), String(err)).toBe(true);
        expect((err as TicketError).cause).toBeDefined();
      }
    } finally {
      await store.close();
    }
  });

  it.runIf(POSTGRES_IS_REAL)("runs its own pool's sessions with jit off, after the host's own startup options", async () => {
    // A search's estimated cost passes jit_above_cost (the planner cannot estimate a
    // full-text match): JIT compiled for 60 ms what then ran in 0.5 ms.
    expect(sessionOptions(undefined)).toBe('-c jit=off');
    const name = `ticketry_${randomUUID().slice(0, 8)}`;
    const schema = `jit_${randomUUID().replaceAll('-', '').slice(0, 8)}`;
    const store = postgresStore({ connectionString: PG_URL!, schema, poolConfig: { options: `-c application_name=${name}` } });
    const probe = new pg.Client({ connectionString: PG_URL });
    await probe.connect();
    try {
      await store.migrate();
      expect(await store.findTicket(staff('t'), 'x')).toBeNull();
      // The host's option reached the server (pg_stat_activity shows it), and so did ours
      // (a session shows only its own settings: asked on a session opened the same way).
      const { rows } = await probe.query('select count(*)::int as n from pg_stat_activity where application_name = $1', [name]);
      expect(rows[0].n).toBeGreaterThan(0);
      const same = new pg.Client({ connectionString: PG_URL, options: sessionOptions(`-c application_name=${name}`) });
      await same.connect();
      expect((await same.query('show jit')).rows[0].jit).toBe('off');
      await same.end();
    } finally {
      await store.close();
      await probe.query(`drop schema if exists "${schema}" cascade`);
      await probe.end();
    }
  });

  it('creates no connection in the factory and refuses use after close()', async () => {
    // An unreachable address: the factory must not try it.
    const store = postgresStore({ connectionString: 'postgres://postgres@127.0.0.1:1/nowhere' });
    await store.close();
    await store.close();
    const err = await caught(store.findTicket(staff('t'), 'x'));
    expect(TicketError.is(err, 'config')).toBe(true);
  });

  it('says to run migrate() when the tables are missing', async () => {
    const store = postgresStore({ db: fx.hostDb(), schema: `missing_${randomUUID().slice(0, 8)}` });
    const err = await caught(store.findTicket(staff('t'), 'x'));
    expect(TicketError.is(err, 'config'), String(err)).toBe(true);
    expect((err as TicketError).message).toMatch(/migrate\(\)/);
  });

  it('rejects a schema or prefix that is not a plain identifier', () => {
    expect(() => postgresStore({ db: fx.hostDb(), schema: 'x"; drop table y; --' })).toThrow(/schema/);
    expect(() => postgresStore({ db: fx.hostDb(), schema: 'bad-name' })).toThrow(/schema/);
    expect(() => postgresStore({ db: fx.hostDb(), tablePrefix: 'a b' })).toThrow(/tablePrefix/);
  });

  it("ignores the host's Kysely plugins (CamelCasePlugin) and schema", async () => {
    const schema = fx.location.schema!;
    const host = fx.hostDb().withPlugin(new CamelCasePlugin()).withSchema('public');
    const store = postgresStore({ db: host, schema });
    const t = tenant();
    const row = ticketRow(t, 1, { resellerId: 'r' });
    await store.transaction(async (tx) => {
      await tx.insertTicket(row.tenantId, row);
      await tx.insertMessage(t, message(row.id, { opening: true }));
    });
    expect((await store.findTicket(staff(t), row.id))?.resellerId).toBe('r');
    expect((await store.listTickets(staff(t), { sort: 'queue', limit: 5 }))[0]?.replyCount).toBe(0);
  });

  it('joins a host transaction given as { db: trx }, under a savepoint', async () => {
    const schema = fx.location.schema!;
    const host = fx.hostDb();
    const t = tenant();
    await expect(
      host.transaction().execute(async (trx) => {
        const store = postgresStore({ db: trx, schema });
        await store.transaction((tx) => tx.insertTicket(t, ticketRow(t, 1)));
        // Visible inside the host's transaction...
        expect((await store.findTicket(staff(t), 'TKT-1'))?.number).toBe('TKT-1');
        // ...migrate() cannot run there.
        expect(TicketError.is(await caught(store.migrate()), 'config')).toBe(true);
        throw new Error('host rollback');
      }),
    ).rejects.toThrow('host rollback');
    expect(await fx.store.findTicket(staff(t), 'TKT-1')).toBeNull();

    await host.transaction().execute(async (trx) => {
      const store = postgresStore({ db: trx, schema });
      // Concurrent ticketry transactions on one host transaction take turns.
      await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          store.transaction(async (tx) => {
            const n = await tx.nextSequence(t, '');
            await tx.insertTicket(t, ticketRow(t, n));
            if (i === 2) throw new Error('one fails alone');
          }).catch(() => undefined),
        ),
      );
    });
    const numbers = (await fx.store.listTickets(staff(t), { sort: 'oldest', limit: 10 })).map((x) => x.number);
    expect(numbers.sort()).toStrictEqual(['TKT-1', 'TKT-2', 'TKT-3', 'TKT-4']);
  });

  it.runIf(POSTGRES_IS_REAL)('leaves a pool it was given open, and ends the one it created (server only)', async () => {
    const pool = new pg.Pool({ connectionString: PG_URL, max: 2 });
    try {
      const store = postgresStore({ pool, schema: fx.location.schema! });
      expect(await store.findTicket(staff('t'), 'x')).toBeNull();
      await store.close();
      expect((await pool.query('select 1 as one')).rows[0].one).toBe(1);
    } finally {
      await pool.end();
    }
    const owned = postgresStore({ connectionString: PG_URL!, schema: fx.location.schema! });
    expect(await owned.findTicket(staff('t'), 'x')).toBeNull();
    await owned.close();
    expect(TicketError.is(await caught(owned.findTicket(staff('t'), 'x')), 'config')).toBe(true);
  });

  it.runIf(POSTGRES_IS_REAL)('prepares the writes and keyed reads it compiles once, one per text and connection, never a list page; preparedStatements: false prepares none (server only)', async () => {
    const preparedBy = async (preparedStatements?: boolean) => {
      // One connection, so the statements below and the probe share a session.
      const pool = new pg.Pool({ connectionString: PG_URL, max: 1 });
      try {
        const store = postgresStore({ pool, schema: fx.location.schema!, ...(preparedStatements === undefined ? {} : { preparedStatements }) });
        const t = tenant();
        for (let n = 1; n <= 3; n++) await store.transaction((tx) => tx.insertTicket(t, ticketRow(t, n)));
        expect((await store.listTickets(staff(t), { sort: 'newest', limit: 10 })).length).toBe(3);
        expect(await store.findTicket(staff(t), 'TKT-2')).not.toBeNull();
        const { rows } = await pool.query<{ name: string; statement: string }>(
          "select name, statement from pg_prepared_statements where name like 'ticketry\\_%'",
        );
        return rows;
      } finally {
        await pool.end();
      }
    };
    const named = await preparedBy();
    expect(named.some((r) => r.statement.startsWith(`insert into "${fx.location.schema}"."ticketry_tickets"`)), JSON.stringify(named)).toBe(true);
    expect(named.some((r) => r.statement.startsWith(`insert into "${fx.location.schema}"."ticketry_ticket_stats"`))).toBe(true);
    // A ticket by its number or id: the same plan for any values, so prepared.
    expect(named.some((r) => /^select [\s\S]* from "[^"]+"\."ticketry_tickets" as "t" where/.test(r.statement)), JSON.stringify(named)).toBe(true);
    // A list page keeps the plan its own values give (a generic plan is chosen for average values).
    expect(named.filter((r) => /\blimit\b/i.test(r.statement) && !/"t"\."number" = /.test(r.statement)), JSON.stringify(named)).toEqual([]);
    expect(new Set(named.map((r) => r.statement)).size).toBe(named.length);
    expect(await preparedBy(false)).toEqual([]);
  });

  it('refuses a preparedStatements that is not a boolean with a config error naming it', () => {
    for (const preparedStatements of ['yes', 1, null]) {
      const error = (() => {
        try {
          postgresStore({ connectionString: 'postgres://nobody@127.0.0.1:1/none', preparedStatements: preparedStatements as never });
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(TicketError.is(error, 'config'), String(error)).toBe(true);
      expect((error as TicketError).params).toMatchObject({ field: 'preparedStatements' });
    }
  });

  it('migrates a fresh schema from several stores at once, each on its own connection', async () => {
    const schema = `mig_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const stores = POSTGRES_IS_REAL
      ? Array.from({ length: 4 }, () => postgresStore({ connectionString: PG_URL!, schema }))
      : Array.from({ length: 4 }, () => postgresStore({ db: fx.hostDb(), schema }));
    try {
      await Promise.all(stores.map((s) => s.migrate()));
      await Promise.all(stores.map((s) => s.migrate()));
      const [row] = await fx.query<{ n: string | number }>(
        `select count(*) as n from "${schema}".ticketry_migrations`,
      );
      // Each migration recorded once (001-initial, 002-ticket-stats, 003-staff-tools, 004-attachments, 005-email-delivery, 006-list-columns, 007-search, 008-stats-by-day, 009-search-walk, 010-owner-tokens, 011-fulltext, 012-reseller-queue, 013-stats-by-week, 014-search-walk-order, 015-message-search-text, 016-waiting-order, 017-status-queue).
      expect(Number(row!.n)).toBe(17);
      const t = tenant();
      await stores[0]!.transaction((tx) => tx.insertTicket(t, ticketRow(t, 1)));
      expect((await stores[3]!.findTicket(staff(t), 'TKT-1'))?.number).toBe('TKT-1');
    } finally {
      for (const s of stores) await s.close();
      await fx.query(`drop schema if exists "${schema}" cascade`);
    }
  });

  it.runIf(POSTGRES_IS_REAL)('finds its migration tables while another session drops a schema (Kysely\'s introspector fails there)', async () => {
    // A repeatable-read snapshot that still holds a schema another session has dropped
    // since: what one statement of Kysely's introspector sees when the drop lands while
    // it runs (test files migrating beside files dropping their schemas, ~1 run in 3).
    const gone = `gone_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const schema = `mig_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: PG_URL, max: 1 }) }) });
    const other = new pg.Client({ connectionString: PG_URL });
    await other.connect();
    const store = postgresStore({ connectionString: PG_URL!, schema });
    // The store's migrate() asks this introspector, not Kysely's.
    expect(postgresHooks().migrationIntrospector).toBe(postgresMigrationIntrospector);
    try {
      await store.migrate();
      const inSnapshot = async (read: (trx: Kysely<any>) => Promise<unknown>) => {
        await other.query(`create schema "${gone}"; create table "${gone}".t (a int)`);
        return db.transaction().setIsolationLevel('repeatable read').execute(async (trx) => {
          await sql`select 1`.execute(trx);
          await other.query(`drop schema "${gone}" cascade`);
          return read(trx);
        });
      };
      const tables = await inSnapshot((trx) =>
        postgresMigrationIntrospector(trx, ['ticketry_migrations', 'ticketry_migrations_lock', 'no_such_table'], schema).getTables(),
      );
      expect((tables as { name: string }[]).map((t) => t.name).sort()).toEqual(['ticketry_migrations', 'ticketry_migrations_lock']);
      const schemas = await inSnapshot((trx) => postgresMigrationIntrospector(trx, [], schema).getSchemas());
      expect((schemas as { name: string }[]).some((s) => s.name === schema)).toBe(true);
      await expect(inSnapshot((trx) => trx.introspection.getTables({ withInternalKyselyTables: true }))).rejects.toThrow(
        /schema .* does not exist/,
      );
    } finally {
      await store.close();
      await other.query(`drop schema if exists "${schema}" cascade; drop schema if exists "${gone}" cascade`);
      await other.end();
      await db.destroy();
    }
  });

  it('stores real Postgres types: timestamptz, boolean, jsonb, "C"-collated keys', async () => {
    const rows = await fx.query<{ column_name: string; data_type: string; collation_name: string | null }>(
      `select column_name, data_type, collation_name from information_schema.columns
       where table_schema = $1 and table_name = 'ticketry_tickets' and column_name in ('id', 'created_at', 'archived', 'subject')
       order by column_name`,
      [fx.location.schema],
    );
    expect(rows.map((r) => [r.column_name, r.data_type, r.collation_name])).toStrictEqual([
      ['archived', 'boolean', null],
      ['created_at', 'timestamp with time zone', null],
      ['id', 'text', 'C'],
      ['subject', 'text', null],
    ]);
    const [json] = await fx.query<{ data_type: string }>(
      `select data_type from information_schema.columns where table_schema = $1 and table_name = 'ticketry_audit' and column_name = 'changes'`,
      [fx.location.schema],
    );
    expect(json!.data_type).toBe('jsonb');
    // pg's global type parsers are untouched (int8 stays a string for the host).
    if (POSTGRES_IS_REAL) {
      const probe = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: PG_URL, max: 1 }) }) });
      try {
        const { rows: counted } = await sql<{ n: unknown }>`select count(*) as n from pg_class`.execute(probe);
        expect(typeof counted[0]!.n).toBe('string');
      } finally {
        await probe.destroy();
      }
    }
  });
});
