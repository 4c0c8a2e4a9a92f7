/**
 * `desk.dispatcher`: exact delivery of outbox events to the host's handlers, from any
 * number of app instances. Each event is claimed by one instance with a lease, handed to
 * every handler that has not yet succeeded for it, retried with backoff when one throws,
 * and parked after `maxAttempts`.
 *
 * The guarantee is at least once per handler, each event in the hands of one instance at
 * a time: a handler's success is recorded after it returns, so an instance that dies in
 * between (or a handler that outlives the lease) leaves the event to be handled again.
 * Handlers make themselves idempotent with `event.eventId`, which never changes.
 */
import { ConfigError } from '../errors.js';
import type { ServiceContext } from '../service/service-context.js';
import { dispatchBatch, type BatchResult } from './dispatch-batch.js';
import { resolveDispatcherOptions, type DispatcherOptions, type ResolvedDispatcherOptions } from './dispatcher-options.js';

export type { DispatchBackoff, DispatchErrorHandler, DispatchHandler, DispatcherOptions } from './dispatcher-options.js';

/** A running (or stopped) dispatcher. */
export interface Dispatcher {
  /**
   * Starts the loop: claims due events batch after batch, and while nothing is due
   * sleeps until the store wakes it (`subscribeOutbox`) or `pollIntervalMs` passes.
   * Calling it on a running dispatcher does nothing.
   */
  start(): void;
  /** Stops claiming and resolves once the batch in hand is handled and recorded. */
  stop(): Promise<void>;
  /**
   * Dispatches batch after batch until nothing is due now; resolves to what it did. A
   * store failure rejects (with the store's typed error).
   */
  drain(): Promise<DispatchRun>;
  /** Whether the loop is running (`start` called, `stop` not yet). */
  readonly running: boolean;
}

/** What a `drain` did. */
export interface DispatchRun {
  /** Events every handler has now succeeded for. */
  delivered: number;
  /** Events a handler failed on, to be tried again after the backoff. */
  retried: number;
  /** Events given up on (`maxAttempts` reached, or a payload that cannot be decoded). */
  parked: number;
}

/** The longest pause after repeated store failures in the loop. */
const MAX_FAILURE_PAUSE_MS = 30_000;

/**
 * Extra claims after a wake-up, this long after the one before. `SKIP LOCKED` passes over
 * a row another statement holds for a moment, and the writer's own `markDelivered` (its
 * in-process listeners) updates the new event's row right after the commit that woke us:
 * the first claim can miss the very event it was woken for. These catch it without
 * waiting for the poll.
 */
const WAKE_FOLLOW_UPS_MS = [50, 250, 1000];

/** Creates a dispatcher for the service. Throws `ConfigError` for a bad option, or on a service without `dispatch: true`. */
export function createDispatcher(ctx: ServiceContext, options: DispatcherOptions): Dispatcher {
  if (!ctx.dispatch) {
    throw new ConfigError(
      'desk.dispatcher() needs a service created with dispatch: true; without it no event is queued for dispatch',
      { params: { field: 'dispatch' } },
    );
  }
  return new LoopingDispatcher(ctx, resolveDispatcherOptions(options));
}

class LoopingDispatcher implements Dispatcher {
  #loop: Promise<void> | null = null;
  #stopping = false;
  /** Set by a wake-up; checked before sleeping so one that came during a batch is not lost. */
  #woken = false;
  #wakeSleeper: (() => void) | null = null;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly options: ResolvedDispatcherOptions,
  ) {}

  get running(): boolean {
    return this.#loop !== null && !this.#stopping;
  }

  start(): void {
    if (this.#loop !== null) return;
    this.#stopping = false;
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    const loop = this.#loop;
    if (loop === null) return;
    this.#stopping = true;
    this.#wake();
    await loop;
    this.#loop = null;
    this.#stopping = false;
  }

  async drain(): Promise<DispatchRun> {
    const run: DispatchRun = { delivered: 0, retried: 0, parked: 0 };
    for (;;) {
      const batch = await dispatchBatch(this.ctx, this.options);
      run.delivered += batch.delivered;
      run.retried += batch.retried;
      run.parked += batch.parked;
      if (batch.claimed === 0) return run;
    }
  }

  #wake(): void {
    this.#woken = true;
    this.#wakeSleeper?.();
  }

  /** Sleeps `ms` of real time, or until woken. */
  async #sleep(ms: number): Promise<void> {
    if (this.#woken || this.#stopping) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wakeSleeper = done;
    });
    this.#wakeSleeper = null;
  }

  async #run(): Promise<void> {
    const { options, ctx } = this;
    let unsubscribe: (() => Promise<void>) | undefined;
    if (ctx.store.subscribeOutbox) {
      try {
        unsubscribe = await ctx.store.subscribeOutbox(ctx.tenantId, () => this.#wake());
      } catch (error) {
        // Polling still finds everything, only later.
        options.onError(error, null, null);
      }
    }
    let failures = 0;
    /** The earliest retry this loop scheduled, as real time (ms since the epoch of `performance`). */
    let retryDueAt = Infinity;
    /** The next of WAKE_FOLLOW_UPS_MS, or past its end: none pending. */
    let followUp = WAKE_FOLLOW_UPS_MS.length;
    try {
      while (!this.#stopping) {
        // A wake-up (it ended the last sleep, or came during the last batch) starts the follow-ups anew.
        if (this.#woken) followUp = 0;
        this.#woken = false;
        let batch: BatchResult;
        try {
          batch = await dispatchBatch(ctx, options);
          failures = 0;
        } catch (error) {
          // The store is down or refused: report, back off, keep going.
          failures += 1;
          options.onError(error, null, null);
          await this.#sleep(Math.min(options.pollIntervalMs * 2 ** Math.min(failures, 10), MAX_FAILURE_PAUSE_MS));
          continue;
        }
        if (batch.nextRetryAt !== null) {
          // Its own retries come due on the service clock; sleep toward them in real time.
          const due = performance.now() + Math.max(0, batch.nextRetryAt.getTime() - ctx.clock().getTime());
          retryDueAt = Math.min(retryDueAt, due);
        }
        // A full batch: more are probably due.
        if (batch.claimed >= options.batchSize) continue;
        const untilRetry = retryDueAt - performance.now();
        if (untilRetry <= 0) retryDueAt = Infinity;
        let sleepMs = Math.min(options.pollIntervalMs, untilRetry);
        if (followUp < WAKE_FOLLOW_UPS_MS.length) sleepMs = Math.min(sleepMs, WAKE_FOLLOW_UPS_MS[followUp++]!);
        await this.#sleep(Math.max(0, sleepMs));
      }
    } finally {
      if (unsubscribe) {
        await unsubscribe().catch((error: unknown) => options.onError(error, null, null));
      }
    }
  }
}
