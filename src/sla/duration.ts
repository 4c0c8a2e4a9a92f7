/**
 * SLA target durations: how long a target is, and whether it counts calendar time
 * (`minutes`, `hours`) or the open time of a business-hours calendar (`businessMinutes`,
 * `businessHours`, `businessDays`).
 */
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { lazySchema } from '../zod-loader.js';
import { addBusinessTime } from './business-time.js';
import { TWENTY_FOUR_SEVEN } from './calendar.js';
import type { Calendar } from './calendar.js';

/**
 * An SLA target length, exactly one key:
 * `{ minutes }` and `{ hours }` count calendar time (nights and weekends included);
 * `{ businessMinutes }`, `{ businessHours }` and `{ businessDays }` count open time of the
 * SLA calendar, a business day being `hoursPerDay` open hours.
 */
export type Duration =
  | { minutes: number }
  | { hours: number }
  | { businessMinutes: number }
  | { businessHours: number }
  | { businessDays: number };

/**
 * zod schema of a `Duration`: an object with exactly one of the five keys, holding a
 * positive finite number. `{ hours: 4, minutes: 30 }` is rejected, not summed; write
 * `{ minutes: 270 }`.
 */
export const durationSchema = lazySchema((z): z.ZodType<Duration, Duration> => {
  // zod 4's z.number() already rejects NaN and ±Infinity.
  const amount = z.number({ error: 'a duration is a number' }).positive({ error: 'a duration must be greater than 0' });
  return z.union(
    [
      z.strictObject({ minutes: amount }),
      z.strictObject({ hours: amount }),
      z.strictObject({ businessMinutes: amount }),
      z.strictObject({ businessHours: amount }),
      z.strictObject({ businessDays: amount }),
    ],
    {
      error:
        'a duration is one of { minutes }, { hours }, { businessMinutes }, { businessHours }, { businessDays }, ' +
        'e.g. { businessHours: 4 }',
    },
  );
});

/** A `Duration` in minutes, and whether they are open minutes of a business calendar. */
export interface ResolvedDuration {
  /** Length in minutes (calendar minutes when `business` is false). */
  minutes: number;
  /** True for `businessMinutes` / `businessHours` / `businessDays`. */
  business: boolean;
}

/**
 * Converts a `Duration` to minutes.
 *
 * @param hoursPerDay Open hours in one business day, what `{ businessDays: 1 }` means.
 *   @default 8
 * @throws ConfigError when `duration` is not a valid `Duration` or `hoursPerDay` is not in
 *   (0, 24].
 */
export function resolveDuration(duration: Duration, hoursPerDay = 8): ResolvedDuration {
  if (!(typeof hoursPerDay === 'number' && hoursPerDay > 0 && hoursPerDay <= 24)) {
    throw new ConfigError(`sla.hoursPerDay must be a number of hours in (0, 24], got ${String(hoursPerDay)}`, {
      params: { field: 'sla.hoursPerDay' },
    });
  }
  const parsed = durationSchema().safeParse(duration);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = ['duration', ...issue.path.map(String)].join('.');
    throw new ConfigError(`Invalid SLA duration ${JSON.stringify(duration)}: ${issue.message}`, {
      cause: parsed.error,
      params: { field },
    });
  }
  const d = parsed.data;
  if ('minutes' in d) return { minutes: d.minutes, business: false };
  if ('hours' in d) return { minutes: d.hours * 60, business: false };
  if ('businessMinutes' in d) return { minutes: d.businessMinutes, business: true };
  if ('businessHours' in d) return { minutes: d.businessHours * 60, business: true };
  return { minutes: d.businessDays * hoursPerDay * 60, business: true };
}

/**
 * When a target of `duration` started at `start` comes due: business durations count open
 * time on `calendar`, calendar durations count every minute (the 24/7 calendar).
 *
 * @param hoursPerDay Open hours in one business day. @default 8
 * @throws ConfigError for an invalid calendar, duration or `hoursPerDay`.
 */
export function dueAt(calendar: Calendar, start: Date, duration: Duration, hoursPerDay = 8): Date {
  const { minutes, business } = resolveDuration(duration, hoursPerDay);
  return addBusinessTime(business ? calendar : TWENTY_FOUR_SEVEN, start, minutes);
}
