import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, TicketError } from '../../src/errors.js';
import { calendarSchema, compileCalendar, DEFAULT_CALENDAR, TWENTY_FOUR_SEVEN } from '../../src/sla/calendar.js';
import { zoneOffsets } from '../../src/sla/zone-offsets.js';
import type { Calendar, Weekday } from '../../src/sla/calendar.js';

/** Runs `fn`, expects a ConfigError, returns its `params.field` and message. */
function configError(fn: () => unknown): { field: unknown; message: string } {
  try {
    fn();
  } catch (err) {
    expect(TicketError.is(err, 'config')).toBe(true);
    expect(err).toBeInstanceOf(ConfigError);
    return { field: (err as ConfigError).params.field, message: (err as ConfigError).message };
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

const week = (w: Calendar['week']): Calendar => ({ timeZone: 'Europe/Berlin', week: w });

describe('compileCalendar', () => {
  it('compiles the stock calendars', () => {
    const d = compileCalendar(DEFAULT_CALENDAR);
    expect(d.days).toEqual([[], [32_400_000, 61_200_000], [32_400_000, 61_200_000], [32_400_000, 61_200_000], [32_400_000, 61_200_000], [32_400_000, 61_200_000], []]);
    expect(d.zone.timeZone).toBe('UTC');
    const all = compileCalendar(TWENTY_FOUR_SEVEN);
    expect(all.days.every((w) => w.length === 2 && w[0] === 0 && w[1] === 86_400_000)).toBe(true);
  });

  it('freezes the stock calendars', () => {
    expect(Object.isFrozen(DEFAULT_CALENDAR)).toBe(true);
    expect(Object.isFrozen(DEFAULT_CALENDAR.week.mon)).toBe(true);
    expect(Object.isFrozen(TWENTY_FOUR_SEVEN.week.sun?.[0])).toBe(true);
  });

  it('caches by object identity', () => {
    const cal = week({ mon: [['09:00', '17:00']] });
    expect(compileCalendar(cal)).toBe(compileCalendar(cal));
    expect(compileCalendar({ ...cal })).not.toBe(compileCalendar(cal));
    // One offset table per zone, shared by every calendar in it.
    expect(compileCalendar({ ...cal }).zone).toBe(compileCalendar(cal).zone);
  });

  it('sorts windows and merges touching ones, holidays become day numbers', () => {
    const c = compileCalendar({
      timeZone: 'UTC',
      week: { tue: [['13:00', '17:00'], ['08:00', '12:00'], ['12:00', '13:00'], ['20:00', '24:00']] },
      holidays: ['1970-01-02', '2024-02-29', '2024-02-29'],
    });
    expect(c.days[2]).toEqual([8 * 3_600_000, 17 * 3_600_000, 20 * 3_600_000, 24 * 3_600_000]);
    expect([...c.holidays].sort((a, b) => a - b)).toEqual([1, 19_782]);
    expect(c.maxClosedDays).toBe(7 * (2 + 3));
  });

  it.each<[string, Calendar, string, RegExp]>([
    ['empty week', week({}), 'sla.calendar.week', /no open hours/],
    ['only empty days', week({ mon: [], sat: [] }), 'sla.calendar.week', /no open hours/],
    ['inverted window', week({ mon: [['09:00', '17:00']], tue: [['17:00', '09:00']] }), 'sla.calendar.week.tue[0]', /ends before it starts.*overnight/],
    ['zero-length window', week({ wed: [['09:00', '12:00'], ['13:00', '13:00']] }), 'sla.calendar.week.wed[1]', /is empty/],
    ['overlap', week({ mon: [['09:00', '12:00'], ['11:59', '17:00']] }), 'sla.calendar.week.mon[1]', /overlaps mon\[0\]/],
    ['overlap, unsorted input', week({ fri: [['13:00', '17:00'], ['08:00', '12:00'], ['10:00', '11:00']] }), 'sla.calendar.week.fri[2]', /overlaps fri\[1\]/],
    ['nested window', week({ thu: [['08:00', '18:00'], ['09:00', '10:00']] }), 'sla.calendar.week.thu[1]', /overlaps thu\[0\]/],
    ['hour 24 as start', week({ mon: [['24:00', '24:00']] }), 'sla.calendar.week.mon[0][0]', /window start "24:00"/],
    ['hour 25', week({ mon: [['09:00', '25:00']] }), 'sla.calendar.week.mon[0][1]', /window end "25:00"/],
    ['24:30 end', week({ mon: [['09:00', '24:30']] }), 'sla.calendar.week.mon[0][1]', /HH:MM/],
    ['minute 60', week({ mon: [['09:60', '17:00']] }), 'sla.calendar.week.mon[0][0]', /HH:MM/],
    ['one-digit hour', week({ mon: [['9:00', '17:00']] }), 'sla.calendar.week.mon[0][0]', /"9:00"/],
    ['seconds', week({ mon: [['09:00:00', '17:00']] }), 'sla.calendar.week.mon[0][0]', /HH:MM/],
    ['one-element window', week({ mon: [['09:00'] as unknown as [string, string]] }), 'sla.calendar.week.mon[0]', /pair of local times/],
    ['unknown weekday key', week({ mon: [['09:00', '17:00']], monday: [['09:00', '17:00']] } as Calendar['week']), 'sla.calendar.week', /mon, tue/],
    ['unknown zone', { timeZone: 'Europe/Atlantis', week: { mon: [['09:00', '17:00']] } }, 'sla.calendar.timeZone', /unknown time zone "Europe\/Atlantis"/],
    ['empty zone', { timeZone: '', week: { mon: [['09:00', '17:00']] } }, 'sla.calendar.timeZone', /required/],
    ['30 February', { ...week({ mon: [['09:00', '17:00']] }), holidays: ['2024-02-28', '2024-02-30'] }, 'sla.calendar.holidays[1]', /"2024-02-30" is not a date/],
    ['29 February of a common year', { ...week({ mon: [['09:00', '17:00']] }), holidays: ['2023-02-29'] }, 'sla.calendar.holidays[0]', /not a date/],
    ['month 13', { ...week({ mon: [['09:00', '17:00']] }), holidays: ['2024-13-01'] }, 'sla.calendar.holidays[0]', /not a date/],
    ['day 0', { ...week({ mon: [['09:00', '17:00']] }), holidays: ['2024-01-00'] }, 'sla.calendar.holidays[0]', /not a date/],
    ['other date format', { ...week({ mon: [['09:00', '17:00']] }), holidays: ['25.12.2024'] }, 'sla.calendar.holidays[0]', /YYYY-MM-DD/],
    ['typo at the top', { ...week({ mon: [['09:00', '17:00']] }), holiday: ['2024-12-25'] } as Calendar, 'sla.calendar', /holiday/],
  ])('rejects %s', (_name, calendar, field, message) => {
    const err = configError(() => compileCalendar(calendar));
    expect(err.field).toBe(field);
    expect(err.message).toMatch(message);
    expect(err.message).toContain(field);
  });

  it('names the field under a given prefix', () => {
    const err = configError(() => compileCalendar(week({ sun: [['10:00', '09:00']] }), 'departments[2].calendar'));
    expect(err.field).toBe('departments[2].calendar.week.sun[0]');
  });

  it('accepts edge values', () => {
    expect(() => compileCalendar(week({ mon: [['00:00', '00:01']], sun: [['23:59', '24:00']] }))).not.toThrow();
    expect(() => compileCalendar({ ...week({ mon: [['00:00', '24:00']] }), holidays: ['2024-02-29', '0001-01-01', '9999-12-31'] })).not.toThrow();
    expect(() => compileCalendar({ timeZone: 'Asia/Kathmandu', week: { sat: [['09:00', '12:00'], ['12:00', '13:00']] } })).not.toThrow();
  });

  it('does not cache a failure', () => {
    const cal = week({});
    configError(() => compileCalendar(cal));
    configError(() => compileCalendar(cal));
  });

  it('the schema reports every issue with its path', () => {
    const result = calendarSchema().safeParse({
      timeZone: 'Nowhere/Special',
      week: { mon: [['17:00', '09:00']], tue: [['09:00', '12:00'], ['10:00', '11:00']] },
      holidays: ['2024-02-30'],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path)).toEqual([['holidays', 0], ['timeZone'], ['week', 'mon', 0], ['week', 'tue', 1]]);
  });
});

describe('zone offsets from Intl', () => {
  const transitions = (tz: string, from: string, to: string): string[] => {
    const zone = zoneOffsets(tz);
    const [a, b] = [Date.parse(from), Date.parse(to)];
    const out: string[] = [];
    for (let t = a; t < b; ) {
      const chunk = zone.chunkAt(t);
      chunk.starts.forEach((s, i) => {
        const before = i > 0 ? chunk.offsets[i - 1] : zone.chunkAt(s - 1).offsets.at(-1);
        if (s >= a && s < b && chunk.offsets[i] !== before) out.push(`${new Date(s).toISOString()} ${chunk.offsets[i]! / 60_000}`);
      });
      t = chunk.end;
    }
    return out;
  };

  it('finds each transition to the second', () => {
    expect(transitions('America/New_York', '2024-01-01T00:00:00Z', '2025-01-01T00:00:00Z')).toEqual([
      '2024-03-10T07:00:00.000Z -240',
      '2024-11-03T06:00:00.000Z -300',
    ]);
    expect(transitions('Australia/Lord_Howe', '2024-01-01T00:00:00Z', '2025-01-01T00:00:00Z')).toEqual([
      '2024-04-06T15:00:00.000Z 630',
      '2024-10-05T15:30:00.000Z 660',
    ]);
    expect(transitions('Asia/Kathmandu', '1980-01-01T00:00:00Z', '2030-01-01T00:00:00Z')).toEqual(['1985-12-31T18:30:00.000Z 345']);
    expect(transitions('UTC', '1950-01-01T00:00:00Z', '2050-01-01T00:00:00Z')).toEqual([]);
  });

  it('reads offsets with seconds (local mean time)', () => {
    // Liberia kept −00:44:30 until 1972; New York used local mean time −04:56:02 until 1883.
    expect(zoneOffsets('Africa/Monrovia').offsetAt(Date.parse('1970-01-01T12:00:00Z'))).toBe(-(44 * 60 + 30) * 1000);
    expect(zoneOffsets('Africa/Monrovia').offsetAt(Date.parse('1972-06-01T12:00:00Z'))).toBe(0);
    expect(zoneOffsets('America/New_York').offsetAt(Date.parse('1880-01-01T12:00:00Z'))).toBe(-(4 * 3600 + 56 * 60 + 2) * 1000);
    // Year 1 BC and far ahead, where Intl needs an era and Date.UTC would mis-map 2-digit years.
    expect(zoneOffsets('UTC').offsetAt(Date.parse('-000001-06-01T00:00:00Z'))).toBe(0);
    expect(zoneOffsets('Asia/Kathmandu').offsetAt(Date.parse('0050-06-01T00:00:00Z'))).toBe((5 * 3600 + 41 * 60 + 16) * 1000);
  });

  it('creates one instance per zone', () => {
    expect(zoneOffsets('Asia/Tehran')).toBe(zoneOffsets('Asia/Tehran'));
    expect(() => zoneOffsets('Nowhere/Town')).toThrow(RangeError);
  });
});

const DAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const hhmm = (m: number): string => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

/** A valid week: per day, sorted distinct boundaries paired into windows. */
const validWeek = fc
  .record(
    Object.fromEntries(DAYS.map((d) => [d, fc.uniqueArray(fc.integer({ min: 0, max: 96 }), { maxLength: 6 })])) as Record<
      Weekday,
      fc.Arbitrary<number[]>
    >,
  )
  .map((days) => {
    const w: Calendar['week'] = {};
    for (const d of DAYS) {
      const b = [...days[d]].sort((x, y) => x - y).map((q) => q * 15);
      const windows: [string, string][] = [];
      for (let i = 0; i + 1 < b.length; i += 2) windows.push([hhmm(b[i]!), hhmm(b[i + 1]!)]);
      if (windows.length > 0) w[d] = windows;
    }
    return w;
  })
  .filter((w) => Object.keys(w).length > 0);

describe('calendar validation properties', () => {
  it('accepts every well-formed week', () => {
    fc.assert(
      fc.property(validWeek, (w) => {
        expect(() => compileCalendar({ timeZone: 'UTC', week: w })).not.toThrow();
      }),
      { numRuns: 200 },
    );
  });

  it('names the defective window', () => {
    const defects = ['inverted', 'empty', 'overlap', 'badStart', 'badEnd'] as const;
    fc.assert(
      fc.property(validWeek, fc.constantFrom(...defects), fc.nat(), (w, defect, pick) => {
        const days = DAYS.filter((d) => (w[d]?.length ?? 0) > 0);
        const day = days[pick % days.length]!;
        const windows = w[day]!.map((x) => [...x] as [string, string]);
        const i = pick % windows.length;
        const [s, e] = windows[i]!;
        let field = `sla.calendar.week.${day}[${i}]`;
        if (defect === 'inverted') windows[i] = [e === '24:00' ? '23:59' : e, s];
        if (defect === 'empty') windows[i] = [s, s];
        if (defect === 'badStart') {
          windows[i] = ['24:00', e];
          field += '[0]';
        }
        if (defect === 'badEnd') {
          windows[i] = [s, '24:01'];
          field += '[1]';
        }
        if (defect === 'overlap') {
          // A copy of window i appended at the end overlaps it; the later index is named.
          windows.push([s, e]);
          field = `sla.calendar.week.${day}[${windows.length - 1}]`;
        }
        const err = configError(() => compileCalendar({ timeZone: 'UTC', week: { ...w, [day]: windows } }));
        expect(err.field).toBe(field);
      }),
      { numRuns: 300 },
    );
  });
});
