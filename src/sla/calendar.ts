/**
 * Business-hours calendars for SLA clocks: the `Calendar` shape hosts configure, its zod
 * schema, two stock calendars, and `compileCalendar`, which validates a calendar once and
 * turns it into the lookup tables `addBusinessTime` and `businessMinutesBetween` walk.
 *
 * Local times are wall-clock times in the calendar's IANA zone; the zone's UTC offsets come
 * from `zone-offsets.ts`.
 */
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { lazySchema, type Zod } from '../zod-loader.js';
import { MINUTE, daysFromCivil } from './civil-time.js';
import { zoneOffsets, type ZoneOffsets } from './zone-offsets.js';

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


const START_TIME = /^(?:[01]\d|2[0-3]):[0-5]\d$/;
const END_TIME = /^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/;
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Minutes after local midnight of an `'HH:MM'` the schema accepted. */
function clockMinutes(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
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
// Schema
// ---------------------------------------------------------------------------------------

/** A window: a pair of `'HH:MM'` local times. */
const windowSchema = (z: Zod) =>
  z.tuple(
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

/** The week: windows per weekday key. */
const weekSchema = (z: Zod) => {
  const window = windowSchema(z);
  return z.strictObject(
    {
      mon: z.array(window).optional(),
      tue: z.array(window).optional(),
      wed: z.array(window).optional(),
      thu: z.array(window).optional(),
      fri: z.array(window).optional(),
      sat: z.array(window).optional(),
      sun: z.array(window).optional(),
    },
    { error: 'week keys are mon, tue, wed, thu, fri, sat, sun' },
  );
};

/**
 * zod schema of a `Calendar`. Beyond the shape it rejects what would make the SLA
 * arithmetic wrong or endless: times that are not `'HH:MM'`, windows that are inverted,
 * empty or overlapping, a week with no open time, holidays that are not real dates, and
 * time zones the runtime does not know. Each issue's `path` names the offending entry.
 */
export const calendarSchema = lazySchema(
  (z): z.ZodType<Calendar, Calendar> =>
    z
      .strictObject({
        timeZone: z.string().min(1, { error: "timeZone is required, e.g. 'Europe/Berlin'" }),
        week: weekSchema(z),
        holidays: z
          .array(
            z.string().refine((s) => localDateDay(s) !== null, {
              error: (issue) => `holiday ${JSON.stringify(issue.input)} is not a date; use 'YYYY-MM-DD'`,
            }),
          )
          .optional(),
      })
      .superRefine(checkCalendar),
);

/** The checks of a calendar beyond its shape: zone, windows, open time. */
function checkCalendar(calendar: { timeZone: string; week: Calendar['week'] }, ctx: z.RefinementCtx): void {
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
}

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

  const parsed = calendarSchema().safeParse(calendar);
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
