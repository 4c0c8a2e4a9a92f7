/**
 * The options of `desk.dispatcher`: their schema, defaults, and the retry backoff they
 * describe. A bad option is a `ConfigError` naming it (`params.field`).
 */
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { lazySchema } from '../zod-loader.js';
import type { TicketEvent } from './event-types.js';

/** A handler: resolve when the event is handled; throw or reject to have it retried. */
export type DispatchHandler = (event: TicketEvent) => unknown;

/**
 * Told of every failure: a handler that threw (`event` and `handlerName` set), or an
 * event whose stored payload this version cannot decode (`event` and `handlerName` null;
 * it is parked at once).
 */
export type DispatchErrorHandler = (error: unknown, event: TicketEvent | null, handlerName: string | null) => void;

/** How long a failed event waits before its next attempt. */
export interface DispatchBackoff {
  /** The wait after the first failed attempt; each further failure doubles it. @default 1000 */
  baseMs?: number;
  /** The longest wait. @default 3600000 (1 hour) */
  maxMs?: number;
  /**
   * The fraction of each wait drawn at random (0: exact waits; 0.5: between half and the
   * whole), so events that failed together do not all come back at once. @default 0.5
   */
  jitter?: number;
}

/** Options of `desk.dispatcher`. */
export interface DispatcherOptions {
  /**
   * Handlers by name. The name is stored with each event it succeeded for, so a retry
   * calls only the others: keep names stable across deploys.
   */
  handlers: Record<string, DispatchHandler>;
  /** Attempts (claims) before an event is parked. @default 10 */
  maxAttempts?: number;
  /** The wait before a failed event's next attempt. @default { baseMs: 1000, maxMs: 3600000, jitter: 0.5 } */
  backoff?: DispatchBackoff;
  /** Events claimed at a time. @default 100 */
  batchSize?: number;
  /**
   * How long a claim holds its events. Another instance may claim an event again once the
   * lease has run out (its holder died), so a batch must finish well within it: a handler
   * still running at 90% of the lease counts as failed and is retried. @default 300000 (5 minutes)
   */
  leaseMs?: number;
  /**
   * The longest sleep between claims while nothing is due. Wake-ups from the store
   * (`subscribeOutbox`: Postgres LISTEN/NOTIFY, in-process on memory and SQLite) come
   * sooner; polling finds what they cannot see (SQLite written by other processes,
   * MySQL, retries coming due). @default 1000
   */
  pollIntervalMs?: number;
  /** Events of a batch handled at once (each event's handlers run one after another). @default 10 */
  concurrency?: number;
  /**
   * Told of every failure (the event is retried or parked whatever it does).
   * @default logs with console.error
   */
  onError?: DispatchErrorHandler;
}

const optionsSchema = lazySchema((z) => {
  const fn = <T>(what: string) => z.custom<T>((value) => typeof value === 'function', { message: `must be a function (${what})` });
  const int = (min: number, max: number) => z.number().int().min(min).max(max);
  return z.strictObject({
    handlers: z
      .record(z.string().min(1).max(200), fn<DispatchHandler>('event) => unknown'))
      .refine((h) => Object.keys(h).length > 0, { message: 'needs at least one handler' }),
    maxAttempts: int(1, 1000).default(10),
    backoff: z
      .strictObject({
        baseMs: int(0, 86_400_000).default(1000),
        maxMs: int(0, 7 * 86_400_000).default(3_600_000),
        jitter: z.number().min(0).max(1).default(0.5),
      })
      .default({ baseMs: 1000, maxMs: 3_600_000, jitter: 0.5 }),
    batchSize: int(1, 1000).default(100),
    leaseMs: int(1000, 86_400_000).default(300_000),
    pollIntervalMs: int(1, 86_400_000).default(1000),
    concurrency: int(1, 1000).default(10),
    onError: fn<DispatchErrorHandler>('error, event, handlerName) => void').optional(),
  });
});

/** The options with every default applied. */
export type ResolvedDispatcherOptions = Omit<z.output<ReturnType<typeof optionsSchema>>, 'onError'> & { onError: DispatchErrorHandler };

const defaultOnError: DispatchErrorHandler = (error, event, handlerName) =>
  console.error(
    event === null
      ? 'ticketry: the dispatcher could not decode a queued event; it was parked'
      : `ticketry: dispatch handler "${handlerName}" failed on ${event.type} ${event.eventId}`,
    error,
  );

/** Checks and completes `desk.dispatcher` options; throws `ConfigError` naming the bad field. */
export function resolveDispatcherOptions(input: unknown): ResolvedDispatcherOptions {
  const parsed = optionsSchema().safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map(String);
    const field = issue.code === 'unrecognized_keys' ? [...path, issue.keys[0]].join('.') : path.join('.') || 'options';
    throw new ConfigError(`Invalid dispatcher option "${field}": ${issue.message}`, { cause: parsed.error, params: { field } });
  }
  const { onError, ...rest } = parsed.data;
  if (rest.backoff.maxMs < rest.backoff.baseMs) {
    throw new ConfigError('Invalid dispatcher option "backoff.maxMs": must be at least backoff.baseMs', {
      params: { field: 'backoff.maxMs' },
    });
  }
  const report = onError ?? defaultOnError;
  return {
    ...rest,
    // A throwing onError must not stop the dispatcher; it is logged instead.
    onError: (error, event, handlerName) => {
      try {
        report(error, event, handlerName);
      } catch (reportError) {
        console.error('ticketry: the dispatcher onError threw', reportError, error);
      }
    },
  };
}

/**
 * The wait after the `attempts`-th failed attempt: `baseMs · 2^(attempts-1)`, capped at
 * `maxMs`, its `jitter` fraction drawn at random.
 */
export function backoffMs(backoff: Required<DispatchBackoff>, attempts: number, random: () => number = Math.random): number {
  const exact = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(Math.max(attempts - 1, 0), 40));
  return Math.round(exact * (1 - backoff.jitter) + exact * backoff.jitter * random());
}
