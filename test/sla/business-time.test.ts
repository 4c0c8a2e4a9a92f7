/**
 * Hand-checked examples. Every expected value below was worked out from the zone's
 * published rules (noted next to each group), not read back from the implementation.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, TicketError, ValidationError } from '../../src/errors.js';
import { addBusinessTime, businessMinutesBetween } from '../../src/sla/business-time.js';
import { compileCalendar, DEFAULT_CALENDAR, TWENTY_FOUR_SEVEN } from '../../src/sla/calendar.js';
import type { Calendar } from '../../src/sla/calendar.js';

const add = (cal: Calendar, iso: string, minutes: number): string => addBusinessTime(cal, new Date(iso), minutes).toISOString();
const between = (cal: Calendar, from: string, to: string): number => businessMinutesBetween(cal, new Date(from), new Date(to));
const everyDay = (tz: string): Calendar => ({
  timeZone: tz,
  week: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '24:00']]])),
});

describe('UTC basics (DEFAULT_CALENDAR: Mon–Fri 09:00–17:00 UTC)', () => {
  const c = DEFAULT_CALENDAR;
  it('adds within a day, ending exactly at a window end', () => {
    expect(add(c, '2024-03-04T09:00:00Z', 480)).toBe('2024-03-04T17:00:00.000Z');
    expect(add(c, '2024-03-04T09:00:00Z', 481)).toBe('2024-03-05T09:01:00.000Z');
  });
  it('skips nights and the weekend', () => {
    expect(add(c, '2024-03-01T16:00:00Z', 120)).toBe('2024-03-04T10:00:00.000Z'); // Fri → Mon
    expect(between(c, '2024-03-01T16:00:00Z', '2024-03-04T10:00:00Z')).toBe(120);
    expect(add(c, '2024-03-02T12:00:00Z', 1)).toBe('2024-03-04T09:01:00.000Z'); // Sat → Mon
  });
  it('covers the leap day', () => {
    expect(add(c, '2024-02-28T16:00:00Z', 480)).toBe('2024-02-29T16:00:00.000Z');
    expect(between(c, '2024-02-26T00:00:00Z', '2024-03-04T00:00:00Z')).toBe(5 * 480);
  });
  it('returns start unchanged for 0 minutes, even when closed', () => {
    expect(add(c, '2024-03-02T12:34:56.789Z', 0)).toBe('2024-03-02T12:34:56.789Z');
    expect(add(c, '2024-03-02T12:34:56.789Z', -0)).toBe('2024-03-02T12:34:56.789Z');
  });
  it('keeps fractional minutes to the millisecond', () => {
    expect(add(c, '2024-03-04T09:00:00Z', 0.5)).toBe('2024-03-04T09:00:30.000Z');
    expect(add(c, '2024-03-04T09:00:00Z', 1 / 60_000)).toBe('2024-03-04T09:00:00.001Z');
    expect(add(c, '2024-03-04T16:59:59.999Z', 2 / 60_000)).toBe('2024-03-05T09:00:00.001Z');
    expect(between(c, '2024-03-04T09:00:00Z', '2024-03-04T09:00:00.001Z')).toBe(1 / 60_000);
    expect(between(c, '2024-03-04T16:59:30Z', '2024-03-05T09:00:15Z')).toBe(0.75);
    // Below half a millisecond rounds to nothing.
    expect(add(c, '2024-03-04T10:00:00Z', 0.4 / 60_000)).toBe('2024-03-04T10:00:00.000Z');
  });
  it('walks backwards for negative minutes', () => {
    expect(add(c, '2024-03-04T10:00:00Z', -120)).toBe('2024-03-01T16:00:00.000Z');
    // Stops at the window start, the latest instant with 60 open minutes before start.
    expect(add(c, '2024-03-04T10:00:00Z', -60)).toBe('2024-03-04T09:00:00.000Z');
    expect(add(c, '2024-03-04T09:00:00Z', -60)).toBe('2024-03-01T16:00:00.000Z');
    expect(add(c, '2024-03-02T12:00:00Z', -0.5)).toBe('2024-03-01T16:59:30.000Z');
    expect(add(c, '2024-03-04T09:00:00.001Z', -1 / 60_000)).toBe('2024-03-04T09:00:00.000Z');
  });
  it('counts [from, to) and is antisymmetric', () => {
    expect(between(c, '2024-03-04T08:00:00Z', '2024-03-04T18:00:00Z')).toBe(480);
    expect(between(c, '2024-03-04T18:00:00Z', '2024-03-04T08:00:00Z')).toBe(-480);
    expect(between(c, '2024-03-04T12:00:00Z', '2024-03-04T12:00:00Z')).toBe(0);
    expect(between(c, '2024-03-02T00:00:00Z', '2024-03-03T23:59:59.999Z')).toBe(0);
  });
  it('counts a year', () => {
    // 2024 has 262 weekdays.
    expect(between(c, '2024-01-01T00:00:00Z', '2025-01-01T00:00:00Z')).toBe(262 * 480);
    expect(add(c, '2024-01-01T00:00:00Z', 262 * 480)).toBe('2024-12-31T17:00:00.000Z');
  });
  it('split shifts', () => {
    const split: Calendar = { timeZone: 'UTC', week: { mon: [['08:00', '12:00'], ['13:00', '17:00']] } };
    expect(add(split, '2024-03-04T11:30:00Z', 60)).toBe('2024-03-04T13:30:00.000Z');
    expect(add(split, '2024-03-04T13:30:00Z', -60)).toBe('2024-03-04T11:30:00.000Z');
    expect(add(split, '2024-03-04T12:30:00Z', 1)).toBe('2024-03-04T13:01:00.000Z');
    expect(between(split, '2024-03-04T00:00:00Z', '2024-03-11T00:00:00Z')).toBe(480);
    expect(add(split, '2024-03-04T16:00:00Z', 120)).toBe('2024-03-11T09:00:00.000Z');
  });
  it('overnight shifts and windows ending 24:00', () => {
    const night: Calendar = { timeZone: 'UTC', week: { mon: [['22:00', '24:00']], tue: [['00:00', '06:00']] } };
    expect(add(night, '2024-03-04T23:00:00Z', 120)).toBe('2024-03-05T01:00:00.000Z');
    expect(between(night, '2024-03-04T23:59:30Z', '2024-03-05T00:00:30Z')).toBe(1);
    expect(add(night, '2024-03-05T01:00:00Z', -120)).toBe('2024-03-04T23:00:00.000Z');
    expect(add(night, '2024-03-05T06:00:00Z', 1)).toBe('2024-03-11T22:01:00.000Z');
  });
  it('24/7 has no seam at midnight (Zammad #3180)', () => {
    expect(add(TWENTY_FOUR_SEVEN, '2024-02-28T23:59:00Z', 2)).toBe('2024-02-29T00:01:00.000Z');
    expect(between(TWENTY_FOUR_SEVEN, '2024-02-28T23:59:30Z', '2024-02-29T00:00:30Z')).toBe(1);
    expect(between(TWENTY_FOUR_SEVEN, '2024-01-01T00:00:00Z', '2025-01-01T00:00:00Z')).toBe(366 * 1440);
    expect(add(TWENTY_FOUR_SEVEN, '2024-02-29T00:01:00Z', -2)).toBe('2024-02-28T23:59:00.000Z');
  });
  it('holidays close the whole local day', () => {
    const h: Calendar = { ...DEFAULT_CALENDAR, holidays: ['2024-12-24', '2024-12-25', '2024-12-26'] };
    expect(add(h, '2024-12-23T16:00:00Z', 120)).toBe('2024-12-27T10:00:00.000Z');
    expect(add(h, '2024-12-27T10:00:00Z', -120)).toBe('2024-12-23T16:00:00.000Z');
    expect(between(h, '2024-12-23T00:00:00Z', '2024-12-30T00:00:00Z')).toBe(960);
  });
});

describe('America/New_York (2024: 10 Mar 02:00 EST → 03:00 EDT; 3 Nov 02:00 EDT → 01:00 EST)', () => {
  const night: Calendar = { timeZone: 'America/New_York', week: { sun: [['01:00', '04:00']] } };
  it('spring forward: 01:00–04:00 holds 2 real hours', () => {
    expect(between(night, '2024-03-10T00:00:00Z', '2024-03-11T00:00:00Z')).toBe(120);
    expect(add(night, '2024-03-10T00:00:00Z', 1)).toBe('2024-03-10T06:01:00.000Z'); // opens 01:00 EST
    expect(add(night, '2024-03-10T06:00:00Z', 90)).toBe('2024-03-10T07:30:00.000Z'); // 03:30 EDT
    expect(add(night, '2024-03-10T06:00:00Z', 120)).toBe('2024-03-10T08:00:00.000Z'); // 04:00 EDT
    expect(add(night, '2024-03-10T09:00:00Z', -90)).toBe('2024-03-10T06:30:00.000Z');
  });
  it('spring forward: a boundary inside the gap takes effect after it', () => {
    const gap: Calendar = { timeZone: 'America/New_York', week: { sun: [['02:30', '05:00']] } };
    expect(between(gap, '2024-03-10T00:00:00Z', '2024-03-11T00:00:00Z')).toBe(120);
    expect(add(gap, '2024-03-10T00:00:00Z', 1)).toBe('2024-03-10T07:01:00.000Z');
    const inside: Calendar = { timeZone: 'America/New_York', week: { sun: [['02:00', '03:00']], mon: [['09:00', '10:00']] } };
    expect(between(inside, '2024-03-10T00:00:00Z', '2024-03-11T00:00:00Z')).toBe(0);
    expect(add(inside, '2024-03-10T06:59:00Z', 1)).toBe('2024-03-11T13:01:00.000Z');
  });
  it('fall back: 01:00–04:00 holds 4 real hours', () => {
    expect(between(night, '2024-11-03T00:00:00Z', '2024-11-04T00:00:00Z')).toBe(240);
    expect(add(night, '2024-11-03T05:00:00Z', 150)).toBe('2024-11-03T07:30:00.000Z'); // 02:30 EST
    expect(add(night, '2024-11-03T09:00:00Z', -240)).toBe('2024-11-03T05:00:00.000Z');
  });
  it('fall back: a window inside the repeated hour is open twice', () => {
    const rep: Calendar = { timeZone: 'America/New_York', week: { sun: [['01:30', '02:00']] } };
    // 01:30–02:00 EDT = 05:30–06:00Z, then 01:30–02:00 EST = 06:30–07:00Z.
    expect(between(rep, '2024-11-03T00:00:00Z', '2024-11-04T00:00:00Z')).toBe(60);
    expect(between(rep, '2024-11-03T06:00:00Z', '2024-11-03T06:30:00Z')).toBe(0);
    expect(add(rep, '2024-11-03T05:00:00Z', 45)).toBe('2024-11-03T06:45:00.000Z');
    expect(add(rep, '2024-11-03T07:00:00Z', -45)).toBe('2024-11-03T05:45:00.000Z');
  });
  it('weekday hours across the change', () => {
    const office: Calendar = { timeZone: 'America/New_York', week: { fri: [['09:00', '17:00']], mon: [['09:00', '17:00']] } };
    // Fri 8 Mar 16:00 EST = 21:00Z; Mon 11 Mar 09:00 EDT = 13:00Z.
    expect(add(office, '2024-03-08T21:00:00Z', 120)).toBe('2024-03-11T14:00:00.000Z');
    expect(between(office, '2024-03-08T21:00:00Z', '2024-03-11T14:00:00Z')).toBe(120);
  });
});

describe('Europe/Berlin (2024: 31 Mar 02:00 CET → 03:00 CEST; 27 Oct 03:00 CEST → 02:00 CET)', () => {
  it('a 24/7 calendar counts real elapsed time on change days', () => {
    const all = everyDay('Europe/Berlin');
    expect(between(all, '2024-03-30T23:00:00Z', '2024-03-31T22:00:00Z')).toBe(23 * 60);
    expect(between(all, '2024-10-26T22:00:00Z', '2024-10-27T23:00:00Z')).toBe(25 * 60);
    expect(add(all, '2024-03-30T22:59:00Z', 2)).toBe('2024-03-30T23:01:00.000Z'); // across local midnight
    expect(add(all, '2024-03-31T00:59:00Z', 2)).toBe('2024-03-31T01:01:00.000Z'); // across the gap
  });
  it('02:00–03:00 is skipped in spring and doubled in autumn', () => {
    const c: Calendar = { timeZone: 'Europe/Berlin', week: { sun: [['02:00', '03:00']] } };
    expect(between(c, '2024-03-30T00:00:00Z', '2024-04-01T00:00:00Z')).toBe(0);
    expect(between(c, '2024-10-26T00:00:00Z', '2024-10-28T00:00:00Z')).toBe(120);
    expect(add(c, '2024-10-26T00:00:00Z', 90)).toBe('2024-10-27T01:30:00.000Z');
    // 31 Mar has no 02:00–03:00; the next open minute is Sunday 7 Apr 02:00 CEST = 00:00Z.
    expect(add(c, '2024-03-30T00:00:00Z', 1)).toBe('2024-04-07T00:01:00.000Z');
  });
  it('Mon–Fri with Easter holidays across the spring change', () => {
    const c: Calendar = {
      timeZone: 'Europe/Berlin',
      week: { mon: [['09:00', '17:00']], tue: [['09:00', '17:00']], wed: [['09:00', '17:00']], thu: [['09:00', '17:00']], fri: [['09:00', '17:00']] },
      holidays: ['2024-03-29', '2024-04-01'],
    };
    // Thu 28 Mar 16:00 CET = 15:00Z; Good Friday, weekend, Easter Monday closed; Tue 2 Apr 09:00 CEST = 07:00Z.
    expect(add(c, '2024-03-28T15:00:00Z', 120)).toBe('2024-04-02T08:00:00.000Z');
    expect(add(c, '2024-04-02T08:00:00Z', -120)).toBe('2024-03-28T15:00:00.000Z');
    expect(between(c, '2024-03-25T00:00:00Z', '2024-04-08T00:00:00Z')).toBe(8 * 480);
  });
});

describe('America/Sao_Paulo (2018: 18 Feb 00:00 −02 → 17 Feb 23:00 −03; 4 Nov 00:00 −03 → 01:00 −02)', () => {
  it('the repeated hour before midnight counts twice', () => {
    const c: Calendar = { timeZone: 'America/Sao_Paulo', week: { sat: [['22:00', '24:00']] } };
    // Sat 17 Feb 22:00 −02 = 00:00Z; the wall reaches 24:00 at 02:00Z, falls back to 23:00 −03, reaches 24:00 again at 03:00Z.
    expect(between(c, '2018-02-17T12:00:00Z', '2018-02-18T12:00:00Z')).toBe(180);
    expect(add(c, '2018-02-17T12:00:00Z', 150)).toBe('2018-02-18T02:30:00.000Z');
  });
  it('a skipped midnight: the day starts at 01:00 and 24:00 of the day before means then', () => {
    const c: Calendar = { timeZone: 'America/Sao_Paulo', week: { sat: [['22:00', '24:00']], sun: [['00:00', '02:00']] } };
    // Sat 3 Nov 22:00 −03 = 01:00Z Nov 4; Sun 4 Nov begins 01:00 −02 = 03:00Z; 02:00 −02 = 04:00Z.
    expect(between(c, '2018-11-04T00:00:00Z', '2018-11-05T00:00:00Z')).toBe(180);
    expect(between(c, '2018-11-04T02:59:00Z', '2018-11-04T03:01:00Z')).toBe(2);
    expect(add(c, '2018-11-04T00:00:00Z', 150)).toBe('2018-11-04T03:30:00.000Z');
    const sunOnly: Calendar = { timeZone: 'America/Sao_Paulo', week: { sun: [['00:00', '02:00']] } };
    expect(add(sunOnly, '2018-11-04T00:00:00Z', 30)).toBe('2018-11-04T03:30:00.000Z');
  });
});

describe('Australia/Lord_Howe (2024: 7 Apr 02:00 +11 → 01:30 +10:30; 6 Oct 02:00 +10:30 → 02:30 +11)', () => {
  const c: Calendar = { timeZone: 'Australia/Lord_Howe', week: { sun: [['01:00', '03:00']] } };
  it('half-hour fall back: 01:00–03:00 holds 2.5 hours', () => {
    // 01:00 +11 = 6 Apr 14:00Z; 03:00 +10:30 = 16:30Z.
    expect(between(c, '2024-04-06T00:00:00Z', '2024-04-07T00:00:00Z')).toBe(150);
    expect(add(c, '2024-04-06T14:00:00Z', 100)).toBe('2024-04-06T15:40:00.000Z');
  });
  it('half-hour spring forward: 01:00–03:00 holds 1.5 hours', () => {
    // 01:00 +10:30 = 5 Oct 14:30Z; 03:00 +11 = 16:00Z.
    expect(between(c, '2024-10-05T00:00:00Z', '2024-10-06T00:00:00Z')).toBe(90);
    // 01:00–02:00 +10:30 and 02:30–03:00 +11 are back to back in UTC: 14:30–16:00Z.
    expect(add(c, '2024-10-05T00:00:00Z', 61)).toBe('2024-10-05T15:31:00.000Z');
  });
});

describe('Asia/Tehran (2021: 22 Mar 00:00 +03:30 → 01:00 +04:30; 22 Sep 00:00 +04:30 → 21 Sep 23:00 +03:30)', () => {
  it('spring: midnight is skipped, 24:00 and 00:00 both mean 01:00', () => {
    const c: Calendar = { timeZone: 'Asia/Tehran', week: { sun: [['22:00', '24:00']], mon: [['00:00', '02:00']] } };
    // Sun 21 Mar 22:00 +03:30 = 18:30Z, continuous to Mon 02:00 +04:30 = 21:30Z.
    expect(between(c, '2021-03-21T00:00:00Z', '2021-03-22T12:00:00Z')).toBe(180);
    expect(add(c, '2021-03-21T00:00:00Z', 120)).toBe('2021-03-21T20:30:00.000Z');
    expect(add(c, '2021-03-21T00:00:00Z', 121)).toBe('2021-03-21T20:31:00.000Z');
  });
  it('autumn: 23:00–24:00 repeats', () => {
    const c: Calendar = { timeZone: 'Asia/Tehran', week: { tue: [['22:00', '24:00']] } };
    // Tue 21 Sep 22:00 +04:30 = 17:30Z ... 24:00 +03:30 = 20:30Z.
    expect(between(c, '2021-09-21T00:00:00Z', '2021-09-22T12:00:00Z')).toBe(180);
    expect(add(c, '2021-09-21T20:30:00Z', -180)).toBe('2021-09-21T17:30:00.000Z');
  });
  it('Nowruz holidays', () => {
    const c: Calendar = {
      timeZone: 'Asia/Tehran',
      week: { sat: [['08:00', '16:00']], sun: [['08:00', '16:00']], mon: [['08:00', '16:00']], tue: [['08:00', '16:00']], wed: [['08:00', '16:00']] },
      holidays: ['2021-03-20', '2021-03-21', '2021-03-22', '2021-03-23'],
    };
    // Wed 17 Mar 15:00 +03:30 = 11:30Z, 60 min to 16:00; next open Wed 24 Mar 08:00 +04:30 = 03:30Z.
    expect(add(c, '2021-03-17T11:30:00Z', 90)).toBe('2021-03-24T04:00:00.000Z');
  });
});

describe('Asia/Kathmandu (+05:45; 1 Jan 1986 00:00 +05:30 → 00:15 +05:45)', () => {
  const c: Calendar = {
    timeZone: 'Asia/Kathmandu',
    week: { sun: [['10:00', '17:00']], mon: [['10:00', '17:00']], tue: [['10:00', '17:00']], wed: [['10:00', '17:00']], thu: [['10:00', '17:00']], fri: [['10:00', '17:00']] },
  };
  it('quarter-hour offset, Saturday weekend', () => {
    // Fri 14 Jun 2024 16:30 = 10:45Z; Sun 16 Jun 10:00 = 04:15Z.
    expect(add(c, '2024-06-14T10:45:00Z', 60)).toBe('2024-06-16T04:45:00.000Z');
    expect(between(c, '2024-06-14T10:45:00Z', '2024-06-16T04:45:00Z')).toBe(60);
  });
  it('the 15-minute jump of 1986', () => {
    const gap: Calendar = { timeZone: 'Asia/Kathmandu', week: { wed: [['00:00', '00:30']] } };
    // Wed 1 Jan 1986 begins 00:15 +05:45 = 31 Dec 18:30Z.
    expect(between(gap, '1985-12-31T00:00:00Z', '1986-01-02T00:00:00Z')).toBe(15);
    expect(add(gap, '1985-12-31T00:00:00Z', 1)).toBe('1985-12-31T18:31:00.000Z');
    expect(between(everyDay('Asia/Kathmandu'), '1985-12-31T18:00:00Z', '1985-12-31T19:00:00Z')).toBe(60);
  });
});

describe('Pacific/Apia (Thursday 29 Dec 2011 was followed by Saturday 31 Dec)', () => {
  it('the skipped Friday is never open', () => {
    const c: Calendar = { timeZone: 'Pacific/Apia', week: { fri: [['09:00', '17:00']] } };
    expect(between(c, '2011-12-20T00:00:00Z', '2012-01-10T00:00:00Z')).toBe(960);
    // Fri 23 Dec 16:00 −10 = 24 Dec 02:00Z; next Friday is 6 Jan 2012 09:00 +14 = 5 Jan 19:00Z.
    expect(add(c, '2011-12-24T02:00:00Z', 120)).toBe('2012-01-05T20:00:00.000Z');
  });
});

describe('errors', () => {
  it('rejects bad arguments', () => {
    const bad = [
      () => addBusinessTime(DEFAULT_CALENDAR, new Date(Number.NaN), 1),
      () => addBusinessTime(DEFAULT_CALENDAR, new Date(), Number.NaN),
      () => addBusinessTime(DEFAULT_CALENDAR, new Date(), Number.POSITIVE_INFINITY),
      () => addBusinessTime(DEFAULT_CALENDAR, '2024-01-01' as unknown as Date, 1),
      () => businessMinutesBetween(DEFAULT_CALENDAR, new Date(), new Date('nope')),
      () => addBusinessTime(TWENTY_FOUR_SEVEN, new Date(8.64e15 - 60_000), 2),
    ];
    for (const fn of bad) {
      expect(fn).toThrow(ValidationError);
    }
    expect(addBusinessTime(TWENTY_FOUR_SEVEN, new Date(8.64e15 - 60_000), 1).getTime()).toBe(8.64e15);
  });
  it('rejects an invalid calendar with ConfigError', () => {
    expect(() => addBusinessTime({ timeZone: 'UTC', week: {} }, new Date(), 1)).toThrow(ConfigError);
    expect(() => businessMinutesBetween({ timeZone: 'Mars/Olympus', week: { mon: [['09:00', '10:00']] } }, new Date(), new Date())).toThrow(
      /unknown time zone/,
    );
  });
  it('a walk that finds no open time throws instead of hanging', () => {
    const cal: Calendar = { timeZone: 'UTC', week: { mon: [['09:00', '17:00']] } };
    // Sabotage the compiled tables (compileCalendar never produces this) to reach the guard.
    Object.assign(compileCalendar(cal), { days: [[], [], [], [], [], [], []] });
    for (const fn of [
      () => addBusinessTime(cal, new Date('2024-01-01T00:00:00Z'), 1),
      () => addBusinessTime(cal, new Date('2024-01-01T00:00:00Z'), -1),
      () => businessMinutesBetween(cal, new Date('2000-01-01T00:00:00Z'), new Date('2024-01-01T00:00:00Z')),
    ]) {
      let err: unknown;
      try {
        fn();
      } catch (e) {
        err = e;
      }
      expect(TicketError.is(err, 'config')).toBe(true);
      expect((err as Error).message).toMatch(/no open time for more than 21 days/);
    }
  });
});
