/**
 * Property tests of the SLA arithmetic against a brute-force oracle that steps minute by
 * minute and asks Intl for each minute's wall time. The oracle shares no code with the
 * implementation: it never looks at offsets or transitions, only at what a wall clock in
 * the zone would show.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addBusinessTime, businessMinutesBetween } from '../../src/sla/business-time.js';
import type { Calendar, Weekday } from '../../src/sla/calendar.js';

/** Scale every numRuns, e.g. `SLA_FUZZ=20 npx vitest run test/sla` for a long soak. */
const FUZZ = Number(process.env.SLA_FUZZ ?? 1);
const MINUTE = 60_000;
const DAY = 86_400_000;
const KEYS: Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

// ---------------------------------------------------------------------------------------
// Oracle
// ---------------------------------------------------------------------------------------

const formats = new Map<string, Intl.DateTimeFormat>();
/** Per zone: UTC minute number → local wall minute number (local time read as if UTC). */
const wallMemo = new Map<string, Map<number, number>>();

function wallMinute(timeZone: string, utcMinute: number): number {
  let memo = wallMemo.get(timeZone);
  if (memo === undefined) {
    memo = new Map();
    wallMemo.set(timeZone, memo);
  }
  const hit = memo.get(utcMinute);
  if (hit !== undefined) return hit;
  let f = formats.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formats.set(timeZone, f);
  }
  // `format` is ~3x faster than `formatToParts`; en-US with these options prints 'MM/DD/YYYY, HH:MM'.
  const m = /^(\d{2})\/(\d{2})\/(\d{4}), (\d{2}):(\d{2})$/.exec(f.format(utcMinute * MINUTE));
  if (m === null) throw new Error(`unexpected Intl output for ${timeZone}`);
  const wall = Date.UTC(Number(m[3]), Number(m[1]) - 1, Number(m[2]), Number(m[4]), Number(m[5])) / MINUTE;
  memo.set(utcMinute, wall);
  return wall;
}

/** 'HH:MM' of each minute of a day, and ISO date + weekday key of each day, memoised for speed. */
const HHMM = Array.from({ length: 1440 }, (_, m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);
const dayMemo = new Map<number, [date: string, key: Weekday]>();
function dayInfo(day: number): [string, Weekday] {
  let info = dayMemo.get(day);
  if (info === undefined) {
    const d = new Date(day * DAY);
    info = [d.toISOString().slice(0, 10), KEYS[d.getUTCDay()]!];
    dayMemo.set(day, info);
  }
  return info;
}

/** Whether the UTC minute `[m, m + 1)` is open: its wall time's weekday, 'HH:MM' and date. */
function oracleOpen(cal: Calendar, utcMinute: number): boolean {
  const wall = wallMinute(cal.timeZone, utcMinute);
  const day = Math.floor(wall / 1440);
  const [date, key] = dayInfo(day);
  if (cal.holidays?.includes(date)) return false;
  const hhmm = HHMM[wall - day * 1440]!;
  return (cal.week[key] ?? []).some(([s, e]) => s <= hhmm && hhmm < e);
}

/** Offsets (in minutes from `start`) of the open minutes in `[start, start + span)`. */
function oracleOpenMinutes(cal: Calendar, startMinute: number, span: number): number[] {
  const open: number[] = [];
  for (let i = 0; i < span; i++) if (oracleOpen(cal, startMinute + i)) open.push(i);
  return open;
}

// ---------------------------------------------------------------------------------------
// Arbitraries
// ---------------------------------------------------------------------------------------

/** Zones with the local dates around which they change offset (or any date, without DST). */
const CASES: [timeZone: string, around: string][] = [
  ['America/New_York', '2024-03-10'],
  ['America/New_York', '2024-11-03'],
  ['Europe/Berlin', '2024-03-31'],
  ['Europe/Berlin', '2024-10-27'],
  ['America/Sao_Paulo', '2018-02-17'],
  ['America/Sao_Paulo', '2018-11-04'],
  ['Australia/Lord_Howe', '2024-04-07'],
  ['Australia/Lord_Howe', '2024-10-06'],
  ['Asia/Tehran', '2021-03-22'],
  ['Asia/Tehran', '2021-09-21'],
  ['Asia/Kathmandu', '1986-01-01'],
  ['Asia/Kathmandu', '2024-06-14'],
  ['UTC', '2024-02-28'],
];

const hhmm = (m: number): string => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** Window boundaries, weighted towards the hours around midnight and 01:00–04:00 where zones change. */
const boundary = fc.oneof(
  fc.integer({ min: 0, max: 96 }).map((q) => q * 15),
  fc.constantFrom(0, 30, 60, 90, 120, 150, 180, 210, 240, 1380, 1410, 1440),
  fc.integer({ min: 0, max: 1440 }),
);

/** Weeks with 0–3 windows a day (split shifts, 24:00 ends, overnight pairs), never all empty. */
const weekArb = fc
  .array(fc.uniqueArray(boundary, { maxLength: 6 }), { minLength: 7, maxLength: 7 })
  .map((days) => {
    const week: Calendar['week'] = {};
    days.forEach((bounds, i) => {
      const b = [...bounds].sort((x, y) => x - y);
      const windows: [string, string][] = [];
      for (let j = 0; j + 1 < b.length; j += 2) windows.push([hhmm(b[j]!), hhmm(b[j + 1]!)]);
      if (windows.length > 0) week[KEYS[i]!] = windows;
    });
    return week;
  })
  .filter((w) => Object.keys(w).length > 0);

function localDate(around: string, plusDays: number): string {
  return new Date(Date.parse(`${around}T00:00:00Z`) + plusDays * DAY).toISOString().slice(0, 10);
}

/** A calendar in one of CASES, holidays near its change date, and a minute-aligned range. */
const scenario = fc
  .record({
    zone: fc.constantFrom(...CASES),
    week: weekArb,
    holidays: fc.uniqueArray(fc.integer({ min: -9, max: 12 }), { maxLength: 4 }),
    // Start up to 8 days before the change date, range up to 10 days: most cross it.
    startMinute: fc.integer({ min: -8 * 1440, max: 2 * 1440 }),
    span: fc.integer({ min: 1, max: 10 * 1440 }),
  })
  .map(({ zone: [timeZone, around], week, holidays, startMinute, span }) => {
    const calendar: Calendar = { timeZone, week, holidays: holidays.map((d) => localDate(around, d)) };
    const start = Date.parse(`${around}T00:00:00Z`) / MINUTE + startMinute;
    return { calendar, start, span };
  });

// ---------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------

const at = (ms: number): Date => new Date(ms);

describe('against the minute-by-minute oracle', () => {
  it('businessMinutesBetween and addBusinessTime agree with the oracle', () => {
    fc.assert(
      fc.property(scenario, fc.nat(), fc.nat(), fc.nat(), ({ calendar, start, span }, r1, r2, r3) => {
        const open = oracleOpenMinutes(calendar, start, span);
        const from = start * MINUTE;
        const to = (start + span) * MINUTE;

        expect(businessMinutesBetween(calendar, at(from), at(to))).toBe(open.length);
        // Reversed ranges count negative; an empty one is +0, not -0.
        expect(businessMinutesBetween(calendar, at(to), at(from))).toBe(open.length === 0 ? 0 : -open.length);

        // A sub-range [a, b).
        const a = r1 % span;
        const b = a + (r2 % (span - a + 1));
        const inSub = open.filter((i) => i >= a && i < b).length;
        expect(businessMinutesBetween(calendar, at(from + a * MINUTE), at(from + b * MINUTE))).toBe(inSub);

        // Forward: the k-th open minute ends at the answer.
        const k = r3 % (open.length + 1);
        const expectedForward = k === 0 ? from : from + (open[k - 1]! + 1) * MINUTE;
        expect(addBusinessTime(calendar, at(from), k).getTime()).toBe(expectedForward);

        // Backward from the range's end: the k-th open minute counting back starts at the answer.
        if (open.length > 0) {
          const back = 1 + (r3 % open.length);
          expect(addBusinessTime(calendar, at(to), -back).getTime()).toBe(from + open[open.length - back]! * MINUTE);
        }

        // One minute more than the range holds lands beyond it.
        expect(addBusinessTime(calendar, at(from), open.length + 1).getTime()).toBeGreaterThan(to);
      }),
      { numRuns: 260 * FUZZ },
    );
  });

  it.each(CASES)('agrees at each minute-aligned start and amount in %s around %s', (timeZone, around) => {
    // A denser check per case: short spans, so every case gets runs of its own.
    fc.assert(
      fc.property(weekArb, fc.integer({ min: -2 * 1440, max: 1440 }), fc.integer({ min: 1, max: 2 * 1440 }), fc.nat(), (week, offset, span, r) => {
        const calendar: Calendar = { timeZone, week };
        const start = Date.parse(`${around}T00:00:00Z`) / MINUTE + offset;
        const open = oracleOpenMinutes(calendar, start, span);
        expect(businessMinutesBetween(calendar, at(start * MINUTE), at((start + span) * MINUTE))).toBe(open.length);
        if (open.length > 0) {
          const k = 1 + (r % open.length);
          expect(addBusinessTime(calendar, at(start * MINUTE), k).getTime()).toBe((start + open[k - 1]! + 1) * MINUTE);
          expect(addBusinessTime(calendar, at((start + span) * MINUTE), -k).getTime()).toBe((start + open[open.length - k]!) * MINUTE);
        }
      }),
      { numRuns: 30 * FUZZ },
    );
  });
});

/** Any millisecond in ±30 days around a case's change date. */
const instantNear = (around: string) => fc.integer({ min: -30 * DAY, max: 30 * DAY }).map((d) => Date.parse(`${around}T00:00:00Z`) + d);
/** A whole number of milliseconds up to 5 days, as fractional minutes. */
const amount = fc.integer({ min: 0, max: 5 * DAY }).map((ms) => ms / MINUTE);

const caseCalendar = fc.record({ zone: fc.constantFrom(...CASES), week: weekArb }).chain(({ zone: [timeZone, around], week }) =>
  fc.record({
    calendar: fc.constant<Calendar>({ timeZone, week }),
    s: instantNear(around),
    t: instantNear(around),
    u: instantNear(around),
    d: amount,
    e: amount,
  }),
);

describe('algebra (millisecond precision, no oracle)', () => {
  it('businessMinutesBetween(s, addBusinessTime(s, d)) === d, forward and backward', () => {
    fc.assert(
      fc.property(caseCalendar, ({ calendar, s, d }) => {
        const forward = addBusinessTime(calendar, at(s), d);
        expect(businessMinutesBetween(calendar, at(s), forward)).toBe(d);
        const backward = addBusinessTime(calendar, at(s), -d);
        expect(businessMinutesBetween(calendar, backward, at(s))).toBe(d);
      }),
      { numRuns: 400 * FUZZ },
    );
  });

  it('the answer is the earliest (forward) or latest (backward) such instant', () => {
    fc.assert(
      fc.property(caseCalendar, ({ calendar, s, d }) => {
        fc.pre(d > 0);
        // The millisecond before a forward answer is open, so no earlier instant would do.
        const forward = addBusinessTime(calendar, at(s), d).getTime();
        expect(businessMinutesBetween(calendar, at(forward - 1), at(forward))).toBe(1 / MINUTE);
        // The millisecond at a backward answer is open, so no later instant would do.
        const backward = addBusinessTime(calendar, at(s), -d).getTime();
        expect(businessMinutesBetween(calendar, at(backward), at(backward + 1))).toBe(1 / MINUTE);
      }),
      { numRuns: 300 * FUZZ },
    );
  });

  it('is monotonic in start, amount and range end', () => {
    fc.assert(
      fc.property(caseCalendar, ({ calendar, s, t, u, d, e }) => {
        const [s1, s2] = s <= t ? [s, t] : [t, s];
        const [d1, d2] = d <= e ? [d, e] : [e, d];
        expect(addBusinessTime(calendar, at(s1), d1).getTime()).toBeLessThanOrEqual(addBusinessTime(calendar, at(s1), d2).getTime());
        expect(addBusinessTime(calendar, at(s1), d1).getTime()).toBeLessThanOrEqual(addBusinessTime(calendar, at(s2), d1).getTime());
        expect(addBusinessTime(calendar, at(s1), -d2).getTime()).toBeLessThanOrEqual(addBusinessTime(calendar, at(s1), -d1).getTime());
        expect(addBusinessTime(calendar, at(s1), -d1).getTime()).toBeLessThanOrEqual(addBusinessTime(calendar, at(s2), -d1).getTime());
        expect(businessMinutesBetween(calendar, at(s1), at(u))).toBeLessThanOrEqual(businessMinutesBetween(calendar, at(s1), at(Math.max(u, s2))));
      }),
      { numRuns: 300 * FUZZ },
    );
  });

  it('is additive over adjacent ranges', () => {
    fc.assert(
      fc.property(caseCalendar, ({ calendar, s, t, u }) => {
        const ms = (a: number, b: number) => Math.round(businessMinutesBetween(calendar, at(a), at(b)) * MINUTE);
        expect(ms(s, t) + ms(t, u)).toBe(ms(s, u));
      }),
      { numRuns: 300 * FUZZ },
    );
  });

  it('negative add inverts positive add where the start is open (and vice versa)', () => {
    fc.assert(
      fc.property(caseCalendar, ({ calendar, s, d }) => {
        const openAt = (x: number) => businessMinutesBetween(calendar, at(x), at(x + 1)) > 0;
        // `first` ends the first open millisecond at or after s: `first - 1` is open, and
        // `first` is open just before. The inverse holds exactly for such instants.
        const first = addBusinessTime(calendar, at(s), 1 / MINUTE).getTime();
        expect(openAt(first - 1)).toBe(true);
        expect(addBusinessTime(calendar, addBusinessTime(calendar, at(first - 1), d), -d).getTime()).toBe(first - 1);
        expect(addBusinessTime(calendar, addBusinessTime(calendar, at(first), -d), d).getTime()).toBe(first);
        if (openAt(s)) expect(addBusinessTime(calendar, addBusinessTime(calendar, at(s), d), -d).getTime()).toBe(s);
      }),
      { numRuns: 400 * FUZZ },
    );
  });
});
