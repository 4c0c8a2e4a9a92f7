/**
 * pg (and PGlite) errors as `TicketError`s, by SQLSTATE (`err.code`) and, for network
 * failures that never reached the server, by Node's error code or pg's message.
 */
import type { TicketError } from '../../src/errors.js';
import {
  NETWORK_ERROR_CODES,
  errorMessage,
  toTicketError,
  type DriverErrorKind,
} from '../sql/driver-errors.js';

// SQLSTATE classes and codes that mean "the server cannot serve this now; retry later":
// 08 connection exceptions, 53 insufficient resources, 57P0x shutdown, 57014 cancelled
// (statement timeout), 40001/40P01 serialization failure and deadlock, 55P03 lock timeout.
const UNAVAILABLE_STATES = new Set(['57014', '57P01', '57P02', '57P03', '57P04', '57P05', '40001', '40P01', '55P03', '55006']);

const UNAVAILABLE_MESSAGES =
  /connection terminated|connection refused|timeout exceeded when trying to connect|not queryable|cannot use a pool after calling end|client was closed|connection ended|has already been destroyed|pglite is closed|pglite not initialized/i;

function classify(err: unknown): { kind: DriverErrorKind; detail?: string } {
  const record = (typeof err === 'object' && err !== null ? err : {}) as Record<string, unknown>;
  const code = typeof record.code === 'string' ? record.code : '';
  const constraint = typeof record.constraint === 'string' ? record.constraint : undefined;
  const column = typeof record.column === 'string' ? record.column : undefined;
  if (code === '23505') return { kind: 'unique', detail: constraint };
  if (code === '23503') return { kind: 'foreign_key', detail: constraint };
  if (code === '23514') return { kind: 'check', detail: constraint };
  if (code === '23502') return { kind: 'not_null', detail: column };
  // 22xxx data exceptions: invalid text representation, value too long, out of range.
  if (code.startsWith('22') || code.startsWith('23')) return { kind: 'invalid_value', detail: constraint ?? column };
  if (code.startsWith('08') || code.startsWith('53') || UNAVAILABLE_STATES.has(code)) return { kind: 'unavailable' };
  if (NETWORK_ERROR_CODES.has(code)) return { kind: 'unavailable' };
  // An AggregateError (every address of a host refused) carries the codes inside.
  if (err instanceof AggregateError && err.errors.some((e) => NETWORK_ERROR_CODES.has(String((e as { code?: unknown }).code)))) {
    return { kind: 'unavailable' };
  }
  if (UNAVAILABLE_MESSAGES.test(errorMessage(err))) return { kind: 'unavailable' };
  // 42P01 undefined table, 42703 undefined column, 3F000 undefined schema.
  if (code === '42P01' || code === '42703' || code === '3F000') return { kind: 'missing_schema' };
  return { kind: 'unknown' };
}

/** Maps a pg/PGlite (or Kysely) error to a `TicketError`, keeping it as `cause`. */
export function mapPostgresError(err: unknown): TicketError {
  const { kind, detail } = classify(err);
  return toTicketError(err, kind, detail);
}
