/**
 * Query strings arrive as text; the service's schemas want numbers, booleans, arrays and
 * Dates. Each route names the kind of every key it takes, and this turns the text into
 * those values before the service validates them as it validates any caller's input.
 * A key the route does not take, a number that is not one, or a repeated single value is
 * a `ValidationError` naming the key, never silently dropped.
 */
import { ValidationError } from '../../src/errors.js';

/** How one query key is read. */
export type QueryKind =
  /** Text, given once. */
  | 'string'
  /** One or more values: `status=open,pending` or `status=open&status=pending`. */
  | 'list'
  /** A whole number. */
  | 'int'
  /** `true`/`false` (also `1`/`0`). */
  | 'boolean'
  /** An instant; a bare date is the start of that day (UTC), a time without a zone is UTC. */
  | 'from'
  /** An instant ending a window; a bare date takes that whole day (the start of the next day, UTC). */
  | 'to'
  /** An id, `me`, or `none` for "nobody" (`null`). */
  | 'assignee';

/** The keys a route takes, and how each is read. */
export type QuerySpec = Readonly<Record<string, QueryKind>>;

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?$/;
const ZONED_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** The query of `url`, read by `spec`. */
export function coerceQuery(url: URL, spec: QuerySpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const seen = new Set<string>();
  for (const key of url.searchParams.keys()) {
    if (seen.has(key)) continue;
    seen.add(key);
    const kind = Object.hasOwn(spec, key) ? spec[key] : undefined;
    if (kind === undefined) {
      const known = Object.keys(spec);
      throw new ValidationError(
        `Unknown query parameter ${JSON.stringify(key)}${known.length ? `; this route takes ${known.join(', ')}` : '; this route takes none'}`,
        key,
      );
    }
    const values = url.searchParams.getAll(key);
    out[key] = kind === 'list' ? listOf(key, values) : one(key, kind, single(key, values));
  }
  return out;
}

function single(key: string, values: string[]): string {
  if (values.length > 1) throw new ValidationError(`Query parameter ${key} is given ${values.length} times; give it once`, key);
  return values[0]!;
}

function listOf(key: string, values: string[]): string[] {
  const items = values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  if (items.length === 0) throw new ValidationError(`Query parameter ${key} is empty; give one or more values`, key);
  return items;
}

function one(key: string, kind: Exclude<QueryKind, 'list'>, raw: string): unknown {
  const value = raw.trim();
  switch (kind) {
    case 'string':
      return raw;
    case 'int': {
      if (!/^-?\d{1,15}$/.test(value)) throw new ValidationError(`Query parameter ${key} must be a whole number, got ${JSON.stringify(raw)}`, key);
      return Number(value);
    }
    case 'boolean': {
      const lower = value.toLowerCase();
      if (lower === 'true' || lower === '1') return true;
      if (lower === 'false' || lower === '0') return false;
      throw new ValidationError(`Query parameter ${key} must be true or false, got ${JSON.stringify(raw)}`, key);
    }
    case 'assignee':
      return value === 'none' ? null : value;
    case 'from':
    case 'to':
      return instant(key, value, kind);
  }
}

function instant(key: string, value: string, kind: 'from' | 'to'): Date {
  const day = DATE_ONLY.exec(value);
  let date: Date;
  if (day) {
    const [, y, m, d] = day;
    date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d) + (kind === 'to' ? 1 : 0)));
    // Date.UTC rolls 2026-02-30 over into March; a day that does not exist is an error.
    const check = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
    if (check.getUTCDate() !== Number(d) || check.getUTCMonth() !== Number(m) - 1) date = new Date(NaN);
  } else if (LOCAL_TIME.test(value)) {
    date = new Date(`${value}Z`);
  } else if (ZONED_TIME.test(value)) {
    date = new Date(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  } else {
    date = new Date(NaN);
  }
  if (Number.isNaN(date.getTime())) {
    throw new ValidationError(
      `Query parameter ${key} must be a date (2026-03-01) or a date and time (2026-03-01T09:30, 2026-03-01T09:30:00Z), got ${JSON.stringify(value)}`,
      key,
    );
  }
  return date;
}
