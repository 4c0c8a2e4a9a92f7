/**
 * Argument guards for the helpers ticketry exports: a host calling one with the wrong
 * type gets a `validation` error naming the argument, never a raw `TypeError`.
 */
import { ValidationError } from './errors.js';

/** Throws `validation` unless `value` is a non-null object (not an array). */
export function requireObject(value: unknown, argument: string, helper: string): asserts value is object {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(`${helper}: ${argument} must be an object, got ${describe(value)}`, argument, {
      params: { helper },
    });
  }
}

/** Throws `validation` unless `value` is a valid `Date`. */
export function requireDate(value: unknown, argument: string, helper: string): asserts value is Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new ValidationError(`${helper}: ${argument} must be a valid Date, got ${describe(value)}`, argument, {
      params: { helper },
    });
  }
}

/** Throws `validation` unless `value` is one of `allowed`. */
export function requireOneOf<T extends string>(
  value: unknown,
  allowed: readonly T[],
  argument: string,
  helper: string,
): asserts value is T {
  if (!allowed.includes(value as T)) {
    throw new ValidationError(`${helper}: ${argument} must be one of ${allowed.join(', ')}, got ${describe(value)}`, argument, {
      params: { helper, allowed },
    });
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'an invalid Date';
  return typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : typeof value;
}
