/**
 * Guards shared by the dialects' value hooks.
 */
import { ConfigError, ValidationError } from '../../src/errors.js';

/** Epoch milliseconds of `value`, refusing an invalid `Date` instead of storing garbage. */
export function checkedTime(value: Date): number {
  const time = value instanceof Date ? value.getTime() : Number.NaN;
  if (Number.isNaN(time)) {
    throw new ValidationError(`Expected a valid Date, got ${String(value)}`, null);
  }
  return time;
}

/**
 * Refuses store options that are not an object (`undefined`, `null`, a string, an array:
 * a JavaScript host, or a config read from a file) with a `ConfigError`, before any field
 * is read from them.
 */
export function checkStoreOptions(options: unknown, factory: string, shapes: string): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new ConfigError(`${factory}() takes an options object: ${shapes}`, { params: { field: 'options' } });
  }
}
