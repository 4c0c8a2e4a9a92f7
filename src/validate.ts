/** Turns zod failures into `ValidationError`s that name the offending field. */
import type { z } from 'zod';
import { ValidationError } from './errors.js';
import { REQUIRED_MESSAGE } from './schemas.js';

const OWN_MESSAGES = [REQUIRED_MESSAGE, 'Subject is longer'];

/** Parses `value` with `schema`, or throws a `ValidationError` for the first issue. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
  /** Prefix of the reported field, e.g. `actor` for `actor.id`. */
  prefix?: string,
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || null;
  const message =
    issue.code === 'unrecognized_keys'
      ? `Unknown field${issue.keys.length > 1 ? 's' : ''} in ${what}: ${issue.keys.join(', ')}`
      : OWN_MESSAGES.some((m) => issue.message.startsWith(m))
        ? issue.message // already a sentence a person can act on
        : `Invalid ${what}: ${field ?? 'value'}: ${issue.message}`;
  const named =
    issue.code === 'unrecognized_keys' ? [field, issue.keys[0]].filter(Boolean).join('.') || null : field;
  throw new ValidationError(message, named, { cause: result.error.issues, params: { issue: issue.code } });
}
