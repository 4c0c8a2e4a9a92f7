/**
 * Guards shared by the dialects' value hooks.
 */
import { ValidationError } from '../../src/errors.js';

/** Epoch milliseconds of `value`, refusing an invalid `Date` instead of storing garbage. */
export function checkedTime(value: Date): number {
  const time = value instanceof Date ? value.getTime() : Number.NaN;
  if (Number.isNaN(time)) {
    throw new ValidationError(`Expected a valid Date, got ${String(value)}`, null);
  }
  return time;
}
