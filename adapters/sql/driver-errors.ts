/**
 * Shared pieces of driver-error mapping: a `TicketError` passes through, anything else
 * becomes one with the driver error kept as `cause`. Each dialect decides which of its
 * errors means what (`adapters/sqlite/sqlite-errors.ts`, `adapters/postgres/postgres-errors.ts`).
 */
import {
  ConfigError,
  ConflictError,
  InternalError,
  TicketError,
  UnavailableError,
  ValidationError,
} from '../../src/errors.js';

/** What a driver error means to ticketry. */
export type DriverErrorKind =
  | 'unique'
  | 'foreign_key'
  | 'check'
  | 'not_null'
  | 'invalid_value'
  | 'unavailable'
  | 'missing_schema'
  | 'unknown';

/** Node's network error codes: the server cannot be reached or dropped the connection. */
export const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
]);

/** The message of an error-like value, for messages that name the driver's reason. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'object' && err !== null && 'message' in err) return String(err.message);
  return String(err);
}

/**
 * Builds the `TicketError` for a classified driver error. `detail` (a constraint or
 * column name) goes into the message and `params`.
 */
export function toTicketError(err: unknown, kind: DriverErrorKind, detail?: string): TicketError {
  if (TicketError.is(err)) return err;
  const reason = errorMessage(err);
  const params = detail === undefined ? {} : { constraint: detail };
  switch (kind) {
    case 'unique':
      return new ConflictError(`A row with the same key already exists (${detail ?? reason})`, {
        cause: err,
        params,
      });
    case 'foreign_key':
      return new ConflictError(`The ticket this row belongs to does not exist (${detail ?? reason})`, {
        cause: err,
        params,
      });
    case 'check':
    case 'not_null':
    case 'invalid_value':
      return new ValidationError(`The database rejected a value: ${reason}`, detail ?? null, {
        cause: err,
        params,
      });
    case 'unavailable':
      return new UnavailableError(`The database is unavailable or busy; retry later (${reason})`, {
        cause: err,
      });
    case 'missing_schema':
      return new ConfigError(`ticketry's tables are missing or out of date; run store.migrate() (${reason})`, {
        cause: err,
      });
    default:
      // Not a condition ticketry knows: never hand the raw driver error to the host, and
      // never call it `unavailable` either, which says "retry later" about what is
      // most likely a bug that fails the same way every time.
      return new InternalError(`Unexpected database error: ${reason}`, { cause: err });
  }
}
