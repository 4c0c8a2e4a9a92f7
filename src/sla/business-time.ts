/**
 * Exact business-time arithmetic for SLA clocks: how far open time reaches from an
 * instant, and how much open time lies between two instants.
 *
 * An instant is open when the wall clock of the calendar's zone shows a time inside one of
 * that local weekday's windows and the local date is not a holiday. So on a spring-forward
 * day a window 01:00–04:00 around a skipped 02:00–03:00 holds two real hours (a boundary
 * inside the gap takes effect at the first instant after it); on a fall-back day it holds
 * four, the repeated hour counting twice. A window ending `'24:00'` runs to the next local
 * midnight, so a 24/7 calendar has no seam at midnight.
 *
 * Amounts are kept in whole milliseconds (the resolution of `Date`), so every result is
 * exact: `businessMinutesBetween(c, s, addBusinessTime(c, s, m)) === m` whenever `m` is a
 * whole number of milliseconds.
 *
 * The walk goes window by window over precompiled weekly tables and cached zone offsets,
 * never minute by minute: a year of business time takes a few hundred steps.
 */
import { ConfigError, ValidationError } from '../errors.js';
import { compileCalendar } from './calendar.js';
import type { Calendar, CompiledCalendar } from './calendar.js';
import type { OffsetChunk } from './zone-offsets.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** `Date` can hold instants up to ±8.64e15 ms from the epoch. */
const MAX_TIME = 8.64e15;
const NO_WINDOWS: readonly number[] = [];

/** Local day number → weekday, 0 = Sunday (1970-01-01 was a Thursday). */
function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** Index of the segment of `chunk` that contains `utc`. Chunks hold a handful of segments. */
function segmentAt(chunk: OffsetChunk, utc: number): number {
  let i = chunk.starts.length - 1;
  while (i > 0 && chunk.starts[i]! > utc) i--;
  return i;
}

function checkedTime(value: Date, field: string): number {
  const time = value instanceof Date ? value.getTime() : Number.NaN;
  if (Number.isNaN(time)) {
    throw new ValidationError(`${field} must be a valid Date`, field, { params: { value: String(value) } });
  }
  return time;
}

/** Minutes → whole milliseconds, rounding half away from zero so m and −m stay mirror images. */
function toMillis(minutes: number): number {
  if (typeof minutes !== 'number' || !Number.isFinite(minutes)) {
    throw new ValidationError(`minutes must be a finite number, got ${String(minutes)}`, 'minutes');
  }
  const ms = Math.round(Math.abs(minutes) * MINUTE);
  return minutes < 0 ? -ms : ms;
}

function outOfRange(): ValidationError {
  return new ValidationError('the result falls outside the range a Date can hold', 'minutes');
}

function closedTooLong(cal: CompiledCalendar): ConfigError {
  // compileCalendar guarantees open time every week, so reaching this is a bug or tz data
  // the bound did not foresee; failing loudly beats a hung SLA scan.
  return new ConfigError(
    `Business-hours calendar in ${cal.calendar.timeZone} showed no open time for more than ${cal.maxClosedDays} days ` +
      'of walking; check its windows and holidays',
    { params: { field: 'sla.calendar' } },
  );
}

/**
 * Most loop steps a walk may take without finding open time. A step either consumes open
 * time or moves to the next local day, offset segment or chunk, so a closed stretch of
 * `maxClosedDays` days takes a few steps a day; a walk that exceeds this is stuck.
 */
function idleSteps(cal: CompiledCalendar): number {
  return 4 * (cal.maxClosedDays + 2) + 64;
}

/**
 * Walks open time forward from `from`. Stops when `budget` ms of open time have elapsed
 * (returns the instant, in `at`) or when the walk reaches `until` (returns the open time
 * seen, in `used`). Either limit may be `Infinity`.
 */
function walkForward(cal: CompiledCalendar, from: number, budget: number, until: number): { at: number; used: number } {
  const { zone, days, holidays } = cal;
  const idleLimit = cal.maxClosedDays * DAY;
  const stepLimit = idleSteps(cal);
  let t = from;
  let used = 0;
  let lastOpen = from;
  let idle = 0;
  let chunk = zone.chunkAt(t);
  let seg = segmentAt(chunk, t);
  for (;;) {
    if (t >= until) return { at: until, used };
    if (t - lastOpen > idleLimit || ++idle > stepLimit) throw closedTooLong(cal);
    const segEnd = seg + 1 < chunk.starts.length ? chunk.starts[seg + 1]! : chunk.end;
    if (t >= segEnd) {
      if (seg + 1 < chunk.starts.length) seg++;
      else {
        if (segEnd >= MAX_TIME) throw outOfRange();
        chunk = zone.chunkAt(segEnd);
        seg = 0;
      }
      continue;
    }
    const offset = chunk.offsets[seg]!;
    const wall = t + offset;
    const wallEnd = segEnd + offset;
    const day = Math.floor(wall / DAY);
    const dayStart = day * DAY;
    const windows = holidays.has(day) ? NO_WINDOWS : days[weekday(day)]!;
    let k = 0;
    while (k < windows.length && dayStart + windows[k + 1]! <= wall) k += 2;
    if (k < windows.length) {
      const openFrom = Math.max(dayStart + windows[k]!, wall);
      if (openFrom < wallEnd) {
        // The window (or the part of it in this offset segment): [openFrom, openTo) wall time.
        const openTo = Math.min(dayStart + windows[k + 1]!, wallEnd);
        const start = openFrom - offset;
        if (start >= until) return { at: until, used };
        const end = Math.min(openTo - offset, until);
        const available = end - start;
        // Kept as `used` (not `budget - used`) so an infinite budget stays exact.
        if (budget - used <= available) return { at: start + (budget - used), used: budget };
        used += available;
        t = end;
        lastOpen = end;
        idle = 0;
        continue;
      }
      // The window starts after this segment (e.g. inside a skipped hour): go to the next.
      t = segEnd;
      continue;
    }
    // Nothing more today: next local midnight, or the next segment if that comes first.
    const nextDay = dayStart + DAY;
    t = nextDay < wallEnd ? nextDay - offset : segEnd;
  }
}

/**
 * Walks open time backward from `from` (exclusive). Returns the latest instant `t` with
 * `budget` ms of open time in `[t, from)`.
 */
function walkBackward(cal: CompiledCalendar, from: number, budget: number): number {
  const { zone, days, holidays } = cal;
  const idleLimit = cal.maxClosedDays * DAY;
  const stepLimit = idleSteps(cal);
  let t = from;
  let remaining = budget;
  let lastOpen = from;
  let idle = 0;
  // Work with the segment holding the instant just before `t`: the walk looks at [?, t).
  let chunk = zone.chunkAt(t - 1);
  let seg = segmentAt(chunk, t - 1);
  for (;;) {
    if (lastOpen - t > idleLimit || ++idle > stepLimit) throw closedTooLong(cal);
    const segStart = chunk.starts[seg]!;
    if (t <= segStart) {
      if (seg > 0) seg--;
      else {
        if (segStart <= -MAX_TIME) throw outOfRange();
        chunk = zone.chunkAt(segStart - 1);
        seg = chunk.starts.length - 1;
      }
      continue;
    }
    const offset = chunk.offsets[seg]!;
    const wall = t + offset;
    const wallStart = segStart + offset;
    // The local day holding the wall instant just before `wall`.
    const day = Math.floor((wall - 1) / DAY);
    const dayStart = day * DAY;
    const windows = holidays.has(day) ? NO_WINDOWS : days[weekday(day)]!;
    let k = windows.length - 2;
    while (k >= 0 && dayStart + windows[k]! >= wall) k -= 2;
    if (k >= 0) {
      const openTo = Math.min(dayStart + windows[k + 1]!, wall);
      if (openTo > wallStart) {
        const openFrom = Math.max(dayStart + windows[k]!, wallStart);
        const available = openTo - openFrom;
        if (remaining <= available) return openTo - remaining - offset;
        remaining -= available;
        t = openFrom - offset;
        lastOpen = t;
        idle = 0;
        continue;
      }
      // The window ended before this segment began: go to the previous segment.
      t = segStart;
      continue;
    }
    // Nothing earlier today: back to local midnight, or the segment start if that is later.
    t = dayStart > wallStart ? dayStart - offset : segStart;
  }
}

/**
 * The instant at which `minutes` of open time on `calendar` have elapsed after `start`.
 *
 * - `minutes` may be fractional; it is rounded to whole milliseconds.
 * - `0` returns `start`'s instant even when the calendar is closed then.
 * - A positive amount that runs out exactly at a window's end returns that end (Monday
 *   09:00 + 8 h on 09:00–17:00 is Monday 17:00, not Tuesday 09:00). Starting in closed
 *   time, the count begins at the next opening.
 * - A negative amount walks backward: the latest instant with `-minutes` of open time
 *   between it and `start` (used when a target shrinks below the time already elapsed).
 *   Running out exactly at a window's start returns that start.
 *
 * Exact across DST changes in the calendar's zone; see the module comment for how
 * skipped and repeated hours count.
 *
 * @throws ConfigError when `calendar` is invalid (see `compileCalendar`).
 * @throws ValidationError when `start` is not a valid Date, `minutes` is not finite, or
 *   the result falls outside the range of `Date`.
 */
export function addBusinessTime(calendar: Calendar, start: Date, minutes: number): Date {
  const cal = compileCalendar(calendar);
  const from = checkedTime(start, 'start');
  const amount = toMillis(minutes);
  if (amount === 0) return new Date(from);
  const at = amount > 0 ? walkForward(cal, from, amount, Number.POSITIVE_INFINITY).at : walkBackward(cal, from, -amount);
  if (Math.abs(at) > MAX_TIME) throw outOfRange();
  return new Date(at);
}

/**
 * Open minutes on `calendar` in `[from, to)`, fractional to the millisecond. When `to` is
 * before `from` the result is the negative of the open minutes in `[to, from)`, so
 * `businessMinutesBetween(c, a, b) === -businessMinutesBetween(c, b, a)`.
 *
 * @throws ConfigError when `calendar` is invalid (see `compileCalendar`).
 * @throws ValidationError when `from` or `to` is not a valid Date.
 */
export function businessMinutesBetween(calendar: Calendar, from: Date, to: Date): number {
  const cal = compileCalendar(calendar);
  const a = checkedTime(from, 'from');
  const b = checkedTime(to, 'to');
  if (a === b) return 0;
  const open = a < b ? walkForward(cal, a, Number.POSITIVE_INFINITY, b).used : walkForward(cal, b, Number.POSITIVE_INFINITY, a).used;
  // `0` rather than `-0` for an empty reversed range: -0 leaks into JSON and Object.is.
  return open === 0 ? 0 : (a < b ? open : -open) / MINUTE;
}
