import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareCodePoints } from '../../src/stats/stats-accumulator.js';

/** Code point order the plain way: both strings split into code points. */
function reference(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0)!);
  const y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

// Strings rich in surrogates (paired and lone) and in shared prefixes.
const unit = fc.oneof(
  fc.constantFrom('a', 'b', '\uffff', '\ud83d', '\ude00', '\ud800', '\udfff', '\ue000', '😀', '😁'),
  fc.string({ unit: 'binary', maxLength: 2 }),
);
const text = fc.array(unit, { maxLength: 6 }).map((parts) => parts.join(''));

describe('compareCodePoints', () => {
  it('orders as the code points do (the sign), surrogates and prefixes included', () => {
    fc.assert(
      fc.property(text, text, text, (prefix, a, b) => {
        expect(Math.sign(compareCodePoints(prefix + a, prefix + b))).toBe(Math.sign(reference(prefix + a, prefix + b)));
      }),
      { numRuns: 2000 },
    );
  });
});
