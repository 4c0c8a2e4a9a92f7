/**
 * better-sqlite3 errors as `TicketError`s. better-sqlite3 throws `SqliteError` with the
 * extended result code as `code` (`SQLITE_CONSTRAINT_UNIQUE`, `SQLITE_BUSY`, ...).
 */
import type { TicketError } from '../../src/errors.js';
import { errorMessage, toTicketError, type DriverErrorKind } from '../sql/driver-errors.js';

const UNAVAILABLE_PREFIXES = [
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_IOERR',
  'SQLITE_CANTOPEN',
  'SQLITE_FULL',
  'SQLITE_READONLY',
  'SQLITE_PROTOCOL',
  'SQLITE_NOMEM',
  'SQLITE_INTERRUPT',
];

function classify(err: unknown): { kind: DriverErrorKind; detail?: string } {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
  const message = errorMessage(err);
  // "UNIQUE constraint failed: ticketry_tickets.tenant_id, ticketry_tickets.number"
  const detail = /constraint failed: (.*)$/.exec(message)?.[1];
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return { kind: 'unique', detail };
  }
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return { kind: 'foreign_key' };
  if (code === 'SQLITE_CONSTRAINT_CHECK') return { kind: 'check', detail };
  if (code === 'SQLITE_CONSTRAINT_NOTNULL') return { kind: 'not_null', detail };
  if (code.startsWith('SQLITE_CONSTRAINT') || code === 'SQLITE_MISMATCH' || code === 'SQLITE_TOOBIG') {
    return { kind: 'invalid_value', detail };
  }
  if (UNAVAILABLE_PREFIXES.some((prefix) => code.startsWith(prefix))) return { kind: 'unavailable' };
  // better-sqlite3 after close(), and Kysely after destroy().
  if (/connection is not open|has already been destroyed/i.test(message)) return { kind: 'unavailable' };
  // better-sqlite3's own TypeError for a file whose directory is missing: the database
  // cannot be reached (a deploy or mount problem), not a bug in the query.
  if (/cannot open database/i.test(message)) return { kind: 'unavailable' };
  // A value better-sqlite3 cannot bind (a Date or boolean that escaped the hooks).
  if (/can only bind/i.test(message)) return { kind: 'invalid_value' };
  if (/no such (table|column)|has no column named/i.test(message)) return { kind: 'missing_schema' };
  return { kind: 'unknown' };
}

/** Maps a better-sqlite3 (or Kysely) error to a `TicketError`, keeping it as `cause`. */
export function mapSqliteError(err: unknown): TicketError {
  const { kind, detail } = classify(err);
  return toTicketError(err, kind, detail);
}
