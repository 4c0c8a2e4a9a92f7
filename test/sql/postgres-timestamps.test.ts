/**
 * The `timestamptz` parser of the pools the Postgres store makes (`timestamptzParser`):
 * the same instant as pg's own parser (postgres-date) for every form Postgres writes,
 * and pg's own answer for the forms it leaves to it. The round trip through a real
 * server is the contract suite's (every timestamp the Postgres store reads).
 */
import fc from 'fast-check';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { parseIsoTimestamptz, timestamptzParser } from '../../adapters/postgres/timestamp-parser.js';

const pgParse = pg.types.getTypeParser(1184, 'text') as (text: string) => unknown;
const parse = timestamptzParser(pgParse);
const same = (text: string) => {
  const ours = parse(text);
  const theirs = pgParse(text);
  return ours instanceof Date && theirs instanceof Date ? ours.getTime() === theirs.getTime() : Object.is(ours, theirs);
};
const two = (n: number) => String(n).padStart(2, '0');

describe('Postgres timestamptz parser', () => {
  it('reads the ISO form Postgres writes to the instant pg reads, milliseconds truncated', () => {
    const text = fc
      .record({
        year: fc.integer({ min: 1000, max: 9999 }),
        month: fc.integer({ min: 1, max: 12 }),
        day: fc.integer({ min: 1, max: 28 }),
        hour: fc.integer({ min: 0, max: 23 }),
        minute: fc.integer({ min: 0, max: 59 }),
        second: fc.integer({ min: 0, max: 59 }),
        fraction: fc.option(fc.stringMatching(/^[0-9]{1,6}$/), { nil: undefined }),
        offset: fc.constantFrom('+00', '-05', '+05:30', '-03:30', '+14', '-12', '+00:53:28', '-00:25:21'),
      })
      .map(({ year, month, day, hour, minute, second, fraction, offset }) =>
        `${year}-${two(month)}-${two(day)} ${two(hour)}:${two(minute)}:${two(second)}${fraction === undefined ? '' : `.${fraction}`}${offset}`,
      );
    fc.assert(
      fc.property(text, (t) => {
        expect(parseIsoTimestamptz(t), t).toBeInstanceOf(Date);
        expect(same(t), t).toBe(true);
      }),
      { numRuns: 2000 },
    );
    expect((parse('2026-03-02 10:00:00.123456+00') as Date).toISOString()).toBe('2026-03-02T10:00:00.123Z');
    expect((parse('2026-03-02 10:00:00.5-05') as Date).toISOString()).toBe('2026-03-02T15:00:00.500Z');
  });

  it("leaves every other form to pg's parser", () => {
    for (const text of ['infinity', '-infinity', '0001-01-01 00:00:00+00', '0099-12-31 23:59:59+00', '2000-01-01 00:00:00+00 BC',
      '12345-01-01 00:00:00+00', '2026-03-02', '2026-03-02 10:00:00', '2026-03-02T10:00:00Z', '2026-03-02 10:00:00.+00', '2026-3-2 10:00:00+00']) {
      expect(parseIsoTimestamptz(text), text).toBeUndefined();
      expect(same(text), text).toBe(true);
    }
  });
});
