/** The folded words every store indexes: the ASCII fast path agrees with the Unicode path. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { searchWords, searchWordsUnicode } from '../../src/search/search-text.js';

describe('searchWords', () => {
  it('gives ASCII text the same words as the Unicode path', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), maxLength: 200 }), (text) => {
        expect(searchWords(text)).toStrictEqual(searchWordsUnicode(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('folds accents, case and scripts, splits CJK by character and cuts long words', () => {
    expect(searchWords('Ärger mit dem ΩMEGA-Router, T-1042!')).toStrictEqual(['arger', 'mit', 'dem', 'ωmega', 'router', 't', '1042']);
    expect(searchWords('网络故障 сеть')).toStrictEqual(['网', '络', '故', '障', 'сеть']);
    expect(searchWords(`${'a'.repeat(70)} b`)).toStrictEqual(['a'.repeat(64), 'b']);
    expect(searchWords('PAYMENT_failed\u0000now')).toStrictEqual(['payment', 'failed', 'now']);
  });
});
