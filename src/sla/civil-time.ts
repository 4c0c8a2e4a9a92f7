/** Time arithmetic shared by calendars and zone offsets: units, and civil dates as day numbers. */

/** One minute in milliseconds. */
export const MINUTE = 60_000;
/** One day in milliseconds. */
export const DAY = 86_400_000;
/** `Date` holds instants up to ±8.64e15 ms from the epoch. */
export const MAX_TIME = 8.64e15;

/**
 * Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`),
 * in pure integer arithmetic so years below 100 do not hit `Date.UTC`'s 19xx mapping.
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}
