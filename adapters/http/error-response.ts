/**
 * Errors as HTTP: every failure becomes `{ "error": { "code", "message", "field"? } }` with
 * the status of README's error table. ticketry's own errors keep their code and message
 * (they are written for people); anything else is `internal` with a fixed message, so no
 * stack, SQL or host detail reaches a client. The HTTP layer adds codes of its own for what
 * only HTTP can get wrong (an oversized body, a route that does not exist).
 */
import { TicketError, type TicketErrorCode } from '../../src/errors.js';
import type { FieldIssue } from '../../src/errors.js';

/** Codes only the HTTP layer raises, next to ticketry's `TicketErrorCode`s. */
export type HttpOnlyErrorCode = 'unauthenticated' | 'payload_too_large' | 'unsupported_media_type' | 'method_not_allowed';

/** Every `error.code` a response can carry. */
export type HttpErrorCode = TicketErrorCode | HttpOnlyErrorCode;

/** The JSON body of every error response. */
export interface HttpErrorBody {
  error: {
    code: HttpErrorCode;
    message: string;
    /** For `validation`: the first invalid field (dot path), when there is one. */
    field?: string;
    /** For `validation`: every invalid field, so a form can mark them all. */
    issues?: FieldIssue[];
    /** The error's machine-readable parameters (`reason` of a refusal, `holderName` of a lock, ...). */
    params?: Record<string, unknown>;
  };
}

/** The status each ticketry code maps to (README, "Errors"). */
export const STATUS_BY_CODE: Readonly<Record<HttpErrorCode, number>> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  refused: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  invalid_transition: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  locked: 423,
  config: 500,
  internal: 500,
  unavailable: 503,
};

/** An error the HTTP layer raises itself (not a `TicketError`: these never come from the service). */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly code: HttpOnlyErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** `config` and `internal` details are the server's business: a fixed message, no params. */
const GENERIC: Record<'config' | 'internal', string> = {
  config: 'The help desk is misconfigured; the server log has the details',
  internal: 'Something went wrong on the server; the server log has the details',
};

/** What the error handler decided: the response, and whether the host should hear of it. */
export interface MappedError {
  status: number;
  body: HttpErrorBody;
  headers: Record<string, string>;
  /** A server-side failure (500) the host's `onError` should log. */
  unexpected: boolean;
}

/**
 * The response for `error`. `refusedStatus` picks the status of a policy refusal from its
 * reason (README: "403, or what your reason calls for").
 */
export function mapError(error: unknown, refusedStatus: (reason: string) => number): MappedError {
  if (error instanceof HttpError) {
    return {
      status: STATUS_BY_CODE[error.code],
      body: { error: { code: error.code, message: error.message } },
      headers: error.headers,
      unexpected: false,
    };
  }
  if (!TicketError.is(error)) return opaque('internal');
  const code = error.code;
  if (code === 'config' || code === 'internal') return opaque(code);
  const body: HttpErrorBody = { error: { code, message: error.message } };
  const headers: Record<string, string> = {};
  let status = STATUS_BY_CODE[code];
  if (TicketError.is(error, 'validation')) {
    if (error.field !== null) body.error.field = error.field;
    body.error.issues = error.issues.map((i) => ({ field: i.field, message: i.message }));
  } else if (code !== 'unavailable') {
    const params = jsonParams(error.params);
    if (params) body.error.params = params;
  }
  if (code === 'refused') status = checkedStatus(refusedStatus(String(error.params.reason ?? '')));
  if (code === 'unavailable') headers['Retry-After'] = '5';
  return { status, body, headers, unexpected: false };
}

function opaque(code: 'config' | 'internal'): MappedError {
  return {
    status: 500,
    body: { error: { code, message: GENERIC[code] } },
    headers: {},
    unexpected: true,
  };
}

/** A host's status for a refusal, if it is a client-error status; else 403. */
function checkedStatus(status: unknown): number {
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 499 ? status : 403;
}

/** `params` as JSON can carry them (Dates as ISO strings), or nothing when empty or unserialisable. */
function jsonParams(params: Record<string, unknown>): Record<string, unknown> | undefined {
  if (Object.keys(params).length === 0) return undefined;
  try {
    return JSON.parse(JSON.stringify(params)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** The JSON error response for `mapped`. */
export function errorResponse(mapped: MappedError, extraHeaders: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(mapped.body), {
    status: mapped.status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...mapped.headers, ...extraHeaders },
  });
}
