/**
 * `imapIntake`: a small poller that takes mail from an IMAP mailbox (imapflow) into
 * `desk.ingestEmail`, and moves or flags what it processed so a restart ingests nothing twice.
 */
import { InternalError, TicketError } from '../../src/errors.js';
import { ImapConnection } from './imap-connection.js';
import { checkIntakeOptions, type ImapIntakeOptions, type ImapIntakeSummary } from './imap-intake-options.js';
import { reportError, runPass } from './imap-pass.js';

/** A running (or runnable) mailbox intake. */
export interface ImapIntake {
  /**
   * One pass: every mail waiting in the mailbox, oldest first, ingested and then moved or
   * flagged. Resolves to what it did; a mail whose ingest threw stays in place (and goes to
   * `onError`). Rejects with a `TicketError`: `unavailable` when the server cannot be reached
   * or the connection is lost (the next pass reconnects), `config` for a refused login or a
   * missing mailbox. Passes never overlap: a call during another pass runs after it.
   */
  runOnce(): Promise<ImapIntakeSummary>;
  /**
   * Runs passes until `stop()`: after each, waits for new mail (IMAP IDLE) or `pollIntervalMs`.
   * A failed pass goes to `onError` and is retried after a backoff (1 s, doubling, at most
   * `pollIntervalMs`). Calling it while running does nothing.
   */
  start(): void;
  /** Ends the loop after the mail in hand (the rest stays for later) and logs out. */
  stop(): Promise<void>;
  /** Whether `start()` is running. */
  readonly running: boolean;
}

/**
 * Takes mail from an IMAP mailbox into the desk.
 *
 * ```ts
 * const intake = imapIntake({ desk, client: { host: 'imap.example.net', port: 993, secure: true, auth: { user, pass } } });
 * intake.start();
 * ```
 *
 * The factory checks the options (a `ConfigError` for a bad one) and does no I/O; imapflow
 * is imported on the first pass.
 */
export function imapIntake(options: ImapIntakeOptions): ImapIntake {
  const o = checkIntakeOptions(options);
  const conn = new ImapConnection(o.client, o.idle);
  // `<uidvalidity>:<uid>` -> how many times its ingest threw, for setting a broken mail aside.
  const failures = new Map<string, number>();
  let queue: Promise<unknown> = Promise.resolve();
  let stopping = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;

  const runOnce = (): Promise<ImapIntakeSummary> => {
    const pass = queue.then(() =>
      runPass(o, conn, () => stopping, failures).catch((err: unknown) => {
        // Everything expected is a TicketError already; anything else is a bug, still typed.
        if (TicketError.is(err)) throw err;
        conn.drop();
        throw new InternalError(`imapIntake: a pass failed unexpectedly: ${String(err)}`, { cause: err });
      }),
    );
    queue = pass.catch(() => undefined);
    return pass;
  };

  // Resolves after `ms`, on stop(), or as soon as the server announces new mail or drops the connection.
  const waitForMail = (ms: number): Promise<void> =>
    new Promise<void>((resolve) => {
      const live = conn.current();
      const client = live?.client;
      const done = (): void => {
        clearTimeout(timer);
        wake = undefined;
        client?.off('exists', onExists);
        client?.off('close', done);
        resolve();
      };
      const onExists = (e: { count: number; prevCount: number }): void => {
        if (e.count > e.prevCount) done();
      };
      const timer = setTimeout(done, ms);
      wake = done;
      if (client !== undefined && o.idle && !live?.lost) {
        client.on('exists', onExists);
        client.on('close', done);
        // IDLE now rather than after imapflow's auto-IDLE delay; the next command ends it.
        if (client.capabilities.has('IDLE')) client.idle({ whenFree: true }).catch(() => undefined);
      }
    });

  const runLoop = async (): Promise<void> => {
    let failures = 0;
    while (!stopping) {
      try {
        await runOnce();
        failures = 0;
      } catch (err) {
        failures += 1;
        reportError(o, err as TicketError, { mailbox: o.mailbox });
      }
      if (stopping) break;
      const wait = failures === 0 ? o.pollIntervalMs : Math.min(1000 * 2 ** Math.min(failures - 1, 20), o.pollIntervalMs);
      await waitForMail(wait);
    }
  };

  return {
    runOnce,
    start() {
      if (loop !== undefined) return;
      stopping = false;
      loop = runLoop();
    },
    async stop() {
      stopping = true;
      wake?.();
      await loop;
      await queue;
      await conn.close();
      loop = undefined;
      stopping = false;
    },
    get running() {
      return loop !== undefined && !stopping;
    },
  };
}

export type {
  ImapIntakeOptions,
  ImapIntakeSummary,
  ImapIntakeResult,
  ImapIntakeErrorContext,
  IntakeDesk,
  IntakeDisposition,
} from './imap-intake-options.js';
