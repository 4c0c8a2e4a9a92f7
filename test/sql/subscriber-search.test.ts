/**
 * A subscriber's search matched on their own texts (adapters/sql/subscriber-search.ts)
 * must give exactly the pages the index gives, never see an internal note or a hidden
 * message in a customer's scope, and give way to the index past its limits.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mysqlHooks } from '../../adapters/mysql/mysql-hooks.js';
import { postgresHooks } from '../../adapters/postgres/postgres-hooks.js';
import type { SqlDialectHooks } from '../../adapters/sql/dialect-hooks.js';
import { listTickets } from '../../adapters/sql/list-queries.js';
import { SUBSCRIBER_CHARS, SUBSCRIBER_MESSAGES, SUBSCRIBER_TICKETS, subscriberMatches } from '../../adapters/sql/subscriber-search.js';
import { sqliteHooks } from '../../adapters/sqlite/sqlite-hooks.js';
import { parseSearch } from '../../src/search/search-query.js';
import type { StoreListQuery, StoreScope, StoreTicketSummary } from '../../src/store.js';
import { message, tenant, ticketRow } from './rows.js';
import { mysqlFixture, mysqlSkipReason, postgresFixture, sqliteMemoryFixture, storeQueryContext, type StoreFixture } from './stores.js';

const PREFIX = 'ss_';

const shape = (rows: StoreTicketSummary[]) => rows.map((r) => `${r.number}:${r.searchRank}`);

const SUBJECTS = ['Router keeps rebooting', 'Static IP request', 'Invoice for March', 'Routing loop on static ip', 'Slow line'];
const BODIES = ['my router reboots', 'the routers are new', 'need a static ip please', 'invoice attached', 'routing table broken', 'nothing here'];

function subscriberSearchTests(name: string, makeFixture: () => StoreFixture, hooks: SqlDialectHooks): void {
  describe(`subscriber search: ${name}`, () => {
    const fixture = makeFixture();
    afterAll(() => fixture.dispose());

    it('gives the pages the index gives, and never a customer an internal note or a hidden message', async () => {
      const fx = await fixture.create({ tablePrefix: PREFIX });
      const t = tenant();
      await fx.store.transaction(async (tx) => {
        for (let n = 1; n <= 60; n++) {
          const createdAt = new Date(Date.UTC(2026, 0, 1) + n * 60_000);
          const row = ticketRow(t, n, {
            subject: SUBJECTS[n % SUBJECTS.length]!,
            subscriberId: `sub-${n % 3}`,
            resellerId: n % 2 === 0 ? 'res-1' : null,
            createdAt,
            updatedAt: createdAt,
            deletedAt: n % 17 === 0 ? createdAt : null,
          });
          await tx.insertTicket(t, row);
          await tx.insertMessage(t, message(row.id, { body: BODIES[n % BODIES.length]!, opening: true, createdAt }));
          await tx.insertMessage(t, message(row.id, { body: `secretnote ${BODIES[(n + 1) % BODIES.length]}`, internal: true, authorType: 'staff', createdAt }));
          await tx.insertMessage(t, message(row.id, { body: 'hiddenword routerx', hidden: true, createdAt }));
        }
      });
      const ctx = storeQueryContext(fx, hooks, PREFIX);
      const customer: StoreScope = { tenantId: t, visibility: 'customer', subscriberId: 'sub-1', requesterResellerId: null };
      const staffOfOne: StoreScope = { tenantId: t, visibility: 'staff', subscriberId: 'sub-2' };
      for (const scope of [customer, staffOfOne]) {
        for (const q of ['router', 'rout', 'routers', '"static ip"', 'static rout', 'invoice', 'TKT-4', 'tkt', 'secretnote', 'hiddenword', 'routerx', 'nomatch']) {
          const search = parseSearch(q);
          expect(await subscriberMatches(ctx, scope, search), q).not.toBeNull();
          for (const sort of ['relevance', 'newest'] as const) {
            const query: StoreListQuery = { sort, limit: 100, search };
            const byTexts = await listTickets(ctx, scope, query);
            const byIndex = await listTickets(ctx, scope, query, 'hits');
            expect(shape(byTexts), `${q} ${sort} ${scope.visibility}`).toStrictEqual(shape(byIndex));
            if (scope.visibility === 'customer' && /secretnote|hiddenword|routerx/.test(q)) expect(byTexts, q).toStrictEqual([]);
          }
        }
      }
      // Staff of one subscriber see the notes.
      expect((await listTickets(ctx, staffOfOne, { sort: 'relevance', limit: 100, search: parseSearch('secretnote') })).length).toBeGreaterThan(0);
      // A scope of more than one subscriber is the index's.
      expect(await subscriberMatches(ctx, { tenantId: t, visibility: 'staff' }, parseSearch('router'))).toBeNull();
      expect(await subscriberMatches(ctx, { tenantId: t, visibility: 'staff', resellerId: 'res-1' }, parseSearch('router'))).toBeNull();
      // A subscriber with no ticket matches nothing.
      expect(await subscriberMatches(ctx, { ...customer, subscriberId: 'sub-none' }, parseSearch('router'))).toStrictEqual([]);
    });

    it('gives way to the index past its limits: tickets, visible messages, characters', async () => {
      const fx = await fixture.create({ tablePrefix: PREFIX });
      const t = tenant();
      const scopeOf = (subscriberId: string): StoreScope => ({ tenantId: t, visibility: 'customer', subscriberId });
      await fx.store.transaction(async (tx) => {
        let n = 0;
        // `many`: one ticket more than the limit. `chatty`: one visible message more (and
        // internal notes, which do not count). `long`: one character more.
        for (let i = 0; i <= SUBSCRIBER_TICKETS; i++) await tx.insertTicket(t, ticketRow(t, ++n, { subscriberId: 'many' }));
        const chatty = ticketRow(t, ++n, { subscriberId: 'chatty' });
        await tx.insertTicket(t, chatty);
        for (let i = 0; i < SUBSCRIBER_MESSAGES; i++) await tx.insertMessage(t, message(chatty.id, { body: 'router' }));
        for (let i = 0; i < 5; i++) await tx.insertMessage(t, message(chatty.id, { body: 'router', internal: true }));
        const long = ticketRow(t, ++n, { subscriberId: 'long' });
        await tx.insertTicket(t, long);
        await tx.insertMessage(t, message(long.id, { body: `router ${'x'.repeat(SUBSCRIBER_CHARS - 7)}` }));
      });
      const ctx = storeQueryContext(fx, hooks, PREFIX);
      const router = parseSearch('router');
      expect(await subscriberMatches(ctx, scopeOf('many'), router)).toBeNull();
      expect(await subscriberMatches(ctx, scopeOf('chatty'), router)).toHaveLength(1);
      expect(await subscriberMatches(ctx, scopeOf('long'), router)).toHaveLength(1);
      await fx.store.transaction(async (tx) => {
        const [chatty] = await tx.listTickets(scopeOf('chatty'), { sort: 'newest', limit: 1 });
        const [long] = await tx.listTickets(scopeOf('long'), { sort: 'newest', limit: 1 });
        await tx.insertMessage(t, message(chatty!.id, { body: 'router' }));
        await tx.insertMessage(t, message(long!.id, { body: 'x' }));
      });
      expect(await subscriberMatches(ctx, scopeOf('chatty'), router)).toBeNull();
      expect(await subscriberMatches(ctx, scopeOf('long'), router)).toBeNull();
      // Past the limits the list still answers, from the index.
      for (const who of ['many', 'chatty', 'long']) {
        const q: StoreListQuery = { sort: 'relevance', limit: 10, search: router };
        expect(shape(await listTickets(ctx, scopeOf(who), q)), who).toStrictEqual(shape(await listTickets(ctx, scopeOf(who), q, 'hits')));
      }
    });
  });
}

subscriberSearchTests('sqlite', sqliteMemoryFixture, sqliteHooks());
subscriberSearchTests('postgres', postgresFixture, postgresHooks());
// MySQL / MariaDB when a server is given (CI requires one: mysqlSkipReason throws there).
if (mysqlSkipReason() === null) subscriberSearchTests('mysql', mysqlFixture, mysqlHooks());
