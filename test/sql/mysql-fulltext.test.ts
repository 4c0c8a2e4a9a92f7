/**
 * The MySQL / MariaDB search index (migration 011, `capabilities.likeIndex`,
 * adapters/sql/search-queries.ts) against the server at TICKETRY_MYSQL_URL:
 *
 * - every character `INDEXED_WORD` lets a word take to the index is one InnoDB's parser
 *   keeps inside a word (else a word would split, and its own search miss it);
 * - a search through the index finds exactly what the same store finds without it (LIKE
 *   alone), on a corpus of the cases the index must not miss: stopwords, words under
 *   `innodb_ft_min_token_size`, 64-character words and their prefixes, CJK, Thai, other
 *   scripts, many phrases; and the index is what the statement uses;
 * - inside a transaction (InnoDB indexes a transaction's rows at commit) a search still
 *   finds the transaction's own writes;
 * - 011 goes down and up again.
 *
 * The contract suite (test/contract/mysql.test.ts) compares the indexed search with the
 * reference matcher; this file covers what only the index can get wrong.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompiledQuery, Kysely, MysqlDialect } from 'kysely';
import mysql from 'mysql2';
import { mysqlHooks } from '../../adapters/mysql/mysql-hooks.js';
import { createSqlStore, type SqlTicketStore } from '../../adapters/sql/sql-store.js';
import { INDEXED_WORD, indexTerms } from '../../adapters/sql/search-queries.js';
import { tableNames } from '../../adapters/sql/table-names.js';
import { parseSearch } from '../../src/search/search-query.js';
import { searchWords } from '../../src/search/search-text.js';
import type { StoreScope, TicketStore } from '../../src/store.js';
import { message, tenant, ticketRow } from './rows.js';
import { mysqlFixture, mysqlSkipReason, type FixtureStore, type StoreFixture } from './stores.js';

const skip = mysqlSkipReason();
const PREFIX = 'ft_';
const staff = (tenantId: string): StoreScope => ({ tenantId, visibility: 'staff' });
const customer = (tenantId: string, subscriberId: string): StoreScope => ({ tenantId, visibility: 'customer', subscriberId });

async function find(store: TicketStore, scope: StoreScope, q: string): Promise<string[]> {
  const rows = await store.listTickets(scope, { sort: 'relevance', limit: 200, search: parseSearch(q) });
  return rows.map((r) => `${r.number}:${r.searchRank}`);
}

/** Subjects and bodies: what the index holds and what it must not be trusted with. */
const LONG = 'x'.repeat(40) + 'y'.repeat(24); // 64 characters, the longest word kept
const SUBJECTS = [
  'The router is down and about to be fixed',
  'Payment failed on invoice 2024-17',
  'Pay TV not working',
  `Hash ${LONG}${'z'.repeat(30)} pasted`,
  'Сеть не работает с утра',
  'Δίκτυο εκτός λειτουργίας',
  '网络故障 无法连接',
  'อินเทอร์เน็ตช้ามาก',
  'שלום עולם ראוטר',
  'ԕԗԙ later Cyrillic letters',
  'a b c de fg router',
  'Ärger mit dem Ωmega-Router',
];
const BODIES = [
  'It loops forever, the LED is amber',
  'it is what it is: an ip of 10.0.0.1, whatever',
  'インターネットが遅いです。안녕하세요',
  'router reboot aaa aab aac payment',
  'Still looping; the modem is on the shelf',
  'ǆemal ßtraße œuvre ı',
];
const QUERIES = [
  'the', 'about', 'is', 'it is', '"it is what"', 'an ip', 'ip', 'de fg', 'a b c', '"the router"', 'rou', 'router',
  'pay', 'payment fail', '2024-17', '2024', 'tv', LONG, LONG.slice(0, 10), `${LONG}zzz`, 'hash xxx', 'сеть', 'СЕТЬ РАБОТ', '"не работает"',
  'δικτυο λειτουργ', '网络', '络故', 'インター', '안녕', 'อินเทอร์', 'שלום', 'ԕԗԙ', 'later cyr', 'ärger', 'ωmega rout',
  'ǆemal', 'strasse', 'ßtra', 'œuv', 'rou mod aaa aab aac pay reb rou', 'loop amber forever', '"led is amb"',
  'wha', 'what', 'abou', '"about to be"', 'www', 'und',
  'TKT-3', 'tkt-3 router', 'zzz', '!!!',
];

describe.skipIf(skip !== null)(`MySQL / MariaDB FULLTEXT search index${skip === null ? '' : ` (${skip})`}`, () => {
  let fixture: StoreFixture;
  let fx: FixtureStore;
  let host: Kysely<any>;
  /** The same tables without the index: every phrase by LIKE alone. */
  let plain: SqlTicketStore;
  const t = tenant();

  beforeAll(async () => {
    fixture = mysqlFixture();
    fx = await fixture.create({ tablePrefix: PREFIX });
    host = fx.hostDb();
    const hooks = mysqlHooks({ driverDates: 'local' });
    plain = createSqlStore({ db: host, hooks: { ...hooks, capabilities: { ...hooks.capabilities, likeIndex: undefined } }, names: tableNames(PREFIX) });
    await fx.store.transaction(async (tx) => {
      for (const [i, subject] of SUBJECTS.entries()) {
        const row = ticketRow(t, i + 1, { subject, subscriberId: `sub-${i % 3}` });
        await tx.insertTicket(t, row);
        await tx.insertMessage(t, message(row.id, { body: BODIES[i % BODIES.length]!, opening: true, authorId: row.subscriberId }));
        await tx.insertMessage(t, message(row.id, { body: BODIES[(i + 2) % BODIES.length]!, internal: true, authorType: 'staff' }));
      }
    });
  });
  afterAll(async () => {
    await fixture?.dispose();
  });

  it("lets a word take to the index only characters InnoDB's parser keeps inside a word", async () => {
    // Every character `searchWords` can put in a word that `INDEXED_WORD` accepts, each in
    // a word `abc<c>xyz`: had the parser taken one for a separator, its row would hold
    // the words `abc` and `xyz`.
    const chars: string[] = [];
    const seen = new Set<string>();
    for (let cp = 0x80; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const words = searchWords(`x${String.fromCodePoint(cp)}x`);
      if (words.length !== 1) continue;
      for (const c of words[0]!.slice(1, -1)) {
        if (!seen.has(c) && INDEXED_WORD.test(c)) chars.push(c);
        seen.add(c);
      }
    }
    expect(chars.length).toBeGreaterThan(400);
    const table = fx.table('tickets').replace(/tickets`$/, 'ft_chars`');
    await fx.query(`create table ${table} (id int primary key, txt longtext character set utf8mb4 collate utf8mb4_bin not null) engine=innodb`);
    try {
      for (let i = 0; i < chars.length; i += 500) {
        const rows = chars.slice(i, i + 500).map((c, j) => [i + j, ` abc${c}xyz `]);
        await fx.query(`insert into ${table} values ?`, [rows]);
      }
      await fx.query(`create fulltext index ft_chars_idx on ${table} (txt)`);
      const split = await fx.query<{ id: number }>(`select id from ${table} where match(txt) against ('abc xyz' in boolean mode)`);
      expect(split.map((r) => `U+${chars[r.id]!.codePointAt(0)!.toString(16)}`)).toStrictEqual([]);
      // And a word of them is found by itself and by its prefix.
      const sample = chars.filter((_, i) => i % 97 === 0);
      for (const c of sample) {
        const [found] = await fx.query<{ n: number }>(`select count(*) as n from ${table} where match(txt) against (? in boolean mode)`, [`+abc${c}*`]);
        expect(Number(found!.n), c).toBe(1);
      }
    } finally {
      await fx.query(`drop table ${table}`);
    }
  });

  it('finds exactly what LIKE alone finds, for every scope, and the statement uses the index', async () => {
    for (const scope of [staff(t), customer(t, 'sub-0'), customer(t, 'sub-1')]) {
      for (const q of QUERIES) {
        expect(await find(fx.store, scope, q), `${q} (${scope.visibility})`).toStrictEqual(await find(plain, scope, q));
      }
    }
    // Not vacuous: the stopwords, the 64-character word and its prefix are found.
    expect(await find(fx.store, staff(t), 'about')).toStrictEqual(['TKT-1:1']);
    expect(await find(fx.store, staff(t), LONG.slice(0, 10))).toStrictEqual(['TKT-4:1']);

    // The index answers the words it holds (the table holds 'about': built without stopwords)...
    const [about] = await fx.query<{ n: number }>(
      `select count(*) as n from ${fx.table('tickets').replace(/tickets`$/, 'ticket_search`')} where match(search_text) against ('+about' in boolean mode)`,
    );
    expect(Number(about!.n)).toBe(1);
    // ... and a search's statement reads it (EXPLAIN names the FULLTEXT keys).
    let statement: CompiledQuery | undefined;
    const logged = new Kysely<any>({
      dialect: new MysqlDialect({ pool: mysql.createPool({ uri: fx.location.url!, connectionLimit: 1 }) }),
      log: (e) => {
        if (e.level === 'query' && /match\(/.test(e.query.sql)) statement ??= e.query;
      },
    });
    try {
      const store = createSqlStore({ db: logged, hooks: mysqlHooks({ driverDates: 'local' }), names: tableNames(PREFIX) });
      await store.listTickets(staff(t), { sort: 'relevance', limit: 50, search: parseSearch('router payment') });
      expect(statement).toBeDefined();
      const plan = await logged.executeQuery<{ type: string | null; key: string | null }>(
        CompiledQuery.raw(`explain ${statement!.sql}`, [...statement!.parameters]),
      );
      const fulltext = plan.rows.filter((r) => r.type === 'fulltext').map((r) => r.key);
      expect(new Set(fulltext)).toStrictEqual(new Set([`${PREFIX}ticket_search_text_ft`, `${PREFIX}message_search_text_ft`]));
    } finally {
      await logged.destroy();
    }
  });

  it('finds the same after a rebuild of the tables by a session with stopwords (OPTIMIZE TABLE)', async () => {
    await fx.query(`optimize table ${fx.table('tickets').replace(/tickets`$/, 'ticket_search`')}, ${fx.table('tickets').replace(/tickets`$/, 'message_search`')}`);
    const [about] = await fx.query<{ n: number }>(
      `select count(*) as n from ${fx.table('tickets').replace(/tickets`$/, 'ticket_search`')} where match(search_text) against ('+about' in boolean mode)`,
    );
    expect(Number(about!.n), 'the rebuilt index has stopwords again').toBe(0);
    for (const q of QUERIES) expect(await find(fx.store, staff(t), q), q).toStrictEqual(await find(plain, staff(t), q));
    expect(await find(fx.store, staff(t), 'about')).toStrictEqual(['TKT-1:1']);
    expect(await find(fx.store, staff(t), '"what it is"')).toStrictEqual(await find(plain, staff(t), '"what it is"'));
  });

  it('turns a phrase into index terms only for the words the index holds', () => {
    const terms = (q: string) => parseSearch(q).phrases.map((p) => indexTerms(p)?.against ?? null);
    expect(terms('router')).toStrictEqual(['+router*']);
    expect(terms('"the router is"')).toStrictEqual(['+router']);
    expect(terms('"router the"')).toStrictEqual(['+router']);
    expect(terms('wha whe abou')).toStrictEqual([null, null, null]);
    expect(terms('whx')).toStrictEqual(['+whx*']);
    expect(terms('tv ip')).toStrictEqual([null, null]);
    expect(terms('网络 сеть')).toStrictEqual([null, '+сеть*']);
    expect(terms('ԕԗԙ')).toStrictEqual([null]);
    expect(terms('"aaa aaa"')).toStrictEqual(['+aaa +aaa*']);
    expect(terms('"bbb bbb ccc"')).toStrictEqual(['+bbb +ccc*']);
  });

  it('inside a transaction, finds the rows the transaction wrote (InnoDB indexes them at commit)', async () => {
    const u = tenant();
    await fx.store.transaction(async (tx) => {
      const row = ticketRow(u, 1, { subject: 'Uncommitted gizmo' });
      await tx.insertTicket(u, row);
      await tx.insertMessage(u, message(row.id, { body: 'sprocket trouble', opening: true }));
      expect(await find(tx as unknown as TicketStore, staff(u), 'gizmo')).toStrictEqual(['TKT-1:1']);
      expect(await find(tx as unknown as TicketStore, staff(u), 'sprock')).toStrictEqual(['TKT-1:0']);
    });
    expect(await find(fx.store, staff(u), 'sprock')).toStrictEqual(['TKT-1:0']);
    // Through a host transaction too.
    await host.transaction().execute(async (trx) => {
      const store = fx.store.withTransaction(trx);
      const row = ticketRow(u, 2, { subject: 'Widget broken' });
      await store.transaction((tx) => tx.insertTicket(u, row));
      expect(await find(store, staff(u), 'widget')).toStrictEqual(['TKT-2:1']);
    });
  });

  it('011 goes down (the FULLTEXT keys dropped; search by LIKE still right) and up again', async () => {
    const keys = async () =>
      (
        await fx.query<{ name: string }>(
          `select distinct index_name as name from information_schema.statistics where table_schema = ? and index_type = 'FULLTEXT' order by index_name`,
          [fx.location.database],
        )
      ).map((r) => r.name);
    expect(await keys()).toStrictEqual(['ft_message_search_text_ft', 'ft_ticket_search_text_ft']);
    expect(await fx.migrateTo('010-owner-tokens')).toStrictEqual(['down 017-status-queue', 'down 016-waiting-order', 'down 015-message-search-text', 'down 014-search-walk-order', 'down 013-stats-by-week', 'down 012-reseller-queue', 'down 011-fulltext']);
    expect(await keys()).toStrictEqual([]);
    expect(await find(plain, staff(t), 'about')).toStrictEqual(['TKT-1:1']);
    // A store whose code expects 011 on a database without it: "run migrate()", not a raw error.
    await expect(find(fx.store, staff(t), 'router')).rejects.toMatchObject({ code: 'config', message: expect.stringContaining('migrate()') });
    await fx.store.migrate();
    expect(await keys()).toStrictEqual(['ft_message_search_text_ft', 'ft_ticket_search_text_ft']);
    expect(await find(fx.store, staff(t), 'router')).toStrictEqual(await find(plain, staff(t), 'router'));
    expect(await find(fx.store, staff(t), 'fixed')).toStrictEqual(['TKT-1:1']);
  });
});
