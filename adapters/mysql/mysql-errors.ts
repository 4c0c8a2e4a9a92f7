/**
 * mysql2 errors (MySQL, MariaDB) as `TicketError`s, by the server's error name
 * (`err.code`, e.g. `ER_DUP_ENTRY`) and number (`err.errno`), and for network failures
 * by Node's error code or mysql2's fatal flag.
 */
import { ConflictError, TicketError } from '../../src/errors.js';
import {
  NETWORK_ERROR_CODES,
  errorMessage,
  toTicketError,
  type DriverErrorKind,
} from '../sql/driver-errors.js';

// Server errors meaning "cannot serve this now; retry later": lock wait timeout, too many
// connections, shutdown in progress, query interrupted or timed out, server gone away.
const UNAVAILABLE_CODES = new Set([
  'ER_LOCK_WAIT_TIMEOUT',
  'ER_CON_COUNT_ERROR',
  'ER_TOO_MANY_USER_CONNECTIONS',
  'ER_SERVER_SHUTDOWN',
  'ER_QUERY_INTERRUPTED',
  'ER_QUERY_TIMEOUT',
  'ER_STATEMENT_TIMEOUT',
  'ER_CONNECTION_KILLED',
  'ER_SERVER_GONE_ERROR',
  'ER_SERVER_LOST',
  'ER_CLIENT_INTERACTION_TIMEOUT',
  'ER_LOCK_TABLE_FULL',
  'ER_OUT_OF_RESOURCES',
  'ER_CANT_LOCK',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
  'PROTOCOL_ENQUEUE_AFTER_QUIT',
  'POOL_CLOSED',
]);

/**
 * The same by number, for servers whose codes mysql2 has no name for (it knows MySQL's
 * list): MariaDB's 1969 `ER_STATEMENT_TIMEOUT` (max_statement_time exceeded) and 1927
 * `ER_CONNECTION_KILLED` arrive with `code` undefined. 1205 lock wait timeout, 1040 too
 * many connections, 1053 shutdown, 1317 interrupted, 3024 MySQL's query timeout, 4031
 * MariaDB's idle-client disconnect.
 */
const UNAVAILABLE_ERRNOS = new Set([1205, 1040, 1203, 1053, 1317, 1927, 1969, 3024, 4031]);

/** Data errors: a value the column cannot hold (too long, out of range, wrong type). */
const INVALID_VALUE_CODES = new Set([
  'ER_DATA_TOO_LONG',
  'ER_WARN_DATA_OUT_OF_RANGE',
  'ER_TRUNCATED_WRONG_VALUE',
  'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD',
  'ER_TRUNCATED_WRONG_VALUE_FOR_FIELD_OF_COLUMN',
  'ER_WRONG_VALUE_FOR_TYPE',
  'ER_INVALID_JSON_TEXT',
  'ER_DATA_OUT_OF_RANGE',
  'ER_CANT_CREATE_GEOMETRY_OBJECT',
  'WARN_DATA_TRUNCATED',
  'ER_DIVISION_BY_ZERO',
]);

const UNAVAILABLE_MESSAGES =
  /connection lost|pool is closed|can't add new command when connection is in closed state|has already been destroyed|connect etimedout|too many connections/i;

function classify(err: unknown): { kind: DriverErrorKind | 'deadlock'; detail?: string } {
  const record = (typeof err === 'object' && err !== null ? err : {}) as Record<string, unknown>;
  const code = typeof record.code === 'string' ? record.code : '';
  const message = errorMessage(err);
  // "Duplicate entry 'x-1' for key 'ticketry_tickets_number_key'"
  const key = /for key '([^']*)'/.exec(message)?.[1];
  if (code === 'ER_DUP_ENTRY' || code === 'ER_DUP_KEY' || code === 'ER_DUP_ENTRY_WITH_KEY_NAME') {
    return { kind: 'unique', detail: key };
  }
  // 1213: deadlock found; InnoDB has rolled the whole transaction back.
  if (code === 'ER_LOCK_DEADLOCK' || record.errno === 1213) return { kind: 'deadlock' };
  if (code === 'ER_NO_REFERENCED_ROW_2' || code === 'ER_NO_REFERENCED_ROW' || code === 'ER_ROW_IS_REFERENCED_2') {
    const constraint = /CONSTRAINT `([^`]*)`/.exec(message)?.[1];
    return { kind: 'foreign_key', detail: constraint };
  }
  // 4025 (MariaDB) / 3819 (MySQL): CHECK constraint violated.
  if (code === 'ER_CONSTRAINT_FAILED' || code === 'ER_CHECK_CONSTRAINT_VIOLATED' || record.errno === 4025 || record.errno === 3819) {
    const constraint = /constraint [`']([^`']*)[`']/i.exec(message)?.[1];
    return { kind: 'check', detail: constraint };
  }
  if (code === 'ER_BAD_NULL_ERROR' || code === 'ER_NO_DEFAULT_FOR_FIELD') {
    return { kind: 'not_null', detail: /column '([^']*)'/i.exec(message)?.[1] };
  }
  if (INVALID_VALUE_CODES.has(code)) return { kind: 'invalid_value', detail: /column '([^']*)'/i.exec(message)?.[1] };
  if (UNAVAILABLE_CODES.has(code) || NETWORK_ERROR_CODES.has(code)) return { kind: 'unavailable' };
  if (typeof record.errno === 'number' && UNAVAILABLE_ERRNOS.has(record.errno)) return { kind: 'unavailable' };
  // SQLSTATE 70100: the query was interrupted (a timeout or KILL QUERY).
  if (record.sqlState === '70100') return { kind: 'unavailable' };
  if (record.fatal === true) return { kind: 'unavailable' };
  if (err instanceof AggregateError && err.errors.some((e) => NETWORK_ERROR_CODES.has(String((e as { code?: unknown }).code)))) {
    return { kind: 'unavailable' };
  }
  if (UNAVAILABLE_MESSAGES.test(message)) return { kind: 'unavailable' };
  // 1146 no such table, 1054 unknown column, 1191 no FULLTEXT index (a search before
  // migration 011 ran).
  if (code === 'ER_NO_SUCH_TABLE' || code === 'ER_BAD_FIELD_ERROR' || code === 'ER_FT_MATCHING_KEY_NOT_FOUND' || record.errno === 1191) {
    return { kind: 'missing_schema' };
  }
  return { kind: 'unknown' };
}

/**
 * Maps a mysql2 (or Kysely) error to a `TicketError`, keeping it as `cause`. A deadlock
 * is a `conflict` (the transaction was rolled back whole; the caller may retry it).
 */
export function mapMysqlError(err: unknown): TicketError {
  if (TicketError.is(err)) return err;
  const { kind, detail } = classify(err);
  if (kind === 'deadlock') {
    return new ConflictError(
      `A concurrent change got in the way (deadlock; nothing was written); retry (${errorMessage(err)})`,
      { cause: err, params: { reason: 'deadlock' } },
    );
  }
  return toTicketError(err, kind, detail);
}

/** Whether `err` is a duplicate-key violation (`ER_DUP_ENTRY`, errno 1062). */
export function isMysqlDuplicateKey(err: unknown): boolean {
  return classify(err).kind === 'unique';
}
