/**
 * How a stats window's whole days split into the dated buckets (`coverDays`): the reads,
 * added and subtracted, count every day of the range exactly once and no other, each
 * month read is whole calendar months and each week read whole weeks of a month, for ranges
 * anywhere from the year 1 to 2200: month and year ends, leap days, 1970, and the years
 * 0-99 that `Date.UTC` reads as 1900-1999. The calendar here is walked day by day with
 * `getUTCDate()`, not computed the way the store computes it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY_MS, coverDays, firstDayOfMonth, monthOfDay, type BucketRange, type SignedRange } from '../../adapters/sql/ticket-stats.js';

/** The day of the month of UTC day `day` (1-31), from the date itself. */
const dateOf = (day: number): number => new Date(day * DAY_MS).getUTCDate();
/** Whether `day` begins a week of the month (days 1, 8, 15, 22 and 29). */
const beginsWeek = (day: number): boolean => [1, 8, 15, 22, 29].includes(dateOf(day));

/** The days a month range `[first, end)` (months since 1970) holds, walked day by day. */
function monthDays(range: BucketRange): number[] {
  const days: number[] = [];
  let day = firstDayOfMonth(range.first!);
  // The first day of the first month is a 1st, and the walk stops at the 1st of `end`.
  expect(dateOf(day)).toBe(1);
  while (monthOfDay(day) < range.end!) days.push(day++);
  expect(dateOf(day)).toBe(1);
  return days;
}

/** The days of the weeks (of a month) beginning in `[first, end)`. */
function weekDays(range: BucketRange): number[] {
  expect(beginsWeek(range.first!)).toBe(true);
  expect(beginsWeek(range.end!)).toBe(true);
  const days: number[] = [];
  for (let day = range.first!; day < range.end!; day++) days.push(day);
  return days;
}

const dayRange = (range: BucketRange): number[] => Array.from({ length: range.end! - range.first! }, (_, i) => range.first! + i);

// UTC days from the year 1 to 2200.
const YEAR_1 = -719_162;
const YEAR_2200 = 84_006;

describe('coverDays', () => {
  it('coverDays: months, weeks and days added and subtracted count every day of a range once and no other', () => {
    const start = fc.oneof(
      fc.integer({ min: YEAR_1, max: YEAR_2200 }),
      fc.integer({ min: -800, max: 800 }),
      fc.integer({ min: YEAR_1, max: YEAR_1 + 36_600 }),
      fc.integer({ min: 20_000, max: 20_600 }),
    );
    const daysOf = (r: SignedRange): number[] =>
      r.unit === 'month' ? monthDays(r) : r.unit === 'week' ? weekDays(r) : dayRange(r);
    fc.assert(
      fc.property(start, fc.integer({ min: 1, max: 1_200 }), (firstDay, length) => {
        const endDay = firstDay + length;
        const count = new Map<number, number>();
        for (const r of coverDays({ firstDay, endDay })) {
          for (const day of daysOf(r)) count.set(day, (count.get(day) ?? 0) + r.sign);
        }
        const wrong = [...count].filter(([day, n]) => n !== (day >= firstDay && day < endDay ? 1 : 0));
        expect(wrong, `${firstDay}..${endDay}`).toStrictEqual([]);
        expect([...count].filter(([, n]) => n === 1).length).toBe(length);
      }),
      { numRuns: 1_000 },
    );
  });

  it('monthOfDay and firstDayOfMonth agree on every day of the years 1 to 9999, the years 0-99 included', () => {
    // `Date.UTC` reads the years 0-99 as 1900-1999: the rebuilds' and checks' day-to-month
    // map (migration 008's, which the buckets use too) put tickets of those years in the
    // wrong month.
    fc.assert(
      fc.property(fc.integer({ min: Math.floor(Date.parse('0001-01-01T00:00:00Z') / DAY_MS), max: Math.floor(Date.parse('9999-12-31T00:00:00Z') / DAY_MS) }), (day) => {
        const date = new Date(day * DAY_MS);
        const month = monthOfDay(day);
        const first = firstDayOfMonth(month);
        expect(first).toBe(day - (date.getUTCDate() - 1));
        expect(firstDayOfMonth(month + 1)).toBeGreaterThan(day);
      }),
      { numRuns: 2_000, examples: [[Math.floor(Date.parse('0050-06-15T12:00:00Z') / DAY_MS)], [Math.floor(Date.parse('0099-12-31T00:00:00Z') / DAY_MS)], [Math.floor(Date.parse('0001-01-01T00:00:00Z') / DAY_MS)]] },
    );
  });

  it('coverDays: a month less two days reads the month and the two days; an open end reads months to it', () => {
    const jan = monthOfDay(20_454); // January 2026 (20,454 is 1 January)
    expect(firstDayOfMonth(jan)).toBe(20_454);
    expect(coverDays({ firstDay: 20_456, endDay: 20_485 }).map(({ unit, sign }) => `${sign > 0 ? '+' : '-'}${unit}`).sort()).toStrictEqual(['+month', '-day'].sort());
    const open = coverDays({ firstDay: 20_456 });
    expect(open.some((r) => r.unit === 'month' && r.end === undefined)).toBe(true);
    const to = coverDays({ endDay: 20_470 });
    expect(to.some((r) => r.unit === 'month' && r.first === undefined && r.end === jan)).toBe(true);
  });
});
