/** Opaque keyset cursors for `list`: the sort and the position of the last row. */
import { ValidationError } from './errors.js';
import { identifierProblem } from './schemas.js';
import type { ListAfter } from './store.js';
import type { Ticket, TicketSort } from './types.js';

/** The instant `sort` orders by; `null` only for `waiting` (a ticket nobody waits on). */
function sortInstant(sort: TicketSort, row: Ticket): Date | null {
  if (sort === 'waiting') return row.waitingSince;
  return sort === 'newest' || sort === 'oldest' || sort === 'relevance' ? row.createdAt : row.updatedAt;
}

/** The cursor that continues after `row` in `sort` order. */
export function encodeCursor(sort: TicketSort, row: Ticket & { searchRank?: number }): string {
  const at = sortInstant(sort, row);
  const body = {
    s: sort,
    t: at === null ? null : at.getTime(),
    i: row.id,
    ...(sort === 'queue' ? { a: row.attention } : {}),
    ...(sort === 'relevance' ? { r: row.searchRank ?? 0 } : {}),
  };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

/** The instants every store can hold (Postgres refuses years before 4713 BC, MariaDB after 9999). */
const MIN_TIME = new Date('0001-01-01T00:00:00.000Z').getTime();
const MAX_TIME = new Date('9999-12-31T23:59:59.999Z').getTime();

/**
 * A position's id as the stores can look it up: an id of ticketry's length, without NUL or
 * a lone surrogate (memory compares UTF-16 units, the SQL stores the U+FFFD they write).
 */
const usableId = (id: unknown): id is string => typeof id === 'string' && id.length <= 200 && identifierProblem(id) === null;

/** The position encoded in `cursor`; a cursor from another sort or a mangled one is a validation error. */
export function decodeCursor(sort: TicketSort, cursor: string): ListAfter {
  let body: { s?: unknown; t?: unknown; i?: unknown; a?: unknown; r?: unknown };
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as typeof body;
  } catch (cause) {
    throw new ValidationError('Invalid list cursor: pass nextCursor from the previous page unchanged', 'cursor', { cause });
  }
  if (
    body === null ||
    typeof body !== 'object' ||
    body.s !== sort ||
    !(typeof body.t === 'number' || (sort === 'waiting' && body.t === null)) ||
    // A time no store holds (a hand-made cursor) would be refused by one database and
    // compared wrongly by another: refused here for all.
    (typeof body.t === 'number' && !(body.t >= MIN_TIME && body.t <= MAX_TIME)) ||
    !usableId(body.i) ||
    (sort === 'queue' && !(typeof body.a === 'number' && Number.isFinite(body.a))) ||
    (sort === 'relevance' && !(body.r === 0 || body.r === 1 || body.r === 2))
  ) {
    throw new ValidationError('Invalid list cursor: it belongs to another sort or query', 'cursor');
  }
  return {
    at: body.t === null ? null : new Date(body.t as number),
    id: body.i,
    ...(sort === 'queue' ? { attention: body.a as number } : {}),
    ...(sort === 'relevance' ? { rank: body.r as number } : {}),
  };
}
