/**
 * What only a SQL store has, beyond the contract suite (which every store runs, this
 * one included: `test/contract/*.test.ts`): what lands in the tables as seen by an
 * independent probe, driver-error mapping, table prefixes, migrations, and joining a
 * host's transaction.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TicketError } from '../../src/errors.js';
import { createTicketService } from '../../src/service/create-ticket-service.js';
import type { StoreScope, TicketRow } from '../../src/store.js';
import { auditEntry, caught, message, outboxEvent, tenant, ticketRow } from './rows.js';
import type { FixtureStore, StoreFixture } from './stores.js';

const staff = (tenantId: string, extra: Partial<StoreScope> = {}): StoreScope => ({
  tenantId,
  visibility: 'staff',
  ...extra,
});

/** Registers the SQL store behaviour tests for the stores `makeFixture` makes. */
export function storeBehaviourTests(name: string, makeFixture: () => StoreFixture): void {
  describe(`SQL store behaviour: ${name}`, () => {
    let fixture: StoreFixture;
    let fx: FixtureStore;
    beforeAll(async () => {
      fixture = makeFixture();
      fx = await fixture.create();
    });
    afterAll(async () => {
      await fixture?.dispose();
    });

    // Postgres placeholders are $n, SQLite's are ?.
    const p1 = () => (fx.location.schema !== undefined ? '$1' : '?');
    const insert = (...rows: TicketRow[]) =>
      fx.store.transaction(async (tx) => {
        for (const row of rows) await tx.insertTicket(row.tenantId, row);
      });
    const count = async (table: 'tickets' | 'messages' | 'audit' | 'outbox', tenantId: string) => {
      const [row] = await fx.query<{ n: number | string }>(
        `select count(*) as n from ${fx.table(table)} where tenant_id = ${p1()}`,
        [tenantId],
      );
      return Number(row?.n);
    };

    it('stores instants, booleans and counters as the probe reads them, and nothing of a rolled-back transaction', async () => {
      const t = tenant();
      const row = ticketRow(t, 1, { archived: true, createdAt: new Date('2026-03-02T10:00:00.001Z') });
      await insert(row);
      const [raw] = await fx.query<{ created_at: unknown; archived: unknown }>(
        `select created_at, archived from ${fx.table('tickets')} where id = ${p1()}`,
        [row.id],
      );
      // The independent probe sees the instant as stored, not as a driver re-parsed it.
      // (MySQL: a UTC `DATETIME(3)` string.)
      const stored =
        raw!.created_at instanceof Date
          ? raw!.created_at.getTime()
          : typeof raw!.created_at === 'string'
            ? Date.parse(`${raw!.created_at.replace(' ', 'T')}Z`)
            : Number(raw!.created_at);
      expect(stored).toBe(row.createdAt.getTime());
      expect([true, 1]).toContain(raw!.archived);

      await fx.store.transaction(async (tx) => {
        for (let i = 0; i < 3; i++) await tx.nextSequence(t, '2026');
      });
      const [counter] = await fx.query<{ value: number | string }>(
        `select value from ${fx.table('counters')} where tenant_id = ${p1()} and ${fx.location.database !== undefined ? '`key`' : 'key'} = '2026'`,
        [t],
      );
      expect(Number(counter!.value)).toBe(3);

      const other = tenant();
      await caught(
        fx.store.transaction(async (tx) => {
          const gone = ticketRow(other, 1);
          await tx.nextSequence(other, '');
          await tx.insertTicket(gone.tenantId, gone);
          await tx.insertMessage(other, message(gone.id, { opening: true }));
          await tx.insertAudit(other, auditEntry(gone.id));
          await tx.insertOutbox(other, outboxEvent(gone.id));
          throw new Error('boom');
        }),
      );
      for (const table of ['tickets', 'messages', 'audit', 'outbox'] as const) expect(await count(table, other)).toBe(0);
    });

    it('keeps the driver error as cause, and hands a callback’s own error back untouched', async () => {
      const t = tenant();
      const row = ticketRow(t, 1);
      await insert(row);
      const m = message(row.id);
      await fx.store.transaction((tx) => tx.insertMessage(t, m));
      const dupMessage = await caught(fx.store.transaction((tx) => tx.insertMessage(t, m)));
      expect(TicketError.is(dupMessage, 'conflict')).toBe(true);
      expect((dupMessage as TicketError).cause).toBeDefined();
      expect(TicketError.is((dupMessage as TicketError).cause)).toBe(false);

      const weird = Object.assign(new Error('something nobody planned for'), { code: 'XX_WEIRD' });
      const hooksError = await caught(
        fx.store.transaction(async (tx) => {
          await tx.findTicket(staff(t), row.id);
          throw weird;
        }),
      );
      // A callback's own error passes through untouched.
      expect(hooksError).toBe(weird);
    });

    it('works under a custom table prefix, and migrate() is idempotent', async () => {
      const custom = await fixture.create({ tablePrefix: 'hd_' });
      const t = tenant();
      await custom.store.transaction((tx) => tx.insertTicket(t, ticketRow(t, 1)));
      const rows = await custom.query<{ n: number | string }>(`select count(*) as n from ${custom.table('tickets')}`);
      expect(custom.table('tickets')).toContain('hd_tickets');
      expect(Number(rows[0]!.n)).toBe(1);
      expect(await fx.store.findTicket(staff(t), 'TKT-1')).toBeNull();
      // Migrating again is a no-op.
      await custom.store.migrate();
      await custom.store.migrate();
      expect((await custom.store.findTicket(staff(t), 'TKT-1'))?.number).toBe('TKT-1');
    });

    it('joins a host transaction through withTransaction(): host row and ticket commit or roll back together', async () => {
      const host = fx.hostDb();
      const hostTable = `host_subscribers_${Math.random().toString(36).slice(2, 8)}`;
      const qualified = fx.location.schema !== undefined ? `${fx.location.schema}.${hostTable}` : hostTable;
      // (MySQL cannot key a TEXT column without a prefix length.)
      const idType = fx.location.database !== undefined ? 'varchar(100)' : 'text';
      await host.schema.createTable(qualified).addColumn('id', idType, (c) => c.primaryKey()).execute();
      const t = tenant();
      const clock = () => new Date('2026-03-02T10:00:00.000Z');
      const subscriber = (id: string) => ({ kind: 'customer' as const, id, resellerId: null });
      const hostRows = async () =>
        (await host.selectFrom(qualified).select('id').orderBy('id').execute()).map((r) => r.id as string);

      // Events of writes inside a host transaction wait for the host's commit.
      const flusher = createTicketService({ store: fx.store, tenantId: t, clock });
      const emitted: string[] = [];
      flusher.events.on('*', (type) => emitted.push(type));

      // Commit: the subscriber and their first ticket in one commit.
      const inside: string[] = [];
      const created = await host.transaction().execute(async (trx) => {
        await trx.insertInto(qualified).values({ id: 's-commit' }).execute();
        const desk = createTicketService({ store: fx.store.withTransaction(trx), tenantId: t, clock });
        desk.events.on('*', (type) => inside.push(type));
        return desk.create(subscriber('s-commit'), { subject: 'Joined', body: 'first ticket' });
      });
      expect(inside).toStrictEqual([]);
      expect(await flusher.flushEvents()).toBe(1);
      expect(emitted).toStrictEqual(['ticket.created']);
      expect(await flusher.flushEvents()).toBe(0);
      expect(await hostRows()).toStrictEqual(['s-commit']);
      expect((await fx.store.findTicket(staff(t), created.id))?.subject).toBe('Joined');
      expect(await fx.store.listMessages(staff(t), created.id)).toHaveLength(1);

      // Rollback by the host: neither the host's row nor the ticket survives.
      let rolledBack = '';
      await expect(
        host.transaction().execute(async (trx) => {
          await trx.insertInto(qualified).values({ id: 's-rollback' }).execute();
          const desk = createTicketService({ store: fx.store.withTransaction(trx), tenantId: t, clock });
          rolledBack = (await desk.create(subscriber('s-rollback'), { subject: 'Gone', body: 'x' })).id;
          throw new Error('host changed its mind');
        }),
      ).rejects.toThrow('host changed its mind');
      expect(await hostRows()).toStrictEqual(['s-commit']);
      expect(await fx.store.findTicket(staff(t), rolledBack)).toBeNull();
      expect(await flusher.flushEvents()).toBe(0); // the rolled-back change is never announced
      expect(await count('audit', t)).toBe(1);

      // A failed ticketry write rolls back alone (savepoint); the host's work commits.
      await host.transaction().execute(async (trx) => {
        await trx.insertInto(qualified).values({ id: 's-partial' }).execute();
        const store = fx.store.withTransaction(trx);
        const err = await caught(
          store.transaction(async (tx) => {
            await tx.insertTicket(t, ticketRow(t, 77));
            await tx.insertTicket(t, ticketRow(t, 77));
          }),
        );
        expect(TicketError.is(err, 'conflict')).toBe(true);
        // A statement the database itself rejects (in Postgres that aborts the whole
        // transaction) is undone to the savepoint, so the host's transaction lives on.
        const orphan = await caught(store.transaction((tx) => tx.insertMessage(t, message('no-such-ticket'))));
        expect(TicketError.is(orphan, 'conflict')).toBe(true);
        await store.transaction((tx) => tx.insertTicket(t, ticketRow(t, 78)));
      });
      expect(await hostRows()).toStrictEqual(['s-commit', 's-partial']);
      expect(await fx.store.findTicket(staff(t), 'TKT-77')).toBeNull();
      expect((await fx.store.findTicket(staff(t), 'TKT-78'))?.number).toBe('TKT-78');
      await host.schema.dropTable(qualified).execute();
    });
  });
}
