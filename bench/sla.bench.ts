/**
 * SLA arithmetic speed: a year of business time on a real office calendar, against the
 * naive minute-by-minute walk many help desks use. Run with
 * `npx vitest bench --run bench/sla.bench.ts`.
 */
import { bench, describe } from 'vitest';
import { addBusinessTime, businessMinutesBetween } from '../src/sla/business-time.js';
import { compileCalendar } from '../src/sla/calendar.js';
import { ZoneOffsets } from '../src/sla/zone-offsets.js';
import type { Calendar } from '../src/sla/calendar.js';

const OFFICE: [string, string][] = [['09:00', '17:00']];
/** Berlin office hours with the 2025 public holidays of Berlin. */
const berlin: Calendar = {
  timeZone: 'Europe/Berlin',
  week: { mon: OFFICE, tue: OFFICE, wed: OFFICE, thu: OFFICE, fri: OFFICE },
  holidays: ['2025-01-01', '2025-03-08', '2025-04-18', '2025-04-21', '2025-05-01', '2025-05-29', '2025-06-09', '2025-10-03', '2025-12-25', '2025-12-26'],
};

const start = new Date('2025-01-01T00:00:00Z');
const yearLater = new Date('2026-01-01T00:00:00Z');
const weekLater = new Date('2025-03-24T00:00:00Z');
const weekStart = new Date('2025-03-17T00:00:00Z');

// Compile and warm the zone's offset cache outside the measurements.
compileCalendar(berlin);
addBusinessTime(berlin, start, 2080 * 60);
businessMinutesBetween(berlin, start, yearLater);

/** The naive way: one Intl lookup per minute. One formatter, created once. */
const wall = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Berlin', hourCycle: 'h23', weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
const holidays = new Set(berlin.holidays);
const openDays = new Set(['Mon', 'Tue', 'Wed', 'Thu', 'Fri']);
function naiveMinutesBetween(from: Date, to: Date): number {
  let open = 0;
  for (let t = from.getTime(); t < to.getTime(); t += 60_000) {
    const p = Object.fromEntries(wall.formatToParts(t).map((x) => [x.type, x.value]));
    const hhmm = `${p.hour}:${p.minute}`;
    if (openDays.has(p.weekday!) && !holidays.has(`${p.year}-${p.month}-${p.day}`) && hhmm >= '09:00' && hhmm < '17:00') open++;
  }
  return open;
}

// The two must agree, or the comparison is meaningless.
if (naiveMinutesBetween(weekStart, weekLater) !== businessMinutesBetween(berlin, weekStart, weekLater)) {
  throw new Error('naive baseline and businessMinutesBetween disagree');
}

describe('one year, Europe/Berlin Mon–Fri 09:00–17:00 with holidays', () => {
  bench('addBusinessTime(2080 business hours)', () => {
    addBusinessTime(berlin, start, 2080 * 60);
  });
  bench('businessMinutesBetween(1 Jan 2025, 1 Jan 2026)', () => {
    businessMinutesBetween(berlin, start, yearLater);
  });
});

describe('one week: window walk vs naive minute stepping', () => {
  bench('businessMinutesBetween (window walk)', () => {
    businessMinutesBetween(berlin, weekStart, weekLater);
  });
  bench('naive minute stepping with Intl', () => {
    naiveMinutesBetween(weekStart, weekLater);
  }, { iterations: 20, time: 1000 });
});

describe('first use of a zone (not cached)', () => {
  bench('build one year of Europe/Berlin offsets from Intl', () => {
    new ZoneOffsets('Europe/Berlin').chunkAt(start.getTime());
  }, { iterations: 20, time: 1000 });
});
