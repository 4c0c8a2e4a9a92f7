/**
 * The MySQL / MariaDB hooks read a `DATETIME` string (mysql2 with `dateStrings`) by
 * character codes, for speed (a queue page maps some 330 of them). It must read every
 * string exactly as the regular expression it replaced did: the same instant for every
 * well-formed value in the years 1-9999, any fraction length, `T` or a space, trailing
 * characters ignored, and `new Date(value)` for anything else. No server needed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromDatetimeString, mysqlHooks, toDatetime } from '../../adapters/mysql/mysql-hooks.js';

/** The reader as it was written before (commit f0eb3a6), the oracle. */
function oracle(value: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?/.exec(value);
  if (m === null) return new Date(value);
  const ms = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0').slice(0, 3));
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number];
  const out = new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms));
  if (y >= 0 && y < 100) out.setUTCFullYear(y, mo - 1, d);
  return out;
}

const same = (value: string) => {
  const got = fromDatetimeString(value).getTime();
  const want = oracle(value).getTime();
  return Object.is(got, want);
};

describe('MySQL DATETIME strings read by character codes', () => {
  it('reads the edges, short fractions, a T, and trailing characters as before', () => {
    for (const value of [
      '0001-01-01 00:00:00.000',
      '0099-12-31 23:59:59.999',
      '0100-01-01 00:00:00',
      '1970-01-01 00:00:00.000',
      '2026-03-02 10:00:00.5',
      '2026-03-02 10:00:00.12',
      '2026-03-02 10:00:00.123456',
      '2026-03-02 10:00:00.1234567',
      '2026-03-02T10:00:00.250',
      '2026-03-02 10:00:00.',
      '2026-03-02 10:00:00Z',
      '9999-12-31 23:59:59.999',
    ]) {
      expect(same(value), value).toBe(true);
    }
    expect(fromDatetimeString('2026-03-02 10:00:00.5').toISOString()).toBe('2026-03-02T10:00:00.500Z');
    expect(fromDatetimeString('0001-01-01 00:00:00.000').toISOString()).toBe('0001-01-01T00:00:00.000Z');
  });

  it('leaves what is not such a string to new Date(), as before', () => {
    for (const value of ['', '2026-03-02', '2026-03-02 10:00', '2026/03/02 10:00:00', '20x6-03-02 10:00:00', '2026-03-02 10:00:0', 'x'.repeat(19), '-2026-03-02 10:00:00']) {
      expect(same(value), value).toBe(true);
    }
  });

  it('round-trips every instant of the years 1-9999 that toDatetime writes', () => {
    fc.assert(
      fc.property(fc.integer({ min: new Date('0001-01-01T00:00:00.000Z').getTime(), max: new Date('9999-12-31T23:59:59.999Z').getTime() }), (ms) => {
        const text = toDatetime(new Date(ms));
        return fromDatetimeString(text).getTime() === ms && same(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with the regular expression on strings near the format', () => {
    const digit = fc.constantFrom(...'0123456789');
    const near = fc.tuple(
      fc.array(fc.oneof(digit, digit, digit, fc.constantFrom('-', ' ', 'T', ':', '.', 'x', 'Z')), { minLength: 0, maxLength: 30 }),
      fc.integer({ min: 0, max: 4 }),
    ).map(([chars, mode]) => {
      if (mode === 0) return chars.join('');
      // A well-formed prefix with a random tail.
      const d = (n: number) => String(n).padStart(2, '0');
      return `${String(1 + (chars.length * 373) % 9999).padStart(4, '0')}-${d(1 + (chars.length % 12))}-${d(1 + (chars.length % 28))}${mode === 1 ? 'T' : ' '}${d(chars.length % 24)}:${d(chars.length % 60)}:${d((chars.length * 7) % 60)}${chars.join('')}`;
    });
    fc.assert(fc.property(near, same), { numRuns: 5000 });
  });

  it('is what the hooks use for strings', () => {
    const hooks = mysqlHooks({ driverDates: 'string' });
    expect((hooks.fromDate('2026-03-02 10:00:00.123') as Date).toISOString()).toBe('2026-03-02T10:00:00.123Z');
  });
});
