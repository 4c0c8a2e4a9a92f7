/**
 * Contract: full-text search (`search` in `listTickets`, `q` in `list`): phrases,
 * prefixes, folding, CJK, the exact number, visibility, ranking and relevance paging,
 * and the index following every write (edits, hides, subject changes, merges, splits).
 * A seeded random corpus is compared with the reference matcher
 * (`src/search/search-match.ts`), so every store finds exactly the same tickets in the
 * same order.
 */
import assert from 'node:assert/strict';
import { searchRankOf } from '../search/search-match.js';
import { parseSearch } from '../search/search-query.js';
import { searchText, searchWords } from '../search/search-text.js';
import type { StoreListQuery, StoreScope, StoreTicketSummary, TicketRow, TicketStore } from '../store.js';
import type { Message } from '../types.js';
import { customer, operator, type ContractOptions, withDesk } from './harness.js';
import { at, message, numberedTicket as row } from './rows.js';
import { withStore } from './store-harness.js';
import { seededRandom } from './seeded-random.js';

/** `[number, searchRank]` of each row, in list order. */
type Hit = [string, number];


/** Runs `q` in relevance order and returns `[number, rank]` per row. */
async function hits(
  store: TicketStore,
  scope: StoreScope,
  q: string,
  over: Partial<StoreListQuery> = {},
): Promise<Hit[]> {
  const rows = await store.listTickets(scope, { sort: 'relevance', limit: 200, search: parseSearch(q), ...over });
  return rows.map((r) => [r.number, r.searchRank ?? -1]);
}

/** The numbers `q` finds, sorted (for tests about what matches, not the order). */
async function found(store: TicketStore, scope: StoreScope, q: string): Promise<string[]> {
  return (await hits(store, scope, q)).map(([n]) => n).sort();
}

/** Every row of `q` in pages of `size`, each page after the previous page's last row. */
async function paged(store: TicketStore, scope: StoreScope, q: string, size: number): Promise<Hit[]> {
  const out: Hit[] = [];
  let after: StoreListQuery['after'];
  for (let pages = 0; pages < 100; pages++) {
    const rows: StoreTicketSummary[] = await store.listTickets(scope, {
      sort: 'relevance',
      limit: size,
      search: parseSearch(q),
      ...(after ? { after } : {}),
    });
    out.push(...rows.map((r): Hit => [r.number, r.searchRank ?? -1]));
    if (rows.length < size) return out;
    const last = rows[rows.length - 1]!;
    after = { rank: last.searchRank ?? 0, at: last.createdAt, id: last.id };
  }
  throw new Error('paging did not end');
}

export function searchTests(o: ContractOptions): void {
  const { describe, it } = o;

  describe('search', () => {
    it(
      'matches phrases of consecutive words, the last one as a prefix from three characters, every phrase somewhere in the ticket',
      withStore(o, async ({ store, tenantId: t, staff, insert }) => {
        const a = row(t, 1, { subject: 'Payment failed on invoice 2024-17' });
        const b = row(t, 2, { subject: 'Router reboot' });
        const c = row(t, 3, { subject: 'Pay TV', createdAt: at(3) });
        await insert(a, b, c);
        await store.transaction(async (tx) => {
          await tx.insertMessage(t, message(b.id, { body: 'It loops forever.', opening: true }));
          await tx.insertMessage(t, message(b.id, { body: 'Still looping; the LED is amber' }));
        });
        const s = staff();
        assert.deepStrictEqual(await found(store, s, 'pay'), ['TKT-1', 'TKT-3'], 'a prefix finds the words it begins');
        assert.deepStrictEqual(await found(store, s, 'payment'), ['TKT-1']);
        assert.deepStrictEqual(await found(store, s, 'pa'), [], 'two characters match whole words only');
        assert.deepStrictEqual(await found(store, s, 'tv'), ['TKT-3'], 'a short word matches itself');
        assert.deepStrictEqual(await found(store, s, 'ment'), [], 'a prefix begins a word');
        assert.deepStrictEqual(await found(store, s, 'payment fail'), ['TKT-1'], 'two chunks are two phrases');
        assert.deepStrictEqual(await found(store, s, '"payment fail"'), ['TKT-1'], 'a quoted phrase ends in a prefix');
        assert.deepStrictEqual(await found(store, s, '"failed payment"'), [], 'a phrase keeps its order');
        assert.deepStrictEqual(await found(store, s, '"payment on"'), [], 'a phrase is consecutive words');
        assert.deepStrictEqual(await found(store, s, '"failed on"'), ['TKT-1']);
        assert.deepStrictEqual(await found(store, s, 'invoice payment'), ['TKT-1'], 'phrases in any order');
        assert.deepStrictEqual(await found(store, s, '2024-17'), ['TKT-1'], 'a chunk with punctuation is its words in a row');
        assert.deepStrictEqual(await found(store, s, '2024-1'), [], '1 is too short for a prefix');
        assert.deepStrictEqual(await found(store, s, '1-2024'), []);
        assert.deepStrictEqual(await found(store, s, 'reboot loop'), ['TKT-2'], 'one phrase in the subject, one in a body');
        assert.deepStrictEqual(await found(store, s, 'forever amber'), ['TKT-2'], 'phrases in different messages');
        assert.deepStrictEqual(await found(store, s, '"reboot it"'), [], 'no phrase across the subject and a body');
        assert.deepStrictEqual(await found(store, s, '"forever still"'), [], 'no phrase across two messages');
        assert.deepStrictEqual(await found(store, s, '"led is amb"'), ['TKT-2']);
        assert.deepStrictEqual(await found(store, s, 'reboot nothing'), [], 'every phrase must be found');
        assert.deepStrictEqual(await found(store, s, '!!! ...'), [], 'no words: nothing');
        assert.deepStrictEqual(await found(store, s, '100% _'), []);
      }),
    );

    it(
      'folds case and accents (Latin, Cyrillic, Greek) and finds CJK text character by character',
      withStore(o, async ({ store, tenantId: t, staff, insert }) => {
        const a = row(t, 1, { subject: 'ÄRGER mit dem Ωmega-Router' });
        const b = row(t, 2, { subject: 'Café crème brûlée' });
        const c = row(t, 3, { subject: 'Сеть не работает' });
        const d = row(t, 4, { subject: '网络故障 无法连接' });
        const e = row(t, 5, { subject: 'Ｆｕｌｌｗｉｄｔｈ ＴＥＸＴ' });
        const f = row(t, 6, { subject: 'Δίκτυο ΕΚΤΟΣ λειτουργίας' });
        await insert(a, b, c, d, e, f);
        await store.transaction(async (tx) => {
          await tx.insertMessage(t, message(d.id, { body: 'インターネットが遅いです。안녕하세요' }));
        });
        const s = staff();
        const cases: [string, string[]][] = [
          ['ärger', ['TKT-1']],
          ['ARGER', ['TKT-1']],
          ['ωmega router', ['TKT-1']],
          ['ωMEGA-ROUT', ['TKT-1']],
          ['ΩΜΕΓΑ', []], // Greek ωμεγα, not the Latin-lettered ωmega
          ['δικτυο λειτουργ', ['TKT-6']],
          ['ΕΚΤΟΣ', ['TKT-6']],
          ['"ΔΊΚΤΥΟ εκτός"', ['TKT-6']],
          ['cafe creme', ['TKT-2']],
          ['"CAFÉ CRÈME BRÛLÉE"', ['TKT-2']],
          ['bru', ['TKT-2']],
          ['сеть', ['TKT-3']],
          ['СЕТЬ РАБОТ', ['TKT-3']],
          ['"не работает"', ['TKT-3']],
          ['网络', ['TKT-4']],
          ['络故', ['TKT-4']],
          ['网', ['TKT-4']],
          ['故网', []],
          ['网络故障无法', ['TKT-4']],
          ['障网', []],
          ['"网络故障 无法"', ['TKT-4']],
          ['インター', ['TKT-4']],
          ['遅い', ['TKT-4']],
          ['안녕', ['TKT-4']],
          ['fullwidth text', ['TKT-5']],
          ['ｆｕｌｌ', ['TKT-5']],
        ];
        for (const [q, want] of cases) assert.deepStrictEqual(await found(store, s, q), want, q);
      }),
    );

    it(
      'ranks the exact number first (2), then tickets whose number and subject hold every phrase (1), then the others (0), newest first within a rank',
      withStore(o, async ({ store, tenantId: t, staff, insert }) => {
        const exact = row(t, 12, { subject: 'Billing question' });
        const inSubject = row(t, 20, { subject: 'Follow-up to tkt 12 billing' });
        const inBody = row(t, 30, { subject: 'Something else' });
        const olderInSubject = row(t, 5, { subject: 'see TKT-12 billing' });
        const longer = row(t, 120, { subject: 'nothing' });
        await insert(exact, inSubject, inBody, olderInSubject, longer);
        await store.transaction(async (tx) => {
          await tx.insertMessage(t, message(inBody.id, { body: 'As said in TKT-12, billing is wrong' }));
        });
        const s = staff();
        assert.deepStrictEqual(await hits(store, s, 'TKT-12'), [
          ['TKT-12', 2],
          ['TKT-20', 1],
          ['TKT-5', 1],
          ['TKT-30', 0],
        ]);
        // The number matches case-insensitively and ranks first even where it is older.
        assert.deepStrictEqual((await hits(store, s, ' tkt-12 '))[0], ['TKT-12', 2]);
        // `TKT-12` is no prefix of TKT-120: 12 is matched as a prefix (3+ characters only).
        assert.deepStrictEqual((await hits(store, s, 'tkt-120')).map(([n]) => n), ['TKT-120']);
        assert.deepStrictEqual(await hits(store, s, 'billing tkt-12'), [
          ['TKT-20', 1],
          ['TKT-12', 1],
          ['TKT-5', 1],
          ['TKT-30', 0],
        ], 'a query that is not the number ranks the number like any subject');
        // A subject match outranks a newer body match.
        assert.deepStrictEqual(await hits(store, s, 'billing'), [
          ['TKT-20', 1],
          ['TKT-12', 1],
          ['TKT-5', 1],
          ['TKT-30', 0],
        ]);
        // Filters and scope still apply to a number match.
        assert.deepStrictEqual(await hits(store, s, 'TKT-12', { status: ['closed'] }), []);
        assert.deepStrictEqual(await hits(store, staff({ resellerId: 'nobody' }), 'TKT-12'), []);
        // Another tenant's tickets are never found.
        assert.deepStrictEqual(await hits(store, staff({}, `${t}-other`), 'TKT-12'), []);
      }),
    );

    it(
      'pages in relevance order with the rank in the cursor, without duplicates or gaps, even with equal times',
      withStore(o, async ({ store, tenantId: t, staff, insert }) => {
        const rows: TicketRow[] = [];
        for (let n = 1; n <= 17; n++) {
          // Three tickets share each creation time; some match in the subject, some in a body.
          rows.push(row(t, n, { subject: n % 3 === 0 ? 'modem offline' : 'other', createdAt: at(Math.floor(n / 3)) }));
        }
        rows.push(row(t, 99, { subject: 'modem', number: 'MODEM' }));
        await insert(...rows);
        await store.transaction(async (tx) => {
          for (const r of rows) if (r.subject === 'other') await tx.insertMessage(t, message(r.id, { body: 'the modem is offline' }));
        });
        const s = staff();
        const all = await hits(store, s, 'modem');
        assert.equal(all.length, 18);
        assert.deepStrictEqual(all[0], ['MODEM', 2]);
        assert.deepStrictEqual(all.map(([, r]) => r), [2, 1, 1, 1, 1, 1, ...Array<number>(12).fill(0)]);
        for (const size of [1, 4, 5]) assert.deepStrictEqual(await paged(store, s, 'modem', size), all, `pages of ${size}`);
        assert.deepStrictEqual(await paged(store, s, 'modem offline', 4), await hits(store, s, 'modem offline'));
      }),
    );

    it(
      'a customer never matches internal notes or hidden messages, and the rank reveals nothing of them',
      withStore(o, async ({ store, tenantId: t, staff, customer: cust, insert }) => {
        const a = row(t, 1, { subject: 'alpha' });
        const b = row(t, 2, { subject: 'bravo', subscriberId: 'sub-2' });
        await insert(a, b);
        await store.transaction(async (tx) => {
          await tx.insertMessage(t, message(a.id, { body: 'secret escalation codeword', internal: true, authorType: 'staff' }));
          await tx.insertMessage(t, message(a.id, { body: 'removed rude remark', hidden: true }));
          await tx.insertMessage(t, message(a.id, { body: 'public answer about codeword' }));
          await tx.insertMessage(t, message(b.id, { body: 'alpha too' }));
        });
        const me = cust('sub-1');
        assert.deepStrictEqual(await hits(store, me, 'secret'), []);
        assert.deepStrictEqual(await hits(store, me, 'rude'), []);
        assert.deepStrictEqual(await hits(store, me, 'alpha secret'), []);
        assert.deepStrictEqual(await hits(store, me, '"escalation codeword"'), []);
        assert.deepStrictEqual(await hits(store, me, 'alpha codeword'), [['TKT-1', 0]]);
        assert.deepStrictEqual(await hits(store, me, 'alpha'), [['TKT-1', 1]], 'not another subscriber’s ticket');
        assert.deepStrictEqual(await hits(store, staff(), 'secret'), [['TKT-1', 0]]);
        assert.deepStrictEqual(await hits(store, staff(), 'rude'), [['TKT-1', 0]]);
        assert.deepStrictEqual(await hits(store, staff(), 'alpha'), [['TKT-1', 1], ['TKT-2', 0]]);
      }),
    );

    it(
      'keeps the index with every write: subject changes, edits, hides, merges and splits',
      withDesk(o, async ({ desk }) => {
        const c = customer();
        const staff = operator();
        const ids = async (q: string, actor: Parameters<typeof desk.list>[0] = staff) =>
          (await desk.list(actor, { q })).items.map((r) => r.id).sort();
        const first = await desk.create(c, { subject: 'Printer jammed', body: 'paper everywhere' });
        const second = await desk.create(c, { subject: 'Scanner', body: 'blurry pages' });

        await desk.update(staff, first.id, { subject: 'Copier jammed' });
        assert.deepStrictEqual(await ids('printer'), [], 'the old subject is gone');
        assert.deepStrictEqual(await ids('copier'), [first.id]);

        const reply = await desk.addReply(staff, first.id, { body: 'Try the xyzzy lever' });
        assert.deepStrictEqual(await ids('xyzzy', c), [first.id]);
        await desk.editMessage(staff, reply.id, 'Try the plugh lever');
        assert.deepStrictEqual(await ids('xyzzy'), [], 'the text before the edit is found by nobody');
        assert.deepStrictEqual(await ids('xyzzy', c), []);
        assert.deepStrictEqual(await ids('plugh', c), [first.id]);

        await desk.hideMessage(staff, reply.id);
        assert.deepStrictEqual(await ids('plugh', c), [], 'hidden from the customer');
        assert.deepStrictEqual(await ids('plugh'), [first.id], 'staff still find it');
        await desk.unhideMessage(staff, reply.id);
        assert.deepStrictEqual(await ids('plugh', c), [first.id]);

        // Merge: the source's messages are found on the target.
        await desk.merge(staff, second.id, first.id);
        assert.deepStrictEqual(await ids('blurry', c), [first.id]);
        assert.deepStrictEqual(await ids('scanner', c), [second.id], 'the source keeps its own subject');

        // Split: the messages from the split point on are found on the new ticket only.
        const later = await desk.addReply(c, first.id, { body: 'Also the fax says frobnicate' });
        const { ticket: split } = await desk.split(staff, first.id, later.id);
        assert.deepStrictEqual(await ids('frobnicate', c), [split.id]);
        assert.deepStrictEqual(await ids('paper', c), [first.id]);
        // The new ticket is found by its number, first (the old one's system note names it too).
        assert.equal((await desk.list(c, { q: split.number })).items[0]?.id, split.id);
      }),
    );

    it(
      'finds exactly what the reference matcher finds, ranked and ordered the same, on a random corpus in every scope',
      withStore(o, async ({ store, tenantId: t, staff, customer: cust, insert }) => {
        const next = seededRandom(13);
        const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
        const vocabulary = [
          'router', 'routing', 'Route', 'reboot', 'REBOOTING', 'modem', 'Mödem', 'café', 'cafe', 'Caféteria',
          'сеть', 'Сетевой', 'ωμέγα', 'ΩΜΕΓΑ', '网', '络', '故障', 'payment', 'pay', 'PAYPAL', 'invoice',
          '100', '1042', 'a', 'ab', 'abc', 'internet', 'Internet-Zugang', 'e-mail', 'email', 'TKT', '7',
        ];
        const separators = [' ', ' ', ' ', ', ', '-', '/', '. ', '!', ' (', ') '];
        const text = (min: number, max: number) => {
          const n = min + Math.floor(next() * (max - min + 1));
          let out = '';
          for (let i = 0; i < n; i++) out += (i > 0 ? pick(separators) : '') + pick(vocabulary);
          return out;
        };

        // Tickets of two subscribers and two resellers, some deleted; messages of every kind.
        const rows: TicketRow[] = [];
        const bodies = new Map<string, Message[]>();
        for (let n = 1; n <= 36; n++) {
          const r = row(t, n, {
            number: n % 9 === 0 ? `Tkt-${n}` : `TKT-${n}`,
            subject: text(1, 5),
            subscriberId: n % 2 === 0 ? 'sub-1' : 'sub-2',
            resellerId: n % 3 === 0 ? 'r1' : null,
            createdAt: at(Math.floor(n / 2)),
            deletedAt: n % 11 === 0 ? at(100) : null,
          });
          rows.push(r);
          const thread: Message[] = [];
          const count = Math.floor(next() * 4);
          for (let i = 0; i < count; i++) {
            thread.push(
              message(r.id, {
                body: text(1, 8),
                opening: i === 0,
                internal: next() < 0.25,
                hidden: next() < 0.15,
                authorType: next() < 0.5 ? 'staff' : 'customer',
              }),
            );
          }
          bodies.set(r.id, thread);
        }
        // Another tenant holding the same texts is never found.
        const other = `${t}-other`;
        const foreign = rows.slice(0, 6).map((r) => ({ ...r, id: `${r.id}-x`, tenantId: other }));
        await insert(...rows, ...foreign);
        await store.transaction(async (tx) => {
          for (const r of rows) for (const m of bodies.get(r.id)!) await tx.insertMessage(t, m);
          for (const r of foreign) await tx.insertMessage(other, message(r.id, { body: text(4, 8) }));
        });

        // Queries: windows of real texts (re-cased, the last word sometimes cut), random
        // words, numbers; one to three phrases.
        const texts = [...rows.map((r) => `${r.number} ${r.subject}`), ...[...bodies.values()].flat().map((m) => m.body)];
        const phraseQuery = () => {
          const words = next() < 0.8 ? searchWords(pick(texts)) : searchWords(pick(vocabulary));
          if (words.length === 0) return 'nothing';
          const start = Math.floor(next() * words.length);
          const window = words.slice(start, start + 1 + Math.floor(next() * 3));
          if (next() < 0.4) {
            const last = window[window.length - 1]!;
            window[window.length - 1] = last.slice(0, Math.max(1, Math.floor(next() * last.length) + 1));
          }
          const phrase = window.map((w) => (next() < 0.3 ? w.toUpperCase() : w)).join(pick([' ', '-', ' ']));
          return window.length > 1 && next() < 0.6 ? `"${phrase}"` : phrase;
        };
        const queries: string[] = [];
        for (let i = 0; i < 40; i++) {
          const n = 1 + Math.floor(next() * 3);
          queries.push(Array.from({ length: n }, phraseQuery).join(' '));
        }
        queries.push('tkt-9', 'TKT-18', pick(rows).number.toLowerCase(), 'tkt', '7', '"a ab abc"', 'ab*', '网络');

        const scopes: [string, StoreScope, (r: TicketRow) => boolean, (m: Message) => boolean][] = [
          ['operator', staff(), () => true, () => true],
          ['reseller r1', staff({ resellerId: 'r1' }), (r) => r.resellerId === 'r1', () => true],
          ['customer sub-1', cust('sub-1'), (r) => r.subscriberId === 'sub-1', (m) => !m.internal && !m.hidden],
        ];
        let matched = 0;
        for (const q of queries) {
          const search = parseSearch(q);
          for (const [name, scope, inScope, visible] of scopes) {
            const want = rows
              .filter((r) => r.deletedAt === null && inScope(r))
              .map((r) => ({
                r,
                rank: searchRankOf(search, r.number, searchText(`${r.number} ${r.subject}`), () =>
                  bodies.get(r.id)!.filter(visible).map((m) => searchText(m.body)),
                ),
              }))
              .filter((x): x is { r: TicketRow; rank: number } => x.rank !== null)
              .sort(
                (x, y) =>
                  y.rank - x.rank ||
                  y.r.createdAt.getTime() - x.r.createdAt.getTime() ||
                  (x.r.id < y.r.id ? 1 : x.r.id > y.r.id ? -1 : 0),
              )
              .map((x): Hit => [x.r.number, x.rank]);
            matched += want.length;
            assert.deepStrictEqual(await hits(store, scope, q), want, `${name}: ${q}`);
          }
        }
        // The corpus is not degenerate: the queries find plenty, in every rank.
        assert.ok(matched > 200, `only ${matched} matches`);
        for (const q of queries.slice(0, 6)) assert.deepStrictEqual(await paged(store, staff(), q, 3), await hits(store, staff(), q), q);
      }),
      60_000,
    );

    it(
      "a reseller's and a customer's search finds exactly their tickets, by subject and by message, whatever their ids are made of, after every write",
      withStore(o, async ({ store, tenantId: t, staff, customer: customerScope, insert }) => {
        // Owners whose ids are not ASCII, one a prefix of another, one with a space: the
        // SQL stores narrow a scope's hits in the index by tokens spelled from these ids.
        const owners = [
          { subscriberId: 'клиент-1', resellerId: 'résel 😀' },
          { subscriberId: 'клиент-10', resellerId: 'résel 😀' },
          { subscriberId: 'sub 1', resellerId: 'résel' },
          { subscriberId: 'sub-\u00e9', resellerId: null },
        ];
        const rows = owners.map((owner, i) => row(t, i + 1, { subject: `Static IP lost ${i + 1}`, createdAt: at(i + 1), ...owner }));
        await insert(...rows);
        const openings = rows.map((r) => message(r.id, { body: `The modem blinks amber (${r.number})`, opening: true }));
        await store.transaction(async (tx) => {
          for (const m of openings) await tx.insertMessage(t, m);
        });
        const numbers = (list: readonly TicketRow[]) => list.map((r) => r.number).sort();
        for (const q of ['static', 'amber', '"blinks amber"']) {
          assert.deepStrictEqual(await found(store, staff(), q), numbers(rows), q);
          for (const reseller of ['résel 😀', 'résel']) {
            assert.deepStrictEqual(await found(store, staff({ resellerId: reseller }), q), numbers(rows.filter((r) => r.resellerId === reseller)), `${reseller}: ${q}`);
          }
          for (const r of rows) assert.deepStrictEqual(await found(store, customerScope(r.subscriberId), q), [r.number], `${r.subscriberId}: ${q}`);
          assert.deepStrictEqual(await found(store, customerScope('клиент'), q), [], 'an id that begins another finds nothing of it');
        }
        // After a reply, an edited body and an edited subject, still found in scope only.
        const first = rows[0]!;
        await store.transaction(async (tx) => {
          await tx.insertMessage(t, message(first.id, { body: 'Replaced the splitter', createdAt: at(9) }));
          assert.ok(await tx.updateMessage(t, openings[1]!.id, { body: 'Fibre cut outside' }));
          assert.ok(await tx.updateTicket(t, first.id, first.version, { subject: 'Splitter swapped' }));
        });
        assert.deepStrictEqual(await found(store, customerScope(first.subscriberId), 'splitter'), [first.number]);
        assert.deepStrictEqual(await found(store, customerScope(rows[1]!.subscriberId), 'splitter'), []);
        assert.deepStrictEqual(await found(store, staff({ resellerId: 'résel 😀' }), 'splitter'), [first.number]);
        assert.deepStrictEqual(await found(store, staff({ resellerId: 'résel' }), 'splitter'), []);
        assert.deepStrictEqual(await found(store, customerScope(rows[1]!.subscriberId), 'fibre'), [rows[1]!.number]);
        assert.deepStrictEqual(await found(store, staff({ resellerId: 'résel 😀' }), 'fibre'), [rows[1]!.number]);
        assert.deepStrictEqual(await found(store, staff({ resellerId: 'résel' }), 'fibre'), []);
        assert.deepStrictEqual(await found(store, customerScope(rows[1]!.subscriberId), 'amber'), [], 'the old body is found no more');
      }),
    );
  });
}
