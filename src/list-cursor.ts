/** Opaque keyset cursors for `list`: the sort and the position of the last row. */
import { ValidationError } from './errors.js';
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
    (typeof body.t === 'number' && Number.isNaN(new Date(body.t).getTime())) ||
    typeof body.i !== 'string' ||
    (sort === 'queue' && typeof body.a !== 'number') ||
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
