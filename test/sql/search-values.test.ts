/**
 * What a search binds (adapters/sql/search-values.ts): a cached search statement gets its
 * values back in the order it was compiled with, only the ones it binds, and on Postgres
 * each phrase's index query names the owner first (the order a GIN index answers fastest).
 */
import { describe, expect, it } from 'vitest';
import { ownerPhrases } from '../../adapters/sql/owner-tokens.js';
import { boundSearch, indexQuery, searchArgs, searchFor, searchFromArgs, searchShape } from '../../adapters/sql/search-values.js';
import { parseSearch } from '../../src/search/search-query.js';
import type { StoreScope } from '../../src/store.js';

const reseller: StoreScope = { tenantId: 't1', visibility: 'staff', resellerId: 'res-1' };
const customer: StoreScope = { tenantId: 't1', visibility: 'customer', subscriberId: "O'Brien", resellerId: 'res-1' };

describe('search values', () => {
  it('gives a cached statement back every value in order, and the shape names what its SQL depends on', () => {
    for (const fullText of ['fts5', 'tsvector', 'like'] as const) {
      for (const q of ['router', '"double charge" reboot', 'TKT-12', "it's 50% off_now"]) {
        const bound = boundSearch(fullText, customer, parseSearch(q));
        for (const use of ['hits', 'walk', 'number'] as const) {
          const part = searchFor(bound, use);
          const args = searchArgs(part);
          const back = searchFromArgs(part, ['x', 'y', ...args], 2);
          expect(searchArgs(back)).toStrictEqual(args);
          expect(back.numbered).toBe(part.numbered);
          // Only what the statement binds: a walk binds no index query, the number step nothing else.
          if (use !== 'hits') expect(part.hits).toStrictEqual([]);
          if (use === 'number') expect(part.own).toStrictEqual([]);
        }
        // Two searches of the same shape share a key; a further phrase does not.
        const other = boundSearch(fullText, customer, parseSearch(q.replace(/\w+/, 'modem')));
        expect(searchShape(other)).toBe(searchShape(bound));
        expect(searchShape(boundSearch(fullText, customer, parseSearch(`${q} extra`)))).not.toBe(searchShape(bound));
      }
    }
  });

  it("asks a GIN index for the owner's token before the words, and FTS5 for the words first", () => {
    const search = parseSearch('"double charge"');
    const owners = ownerPhrases(reseller);
    expect(boundSearch('tsvector', reseller, search).hits).toStrictEqual([indexQuery('tsvector', [...owners, ...search.phrases])]);
    expect(boundSearch('fts5', reseller, search).hits).toStrictEqual([indexQuery('fts5', [...search.phrases, ...owners])]);
    // The own-text check has no owner tokens: it reads the ticket's own row.
    expect(boundSearch('tsvector', reseller, search).own).toStrictEqual([indexQuery('tsvector', search.phrases)]);
    expect(boundSearch('fts5', reseller, search).own).toStrictEqual(['% double charge%']);
  });
});
