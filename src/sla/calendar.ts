/**
 * Business-hours calendars for SLA clocks: the `Calendar` shape hosts configure, its zod
 * schema, two stock calendars, and `compileCalendar`, which validates a calendar once and
 * turns it into the lookup tables `addBusinessTime` and `businessMinutesBetween` walk.
 *
 * Local times are wall-clock times in the calendar's IANA zone. The zone's UTC offsets
 * come from `Intl.DateTimeFormat` (the runtime's own tz database), never from a table kept
 * here, and are cached per zone because probing Intl is slow.
 */
import { z } from 'zod';
import { ConfigError } from '../errors.js';

/** A day of the week as a `Calendar.week` key. */
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/**
 * Business hours in one IANA time zone.
 *
 * ```ts
 * const berlin: Calendar = {
 *   timeZone: 'Europe/Berlin',
 *   week: { mon: [['08:00', '12:00'], ['13:00', '17:00']], fri: [['08:00', '14:00']] },
 *   holidays: ['2025-12-25', '2025-12-26'],
 * };
 * ```
 *
 * A calendar is read once and cached by object identity (see `compileCalendar`): treat it
 * as immutable once used, and build a new object to change the hours.
 */
export type Calendar = {
  /** IANA zone name, e.g. `'Europe/Berlin'`; offsets and DST follow the runtime's tz data. */
  timeZone: string;
  /**
   * Open windows per weekday as local `'HH:MM'` wall-clock times, start inclusive, end
   * exclusive; `'24:00'` as an end means the next local midnight. Several windows a day
   * are allowed (split shifts) but must not overlap. A missing day is closed all day. An
   * overnight shift is two windows: `['22:00', '24:00']` on one day, `['00:00', '06:00']`
   * on the next.
   */
  week: Partial<Record<Weekday, [start: string, end: string][]>>;
  /**
   * Local dates (`'YYYY-MM-DD'`) closed all day, whatever `week` says.
   * @default []
   */
  holidays?: string[];
};

/** Weekdays in `Date#getUTCDay` order, so a day number maps to its key without a switch. */
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const satisfies readonly Weekday[];

const MINUTE = 60_000;
const DAY = 86_400_000;
/** `Date` holds instants up to ±8.64e15 ms from the epoch. */
const MAX_TIME = 8.64e15;

const START_TIME = /^(?:[01]\d|2[0-3]):[0-5]\d$/;
const END_TIME = /^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/;
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Minutes after local midnight of an `'HH:MM'` the schema accepted. */
function clockMinutes(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/**
 * Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`),
 * in pure integer arithmetic so years below 100 do not hit `Date.UTC`'s 19xx mapping.
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** Day number of a `'YYYY-MM-DD'` that names a real date, else `null` (no 2025-02-30). */
function localDateDay(text: string): number | null {
  const m = LOCAL_DATE.exec(text);
  if (!m) return null;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12 || day < 1) return null;
  const days = daysFromCivil(year, month, day);
  // Round-trip through the next month's first day: day 31 of a 30-day month overflows.
  const nextMonth = month === 12 ? daysFromCivil(year + 1, 1, 1) : daysFromCivil(year, month + 1, 1);
  return days < nextMonth ? days : null;
}

// ---------------------------------------------------------------------------------------
// Time-zone offsets
// ---------------------------------------------------------------------------------------

/**
 * The UTC offsets of one zone over one span of UTC time, as constant-offset segments:
 * segment `i` covers `[starts[i], starts[i + 1] ?? end)` and its local wall time is
 * `utc + offsets[i]` (all in milliseconds).
 */
export interface OffsetChunk {
  /** First UTC instant covered. */
  readonly start: number;
  /** First UTC instant not covered (the next chunk's `start`). */
  readonly end: number;
  /** Where each constant-offset segment begins; `starts[0] === start`. */
  readonly starts: readonly number[];
  /** Local minus UTC time in each segment, in milliseconds. */
  readonly offsets: readonly number[];
}

/** UTC span of one cached chunk: a year, so a year-long walk touches one or two. */
const CHUNK = 365 * DAY;
/**
 * How far apart the offset is sampled when looking for transitions. Transitions closer
 * together than this that cancel out would be missed; the runtime's tz data has none
 * (checked for all 418 zones of Node 20's ICU, 1970–2050: the
 * segments agree with Intl at every 2-hour sample).
 */
const SAMPLE = DAY;

/**
 * Offset lookups for one IANA zone, built lazily a year at a time from Intl and cached
 * for the life of the process. One instance (and one `Intl.DateTimeFormat`, which costs
 * tens of microseconds to create) per zone name.
 */
export class ZoneOffsets {
  /** The zone name as given. */
  readonly timeZone: string;
  readonly #format: Intl.DateTimeFormat;
  readonly #chunks = new Map<number, OffsetChunk>();

  /** Throws `RangeError` when the runtime does not know `timeZone`. */
  constructor(timeZone: string) {
    this.timeZone = timeZone;
    this.#format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** Local minus UTC time at `utc` (ms), read from Intl. Exact to the second, as tz data is. */
  offsetAt(utc: number): number {
    // Chunks at the ends of the Date range reach past it, where Intl throws; the offset
    // there is never used for a result, so the edge's offset stands in.
    const whole = Math.floor(Math.min(Math.max(utc, -MAX_TIME), MAX_TIME) / 1000) * 1000;
    let year = 0;
    let month = 0;
    let day = 0;
    let hour = 0;
    let minute = 0;
    let second = 0;
    let bc = false;
    for (const part of this.#format.formatToParts(whole)) {
      switch (part.type) {
        case 'year': year = Number(part.value); break;
        case 'month': month = Number(part.value); break;
        case 'day': day = Number(part.value); break;
        case 'hour': hour = Number(part.value); break;
        case 'minute': minute = Number(part.value); break;
        case 'second': second = Number(part.value); break;
        case 'era': bc = part.value === 'BC'; break;
        default: break;
      }
    }
    // 1 BC is year 0 in the proleptic calendar daysFromCivil uses.
    if (bc) year = 1 - year;
    const local = daysFromCivil(year, month, day) * DAY + hour * 3_600_000 + minute * MINUTE + second * 1000;
    return local - whole;
  }

  /** The cached chunk covering `utc`, building it on first use. */
  chunkAt(utc: number): OffsetChunk {
    const index = Math.floor(utc / CHUNK);
    let chunk = this.#chunks.get(index);
    if (chunk === undefined) {
      chunk = this.#build(index * CHUNK);
      this.#chunks.set(index, chunk);
    }
    return chunk;
  }

  #build(start: number): OffsetChunk {
    const end = start + CHUNK;
    const starts = [start];
    const offsets = [this.offsetAt(start)];
    let at = start;
    let offset = offsets[0]!;
    while (at < end) {
      const next = Math.min(at + SAMPLE, end);
      const nextOffset = this.offsetAt(next);
      // Bisect (to the second: tz transitions fall on whole seconds) for each change
      // between the two samples; repeat in case two transitions fell between them.
      let lo = at;
      let loOffset = offset;
      while (loOffset !== nextOffset) {
        let hi = next;
        while (hi - lo > 1000) {
          const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
          if (this.offsetAt(mid) === loOffset) lo = mid;
          else hi = mid;
        }
        // A transition exactly at `end` belongs to the next chunk.
        if (hi >= end) break;
        loOffset = this.offsetAt(hi);
        starts.push(hi);
        offsets.push(loOffset);
        lo = hi;
      }
      at = next;
      offset = nextOffset;
    }
    return { start, end, starts, offsets };
  }
}

const zones = new Map<string, ZoneOffsets>();

/** The shared `ZoneOffsets` for `timeZone`; throws `RangeError` for a zone Intl does not know. */
export function zoneOffsets(timeZone: string): ZoneOffsets {
  let zone = zones.get(timeZone);
  if (zone === undefined) {
    zone = new ZoneOffsets(timeZone);
    zones.set(timeZone, zone);
  }
  return zone;
}

// ---------------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------------

const windowSchema = z.tuple(
  [
    z.string().regex(START_TIME, {
      error: (issue) => `window start ${JSON.stringify(issue.input)} is not a time; use 'HH:MM' from 00:00 to 23:59`,
    }),
    z.string().regex(END_TIME, {
      error: (issue) => `window end ${JSON.stringify(issue.input)} is not a time; use 'HH:MM' from 00:01 to 24:00`,
    }),
  ],
  { error: "a window is a pair of local times, e.g. ['09:00', '17:00']" },
);

const weekSchema = z.strictObject(
  {
    mon: z.array(windowSchema).optional(),
    tue: z.array(windowSchema).optional(),
    wed: z.array(windowSchema).optional(),
    thu: z.array(windowSchema).optional(),
    fri: z.array(windowSchema).optional(),
    sat: z.array(windowSchema).optional(),
    sun: z.array(windowSchema).optional(),
  },
  { error: 'week keys are mon, tue, wed, thu, fri, sat, sun' },
);

/**
 * zod schema of a `Calendar`. Beyond the shape it rejects what would make the SLA
 * arithmetic wrong or endless: times that are not `'HH:MM'`, windows that are inverted,
 * empty or overlapping, a week with no open time, holidays that are not real dates, and
 * time zones the runtime does not know. Each issue's `path` names the offending entry.
 */
export const calendarSchema: z.ZodType<Calendar, Calendar> = z
  .strictObject({
    timeZone: z.string().min(1, { error: "timeZone is required, e.g. 'Europe/Berlin'" }),
    week: weekSchema,
    holidays: z
      .array(
        z.string().refine((s) => localDateDay(s) !== null, {
          error: (issue) => `holiday ${JSON.stringify(issue.input)} is not a date; use 'YYYY-MM-DD'`,
        }),
      )
      .optional(),
  })
  .superRefine((calendar, ctx) => {
    // zod runs this even after continuable issues (a bad 'HH:MM'), so skip anything the
    // shape checks already rejected instead of reporting it twice.
    if (typeof calendar.timeZone === 'string' && calendar.timeZone !== '') {
      try {
        zoneOffsets(calendar.timeZone);
      } catch (err) {
        if (!(err instanceof RangeError)) throw err;
        ctx.addIssue({
          code: 'custom',
          path: ['timeZone'],
          message: `unknown time zone ${JSON.stringify(calendar.timeZone)}; use an IANA name such as 'Europe/Berlin' or 'UTC'`,
        });
      }
    }
    let open = false;
    for (const key of WEEKDAYS) {
      const windows = calendar.week?.[key];
      if (!Array.isArray(windows)) continue;
      const valid: { index: number; start: number; end: number }[] = [];
      windows.forEach((w, index) => {
        if (!Array.isArray(w) || typeof w[0] !== 'string' || typeof w[1] !== 'string') return;
        if (!START_TIME.test(w[0]) || !END_TIME.test(w[1])) return;
        const start = clockMinutes(w[0]);
        const end = clockMinutes(w[1]);
        if (end <= start) {
          ctx.addIssue({
            code: 'custom',
            path: ['week', key, index],
            message:
              end === start
                ? `window ${w[0]}–${w[1]} on ${key} is empty; remove it or give it an end after its start`
                : `window ${w[0]}–${w[1]} on ${key} ends before it starts; an overnight shift is two windows, ` +
                  `['${w[0]}', '24:00'] on ${key} and ['00:00', '${w[1]}'] on the next day`,
          });
          return;
        }
        valid.push({ index, start, end });
      });
      valid.sort((a, b) => a.start - b.start);
      for (let i = 1; i < valid.length; i++) {
        const prev = valid[i - 1]!;
        const cur = valid[i]!;
        if (cur.start < prev.end) {
          const [index, other] = cur.index > prev.index ? [cur.index, prev.index] : [prev.index, cur.index];
          ctx.addIssue({
            code: 'custom',
            path: ['week', key, index],
            message: `window ${key}[${index}] overlaps ${key}[${other}]; merge them or make one end where the other starts`,
          });
        }
      }
      if (valid.length > 0) open = true;
    }
    if (!open && typeof calendar.week === 'object' && calendar.week !== null) {
      ctx.addIssue({
        code: 'custom',
        path: ['week'],
        message: "the week has no open hours, so no SLA could ever come due; add a window such as mon: [['09:00', '17:00']]",
      });
    }
  });

// ---------------------------------------------------------------------------------------
// Stock calendars
// ---------------------------------------------------------------------------------------

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

const NINE_TO_FIVE: [string, string][] = [['09:00', '17:00']];
const ALL_DAY: [string, string][] = [['00:00', '24:00']];

/** The calendar `config.sla.calendar` defaults to: Monday to Friday, 09:00–17:00 UTC, no holidays. Frozen. */
export const DEFAULT_CALENDAR: Calendar = deepFreeze({
  timeZone: 'UTC',
  week: { mon: NINE_TO_FIVE, tue: NINE_TO_FIVE, wed: NINE_TO_FIVE, thu: NINE_TO_FIVE, fri: NINE_TO_FIVE },
});

/** Always open (UTC, every day 00:00–24:00): business time on it is calendar time. Frozen. */
export const TWENTY_FOUR_SEVEN: Calendar = deepFreeze({
  timeZone: 'UTC',
  week: { mon: ALL_DAY, tue: ALL_DAY, wed: ALL_DAY, thu: ALL_DAY, fri: ALL_DAY, sat: ALL_DAY, sun: ALL_DAY },
});

// ---------------------------------------------------------------------------------------
// Compilation
// ---------------------------------------------------------------------------------------

/** A validated calendar as lookup tables; build with `compileCalendar`. */
export interface CompiledCalendar {
  /** The calendar this was compiled from. */
  readonly calendar: Calendar;
  /** Offsets of `calendar.timeZone`, shared by every calendar in that zone. */
  readonly zone: ZoneOffsets;
  /**
   * Open windows per weekday (index 0 = Sunday, as `Date#getUTCDay`) as a flat, sorted
   * `[start, end, start, end, …]` list of milliseconds after local midnight; windows that
   * touch are merged. An end of `DAY` is the next local midnight.
   */
  readonly days: readonly (readonly number[])[];
  /** Holidays as local day numbers (days since 1970-01-01). */
  readonly holidays: ReadonlySet<number>;
  /**
   * More local days than any closed stretch can last. Every week has an open window, so
   * only holidays (each closing at most one occurrence of an open weekday) and a skipped
   * local date (Samoa dropped 2011-12-30) can stretch a closed run; a walk that exceeds
   * this is a bug, and throws instead of looping.
   */
  readonly maxClosedDays: number;
}

const compiled = new WeakMap<Calendar, CompiledCalendar>();

/** `['week', 'mon', 0]` → `week.mon[0]`. */
function pathText(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? String(key) : `.${String(key)}`;
  }
  return text;
}

/**
 * Validates `calendar` and compiles it for `addBusinessTime` / `businessMinutesBetween`.
 * The result is cached by object identity, so calling this on every SLA computation costs
 * a WeakMap lookup; mutating a calendar after first use is not noticed.
 *
 * @param field Where the calendar sits in the configuration, for error messages.
 *   @default 'sla.calendar'
 * @throws ConfigError naming the offending entry in `params.field` (e.g.
 *   `'sla.calendar.week.mon[0]'`), with the zod issues as `cause`.
 */
export function compileCalendar(calendar: Calendar, field = 'sla.calendar'): CompiledCalendar {
  const cached = compiled.get(calendar);
  if (cached !== undefined) return cached;

  const parsed = calendarSchema.safeParse(calendar);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const rest = pathText(issue.path);
    const at = rest === '' ? field : rest.startsWith('[') ? field + rest : `${field}.${rest}`;
    throw new ConfigError(`Invalid business-hours calendar at "${at}": ${issue.message}`, {
      cause: parsed.error,
      params: { field: at },
    });
  }

  const days = WEEKDAYS.map((key) => {
    const windows = (calendar.week[key] ?? [])
      .map(([start, end]) => [clockMinutes(start) * MINUTE, clockMinutes(end) * MINUTE] as const)
      .sort((a, b) => a[0] - b[0]);
    const flat: number[] = [];
    for (const [start, end] of windows) {
      // Touching windows (09:00–12:00, 12:00–17:00) become one, so walks take fewer steps.
      if (flat.length > 0 && flat[flat.length - 1] === start) flat[flat.length - 1] = end;
      else flat.push(start, end);
    }
    return flat;
  });
  const holidays = new Set((calendar.holidays ?? []).map((date) => localDateDay(date)!));

  const result: CompiledCalendar = {
    calendar,
    zone: zoneOffsets(calendar.timeZone),
    days,
    holidays,
    maxClosedDays: 7 * (holidays.size + 3),
  };
  compiled.set(calendar, result);
  return result;
}
