/**
 * The word index's packed posting lists read back exactly what was posted, in order, for
 * any ordinals (older tickets after newer ones, large jumps), and a reset to a mark takes
 * back exactly the postings after it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PackedPostings } from '../../adapters/memory/memory-search.js';

describe('packed postings', () => {
  it('read back what was posted, and a reset forgets exactly what came after its mark', () => {
    const ordinal = fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }));
    fc.assert(
      fc.property(fc.array(ordinal, { maxLength: 40 }), fc.array(ordinal, { maxLength: 200 }), (first, more) => {
        const list = new PackedPostings(first);
        expect([...list.ordinals()]).toStrictEqual(first);
        const mark = list.mark();
        for (const o of more) list.push(o);
        expect([...list.ordinals()]).toStrictEqual([...first, ...more]);
        expect(list.count).toBe(first.length + more.length);
        list.reset(mark);
        expect([...list.ordinals()]).toStrictEqual(first);
        expect(list.count).toBe(first.length);
      }),
    );
  });
});
