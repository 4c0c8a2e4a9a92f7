/**
 * Errors ticketry throws. Every one is a `TicketError` with a stable `code`; hosts map
 * codes to HTTP statuses (see README). Check with `TicketError.is(err)` or
 * `TicketError.is(err, 'not_found')` rather than `instanceof`, which fails when the ESM
 * and CJS builds are both loaded.
 */

/** The stable codes a `TicketError` can carry. */
export type TicketErrorCode =
  | 'validation'
  | 'not_found'
  | 'forbidden'
  | 'conflict'
  | 'invalid_transition'
  | 'locked'
  | 'refused'
  | 'config'
  | 'unavailable'
  | 'internal';

/** The subclass each code is thrown as, so `TicketError.is(err, code)` narrows to it. */
export interface TicketErrorByCode {
  validation: ValidationError;
  not_found: NotFoundError;
  forbidden: ForbiddenError;
  conflict: ConflictError;
  invalid_transition: InvalidTransitionError;
  locked: LockedError;
  refused: RefusedError;
  config: ConfigError;
  unavailable: UnavailableError;
  internal: InternalError;
}

/** Options shared by every ticketry error. */
export interface TicketErrorOptions {
  /** The underlying error: zod issues, a driver error. */
  cause?: unknown;
  /** Machine-readable parameters, so hosts can render the message in their own language. */
  params?: Record<string, unknown>;
}

const MARK = Symbol.for('ticketry.error');

/** Base class of every error ticketry throws. */
export class TicketError extends Error {
  override readonly name: string = 'TicketError';
  readonly code: TicketErrorCode;
  readonly params: Record<string, unknown>;
  readonly [MARK] = true;

  constructor(code: TicketErrorCode, message: string, options: TicketErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.params = options.params ?? {};
  }

  /**
   * True for any ticketry error (optionally of `code`), across duplicate module copies.
   * With a code it narrows to that code's subclass: `TicketError.is(e, 'validation')`
   * gives `e.field`.
   */
  static is<C extends TicketErrorCode>(err: unknown, code: C): err is TicketErrorByCode[C];
  static is(err: unknown): err is TicketError;
  static is(err: unknown, code?: TicketErrorCode): boolean {
    return (
      typeof err === 'object' &&
      err !== null &&
      (err as Record<symbol, unknown>)[MARK] === true &&
      (code === undefined || (err as TicketError).code === code)
    );
  }
}

/**
 * Input failed validation. `field` names the offending field (dot path), `cause` holds the
 * zod issues. Fix the input; retrying unchanged fails the same way. HTTP 400.
 */
export class ValidationError extends TicketError {
  override readonly name = 'ValidationError';
  readonly field: string | null;
  /**
   * Every invalid field of the input, not only the first, so a form can mark them all at
   * once. `field` and `message` are the first of these.
   */
  readonly issues: readonly FieldIssue[];
  constructor(
    message: string,
    field: string | null,
    options: TicketErrorOptions & { issues?: readonly FieldIssue[] } = {},
  ) {
    super('validation', message, { ...options, params: { field, ...options.params } });
    this.field = field;
    this.issues = options.issues ?? [{ field, message }];
  }
}

/** One invalid field of an input: its dot path (or `null` for the input as a whole) and why. */
export interface FieldIssue {
  field: string | null;
  message: string;
}

/**
 * The ticket or message does not exist, or exists outside the actor's scope (ticketry
 * never tells the two apart, so existence does not leak). HTTP 404.
 */
export class NotFoundError extends TicketError {
  override readonly name = 'NotFoundError';
  constructor(message: string, options: TicketErrorOptions = {}) {
    super('not_found', message, options);
  }
}

/** The actor lacks the permission the operation needs (`params.permission`). HTTP 403. */
export class ForbiddenError extends TicketError {
  override readonly name = 'ForbiddenError';
  constructor(message: string, options: TicketErrorOptions = {}) {
    super('forbidden', message, options);
  }
}

/**
 * The ticket changed since it was read (stale `expectedVersion`), or a unique value is
 * taken. Reload and retry. HTTP 409.
 */
export class ConflictError extends TicketError {
  override readonly name = 'ConflictError';
  constructor(message: string, options: TicketErrorOptions = {}) {
    super('conflict', message, options);
  }
}

/** The status machine does not allow this change (`params.from`, `params.to`). HTTP 409. */
export class InvalidTransitionError extends TicketError {
  override readonly name = 'InvalidTransitionError';
  constructor(message: string, options: TicketErrorOptions = {}) {
    super('invalid_transition', message, options);
  }
}

/** Another staff member holds the ticket's edit lock. HTTP 423. */
export class LockedError extends TicketError {
  override readonly name = 'LockedError';
  constructor(message: string, options: TicketErrorOptions = {}) {
    super('locked', message, options);
  }
}

/**
 * The host's policy hook refused the request (a paid-support quota, an abuse block):
 * `params.reason` is the host's own code, the message is the host's text. HTTP 403 or
 * whatever the host's reason calls for.
 */
export class RefusedError extends TicketError {
  override readonly name = 'RefusedError';
  constructor(message: string, options: TicketErrorOptions = {}) {
    super('refused', message, options);
  }
}

/** The service or store configuration is invalid (`params.field`). A programming error. */
export class ConfigError extends TicketError {
  override readonly name = 'ConfigError';
  constructor(message: string, options: TicketErrorOptions = {}) {
    super('config', message, options);
  }
}

/**
 * The store could not be reached or stayed busy (dropped connection, locked database).
 * Nothing was written; retrying later may succeed. HTTP 503.
 */
export class UnavailableError extends TicketError {
  override readonly name = 'UnavailableError';
  constructor(message: string, options: TicketErrorOptions = {}) {
    super('unavailable', message, options);
  }
}

/**
 * Something failed that ticketry did not expect: an unknown database error, a bug in a
 * store or in ticketry. Nothing was written. Retrying will most likely fail the same way;
 * report it with `cause`. HTTP 500.
 */
export class InternalError extends TicketError {
  override readonly name = 'InternalError';
  constructor(message: string, options: TicketErrorOptions = {}) {
    super('internal', message, options);
  }
}
