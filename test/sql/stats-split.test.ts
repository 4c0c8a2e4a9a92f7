/**
 * How a stats window's whole days split into the dated buckets (`splitDays`): the reads
 * cover every day of the range exactly once, each month read is whole calendar months
 * (and each week read whole weeks of a month, where the store keeps them), for ranges
 * anywhere from the year 1 to 2200: month and year ends, leap days, 1970, and the years
 * 0-99 that `Date.UTC` reads as 1900-1999. The calendar here is walked day by day with
 * `getUTCDate()`, not computed the way the store computes it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY_MS, coverDays, firstDayOfMonth, monthOfDay, splitDays, type BucketRange, type SignedRange } from '../../adapters/sql/ticket-stats.js';

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

/** Every day the split reads, in read order per kind, checked to be whole months and weeks. */
function covered(split: ReturnType<typeof splitDays>): number[] {
  const weeks = (split as { weeks?: BucketRange[] }).weeks ?? [];
  return [
    ...(split.months === null ? [] : monthDays(split.months)),
    ...weeks.flatMap(weekDays),
    ...split.days.flatMap(dayRange),
  ];
}

// UTC days from the year 1 to 2200.
const YEAR_1 = -719_162;
const YEAR_2200 = 84_006;

describe('splitDays', () => {
  it('reads every day of a range once, months and weeks whole, anywhere from the year 1 to 2200', () => {
    const start = fc.oneof(
      fc.integer({ min: YEAR_1, max: YEAR_2200 }),
      // Around 1970, the years 0-99 and 2000 (a leap year of a century), where calendar code slips.
      fc.integer({ min: -800, max: 800 }),
      fc.integer({ min: YEAR_1, max: YEAR_1 + 36_600 }),
      fc.integer({ min: 10_900, max: 11_400 }),
    );
    fc.assert(
      fc.property(start, fc.integer({ min: 1, max: 1_200 }), (firstDay, length) => {
        const endDay = firstDay + length;
        const days = covered(splitDays({ firstDay, endDay })).sort((a, b) => a - b);
        expect(days).toStrictEqual(Array.from({ length }, (_, i) => firstDay + i));
      }),
      { numRuns: 2_000 },
    );
  });

  it('reads at most a few days at either end around whole months and weeks', () => {
    fc.assert(
      fc.property(fc.integer({ min: -800, max: 30_000 }), fc.integer({ min: 1, max: 800 }), (firstDay, length) => {
        const split = splitDays({ firstDay, endDay: firstDay + length });
        const weekly = 'weeks' in split;
        const days = split.days.flatMap(dayRange).length;
        // With weeks: at most six days at either end; months and days only: a month at either end.
        expect(days).toBeLessThanOrEqual(weekly ? 12 : 62);
      }),
      { numRuns: 500 },
    );
  });

  it('leaves the open end of a range to the month read', () => {
    const from = splitDays({ firstDay: 20_463 });
    expect(from.months?.end).toBeUndefined();
    expect(from.months?.first).toBe(monthOfDay(20_463) + 1);
    const to = splitDays({ endDay: 20_463 });
    expect(to.months?.first).toBeUndefined();
    expect(to.months?.end).toBe(monthOfDay(20_463));
  });

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
