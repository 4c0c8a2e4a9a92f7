/**
 * The options of `imapIntake`, and their checks: a bad option is a `ConfigError` naming
 * the field (`params.field`), thrown by the factory before any connection is made.
 */
import type { ImapFlow, ImapFlowOptions } from 'imapflow';
import { ConfigError, type TicketError } from '../../src/errors.js';
import type { IngestOptions, IngestResult, RawEmail } from '../../src/email/email-types.js';

/** What the intake needs of the desk: `desk.ingestEmail` (a `TicketService` has it). */
export interface IntakeDesk {
  ingestEmail(raw: RawEmail, options?: IngestOptions): Promise<IngestResult>;
}

/** Where a handled mail goes: moved to another mailbox, or left in place with a keyword set. */
export type IntakeDisposition = { moveTo: string } | { flag: string };

/** One mail taken through `desk.ingestEmail`, as `onResult` reports it. */
export interface ImapIntakeResult {
  /** The mailbox it was read from. */
  mailbox: string;
  /** Its UID there (valid for the mailbox's UIDVALIDITY at the time). */
  uid: number;
  /** What `desk.ingestEmail` answered. */
  result: IngestResult;
  /** Where the mail went afterwards: `{ moveTo }` or `{ flag }`. */
  disposition: IntakeDisposition;
}

/** Where an error happened: `uid` is set when it concerns one mail (its ingest threw). */
export interface ImapIntakeErrorContext {
  mailbox: string;
  uid?: number;
}

/** What one pass did. */
export interface ImapIntakeSummary {
  /** Mails the pass found waiting (not yet moved or flagged). */
  found: number;
  /** Mails ingested and then moved or flagged, by `ingestEmail`'s outcome. */
  created: number;
  replied: number;
  duplicate: number;
  ignored: number;
  refused: number;
  /** Mails whose ingest threw: left in place for the next pass; each went to `onError`. */
  failed: number;
  /**
   * Of the `failed`, mails whose ingest has now thrown `maxFailures` times (not counting a
   * store that was `unavailable`): moved, or flagged, to `refused` so they stop coming back.
   */
  setAside: number;
  /**
   * Mails found but not reached: `stop()` was called, or the store said `unavailable` (the
   * rest would fail the same way, so the pass ends there). Left in place for the next pass.
   */
  left: number;
}

/** Options of `imapIntake`. */
export interface ImapIntakeOptions {
  /** The desk to ingest into (`createTicketService(...)`), or anything with its `ingestEmail`. */
  desk: IntakeDesk;
  /**
   * The IMAP server. Best: imapflow's options (`{ host, port, secure, auth: { user, pass } }`)
   * or a function returning a new `ImapFlow`, so the intake can open a fresh connection after
   * one is lost. An `ImapFlow` instance works too, but imapflow cannot reconnect an instance:
   * once its connection is gone every pass fails with `unavailable` until a new intake is made.
   * Given options, imapflow's `logger` defaults to `false` (imapflow logs to stdout otherwise).
   */
  client: ImapFlowOptions | ImapFlow | (() => ImapFlow);
  /** The mailbox mail arrives in. @default 'INBOX' */
  mailbox?: string;
  /**
   * What happens to a mail once ingested, so no later pass (or restart) reads it again:
   * `{ moveTo: 'Processed' }` moves it there (created when missing), `{ flag: '$TicketryDone' }`
   * leaves it in place with that keyword (the server must allow keywords in the mailbox).
   * @default { moveTo: 'Processed' }
   */
  processed?: IntakeDisposition;
  /**
   * Where mail that opened no ticket goes (`ignored`: auto-replies, bounces; `refused`: unknown
   * senders, too large, malformed), so a person can look at it. @default the same as `processed`
   */
  refused?: IntakeDisposition;
  /**
   * How many mails are taken per round: their dates fetched in one FETCH, then each source
   * streamed into the desk one at a time, then all of them moved (or flagged) in one command
   * per target. After a crash or a lost connection up to this many mails may be ingested again;
   * the desk answers `duplicate` for them. @default 50
   */
  batchSize?: number;
  /**
   * A mail whose ingest throws (anything but `unavailable`: a bug, a mail the parser cannot
   * take, a host hook that throws) this many times in this intake is set aside: moved, or
   * flagged, to `refused`, and `onError` is told, so one broken mail is not retried and
   * reported on every pass forever. Counted in memory (a restart starts over). @default 5
   */
  maxFailures?: number;
  /** How long `start()` waits between passes when no new mail is announced, in ms. @default 60000 */
  pollIntervalMs?: number;
  /**
   * With `start()`, wait with IMAP IDLE between passes, so a new mail starts a pass as soon as
   * the server announces it (the poll interval still applies as a fallback). @default true
   */
  idle?: boolean;
  /** Called after each mail is ingested and moved or flagged. A throw here is reported to `onError`. */
  onResult?: (result: ImapIntakeResult) => void;
  /**
   * Called with every error: a mail whose ingest threw (`context.uid` set; the mail stays for
   * the next pass), and, under `start()`, a pass that failed (connection lost: `unavailable`).
   * @default errors of `start()` are written with console.error
   */
  onError?: (error: TicketError, context: ImapIntakeErrorContext) => void;
}

/** The options after checks and defaults. */
export interface CheckedIntakeOptions {
  desk: IntakeDesk;
  client: ImapIntakeOptions['client'];
  mailbox: string;
  processed: IntakeDisposition;
  refused: IntakeDisposition;
  batchSize: number;
  maxFailures: number;
  pollIntervalMs: number;
  idle: boolean;
  onResult: ((result: ImapIntakeResult) => void) | undefined;
  onError: ((error: TicketError, context: ImapIntakeErrorContext) => void) | undefined;
}

const bad = (field: string, message: string): ConfigError =>
  new ConfigError(`imapIntake: ${field} ${message}`, { params: { field } });

// An IMAP keyword is an atom: no spaces, parentheses, braces, quotes, wildcards or backslash.
const KEYWORD = /^\$?[A-Za-z0-9_.:+-]{1,100}$/;

function checkMailboxName(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 500 || /[\r\n\0]/.test(value)) {
    throw bad(field, 'must be a mailbox name (a non-empty string of at most 500 characters, no line breaks)');
  }
  return value;
}

function checkDisposition(value: unknown, field: string, mailbox: string): IntakeDisposition {
  if (typeof value !== 'object' || value === null) {
    throw bad(field, "must be { moveTo: 'Processed' } or { flag: '$TicketryDone' }");
  }
  const v = value as Record<string, unknown>;
  if ('moveTo' in v && 'flag' in v) throw bad(field, 'takes either moveTo or flag, not both');
  if ('moveTo' in v) {
    const moveTo = checkMailboxName(v.moveTo, `${field}.moveTo`);
    // Moving a mail into the mailbox it is read from would read it again forever.
    if (moveTo.toLowerCase() === mailbox.toLowerCase()) throw bad(`${field}.moveTo`, `must be another mailbox than ${mailbox}`);
    return { moveTo };
  }
  if ('flag' in v) {
    if (typeof v.flag !== 'string' || !KEYWORD.test(v.flag)) {
      throw bad(`${field}.flag`, "must be an IMAP keyword such as '$TicketryDone' (letters, digits, _ . : + -, at most 100)");
    }
    return { flag: v.flag };
  }
  throw bad(field, "must be { moveTo: 'Processed' } or { flag: '$TicketryDone' }");
}

function checkInt(value: unknown, field: string, def: number, min: number, max: number): number {
  if (value === undefined) return def;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw bad(field, `must be an integer from ${min} to ${max}`);
  }
  return value;
}

function checkHook<T>(value: unknown, field: string): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') throw bad(field, 'must be a function');
  return value as T;
}

/** Checks `imapIntake`'s options; a `ConfigError` for the first bad one. */
export function checkIntakeOptions(options: ImapIntakeOptions): CheckedIntakeOptions {
  if (typeof options !== 'object' || options === null) throw bad('options', 'must be an object');
  const desk = options.desk as unknown;
  if (typeof desk !== 'object' || desk === null || typeof (desk as IntakeDesk).ingestEmail !== 'function') {
    throw bad('desk', 'must be a ticket service (createTicketService) or have an ingestEmail method');
  }
  const client = options.client as unknown;
  if (typeof client !== 'function' && (typeof client !== 'object' || client === null)) {
    throw bad('client', 'must be imapflow options ({ host, port, auth }), an ImapFlow, or a function returning one');
  }
  if (typeof client === 'object' && !isImapFlow(client)) {
    const o = client as Record<string, unknown>;
    if (typeof o.host !== 'string' || o.host === '') throw bad('client.host', 'must be the IMAP server host name');
    if (o.port !== undefined && (typeof o.port !== 'number' || !Number.isInteger(o.port) || o.port < 1 || o.port > 65535)) {
      throw bad('client.port', 'must be a port number');
    }
  }
  const mailbox = checkMailboxName(options.mailbox ?? 'INBOX', 'mailbox');
  const processed = checkDisposition(options.processed ?? { moveTo: 'Processed' }, 'processed', mailbox);
  const refused = options.refused === undefined ? processed : checkDisposition(options.refused, 'refused', mailbox);
  if (typeof options.idle !== 'undefined' && typeof options.idle !== 'boolean') throw bad('idle', 'must be a boolean');
  return {
    desk: desk as IntakeDesk,
    client: client as ImapIntakeOptions['client'],
    mailbox,
    processed,
    refused,
    batchSize: checkInt(options.batchSize, 'batchSize', 50, 1, 1000),
    maxFailures: checkInt(options.maxFailures, 'maxFailures', 5, 1, 1000),
    pollIntervalMs: checkInt(options.pollIntervalMs, 'pollIntervalMs', 60_000, 1, 24 * 3_600_000),
    idle: options.idle ?? true,
    onResult: checkHook(options.onResult, 'onResult'),
    onError: checkHook(options.onError, 'onError'),
  };
}

/** True for an `ImapFlow` (by shape: another copy of imapflow fails `instanceof`). */
export function isImapFlow(value: unknown): value is ImapFlow {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ImapFlow).connect === 'function' &&
    typeof (value as ImapFlow).getMailboxLock === 'function'
  );
}
