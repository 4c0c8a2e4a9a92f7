/**
 * `mayBeCommon` (adapters/sql/word-stats.ts): a phrase may be common only when every word
 * is one Postgres's statistics list as common, its last (a prefix) beginning one. The
 * statistics themselves are read on a real database in test/sql/search-walk.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { mayBeCommon } from '../../adapters/sql/word-stats.js';

const words = ['about', 'charge', 'double', 'invoice', 'router', 'routers', 'the', 'ärger'].sort();

describe('mayBeCommon', () => {
  it('takes a phrase for common when each word is listed, the last as a prefix', () => {
    expect(mayBeCommon({ words: ['router'], prefix: true }, words)).toBe(true);
    expect(mayBeCommon({ words: ['rou'], prefix: true }, words)).toBe(true);
    expect(mayBeCommon({ words: ['double', 'charge'], prefix: false }, words)).toBe(true);
    expect(mayBeCommon({ words: ['double', 'cha'], prefix: true }, words)).toBe(true);
    expect(mayBeCommon({ words: ['ärg'], prefix: true }, words)).toBe(true);
  });

  it('takes it for rare when a word is not listed, or a prefix begins none, or only the last word is a prefix', () => {
    expect(mayBeCommon({ words: ['rou'], prefix: false }, words)).toBe(false);
    expect(mayBeCommon({ words: ['dou', 'charge'], prefix: true }, words)).toBe(false);
    expect(mayBeCommon({ words: ['zebra'], prefix: true }, words)).toBe(false);
    expect(mayBeCommon({ words: ['routerz'], prefix: true }, words)).toBe(false);
    expect(mayBeCommon({ words: ['a'], prefix: false }, words)).toBe(false);
    expect(mayBeCommon({ words: ['router'], prefix: true }, [])).toBe(false);
  });
});
