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

/**
 * A driver object the host hands in (`pool`): an object with the method the store calls
 * (`connect` on a pg Pool, `getConnection` on a mysql2 pool). Anything else (null, a
 * string, a plain object) is a `ConfigError` naming the field, not a TypeError later.
 */
export function checkHostObject(value: unknown, field: string, method: string, what: string): void {
  if (value === null || typeof value !== 'object' || typeof (value as Record<string, unknown>)[method] !== 'function') {
    throw new ConfigError(`${field} must be ${what}`, { params: { field } });
  }
}

/** `statementTimeoutMs`, checked: a whole number of milliseconds above 0, or absent. */
export function statementTimeout(ms: unknown): number | undefined {
  return millisOption(ms, 'statementTimeoutMs');
}

/** A store option in milliseconds (`field`): absent, or a whole number from 1 to 2^31 - 1. */
export function millisOption(ms: unknown, field: string): number | undefined {
  if (ms === undefined) return undefined;
  if (typeof ms !== 'number' || !Number.isInteger(ms) || ms <= 0 || ms > 2_147_483_647) {
    // Named by type, never String(ms): a hostile value (a deeply nested array) must not overflow the stack.
    const got = typeof ms === 'number' ? String(ms) : typeof ms;
    throw new ConfigError(`${field} must be a whole number of milliseconds from 1 to 2147483647, got ${got}`, {
      params: { field },
    });
  }
  return ms;
}
