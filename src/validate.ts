/** Turns zod failures into `ValidationError`s that name the offending fields. */
import type { z } from 'zod';
import { ValidationError, type FieldIssue } from './errors.js';
import { DECLINE, fastCheckOf } from './fast-validate.js';
import { OWN_MESSAGES } from './schemas.js';

type Issue = z.core.$ZodIssue;

/**
 * Parses `value` with `schema` (a schema, or a `lazySchema` builder of one), or throws a
 * `ValidationError` naming the first invalid field in `field`/`message` and every invalid
 * field in `issues`.
 */
export function parseInput<S extends z.ZodType>(
  schema: S | (() => S),
  value: unknown,
  what: string,
  /** Prefix of the reported field, e.g. `actor` for `actor.id`. */
  prefix?: string,
): z.output<S> {
  // The shapes every write parses are checked by hand first (fast-validate.ts): the same
  // value zod returns, or a decline, and zod decides.
  const fast = fastCheckOf(schema);
  if (fast !== undefined) {
    const checked = fast(value);
    if (checked !== DECLINE) return checked as z.output<S>;
  }
  // A zod schema is an object, never a function, so a function is a builder.
  const result = (typeof schema === 'function' ? schema() : schema).safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => describe(specific(issue), what, prefix));
  const first = issues[0]!;
  throw new ValidationError(first.message, first.field, {
    cause: result.error.issues,
    params: { issue: specific(result.error.issues[0]!).code },
    issues,
  });
}

/**
 * A union's own issue says only "Invalid input"; the issue of the branch that got
 * furthest says why (e.g. which values an enum allows), so report that one.
 */
function specific(issue: Issue): Issue {
  if (issue.code !== 'invalid_union' || issue.errors.length === 0) return issue;
  const branches = issue.errors.filter((b) => b.length > 0);
  // The branch whose first issue is deepest got furthest into the value.
  const best = branches.reduce<Issue[] | undefined>(
    (a, b) => (a === undefined || b[0]!.path.length > a[0]!.path.length ? b : a),
    undefined,
  );
  const inner = best?.[0];
  if (!inner || inner.code === 'invalid_type') return issue;
  return specific({ ...inner, path: [...issue.path, ...inner.path] } as Issue);
}

function describe(issue: Issue, what: string, prefix: string | undefined): FieldIssue {
  const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || null;
  if (issue.code === 'unrecognized_keys') {
    return {
      field: [path, issue.keys[0]].filter(Boolean).join('.') || null,
      message: `Unknown field${issue.keys.length > 1 ? 's' : ''} in ${what}: ${issue.keys.join(', ')}`,
    };
  }
  if (OWN_MESSAGES.some((m) => issue.message.startsWith(m))) {
    return { field: path, message: issue.message }; // already a sentence a person can act on
  }
  return { field: path, message: `Invalid ${what}: ${path ?? 'value'}: ${issue.message}` };
}
