import { createRequire } from 'node:module';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { InternalError, UnavailableError, ValidationError } from '../errors.js';
import { bodyRefused } from './render-refusal.js';
import type { RenderLimits } from './render-limits.js';
import type { RenderRequest, RenderResponse } from './render-worker.js';

/*
 * The main-thread side of Markdown rendering: one worker thread, started on the first
 * Markdown body, kept for the next ones, and terminated when a body overruns its time
 * budget, so that no body, however pathological, blocks the host's event loop for
 * longer than the message passing. The next body starts a fresh worker.
 *
 * Bodies are rendered one at a time, in arrival order: the budget timer starts when a body
 * is handed to the worker, not while it waits behind others, and a terminated worker takes
 * only the body that overran with it. The worker is `unref()`ed while idle, so it never
 * keeps a host process alive.
 */

/** Longest wait for a fresh worker to load micromark and jsdom. */
const STARTUP_TIMEOUT_MS = 30_000;
/** A runaway body fails in the worker instead of growing the host's memory. */
const WORKER_HEAP_MB = 512;
/**
 * Bodies waiting for the worker beyond which new ones are turned away as `unavailable`
 * (retry later). At the 2 s budget a full queue of pathological bodies is minutes of
 * work; ordinary replies (~10 ms each) never get near it.
 */
const MAX_WAITING = 256;

interface Job {
  body: string;
  limits: RenderLimits;
  resolve(html: string): void;
  reject(err: Error): void;
}

/** Where this module is, for finding the worker beside it. */
function selfUrl(): string {
  // See sanitize.ts for why `__filename` first in the CJS build.
  return typeof __filename === 'string' && isAbsolute(__filename) ? pathToFileURL(__filename).href : import.meta.url;
}

/**
 * Starts the worker script. Built (`dist/`), it is `render-worker.js` beside this chunk,
 * an ES module for the ESM and the CJS build alike. From source (tests, tsx), it is the
 * TypeScript file, loaded through tsx's API, which must then be installed.
 */
function spawn(): Worker {
  // Loaded here, not imported: node:worker_threads is not in Node's start-up snapshot and
  // costs ~1.5 ms, which importing ticketry should not pay for a host that never renders.
  const { Worker } = process.getBuiltinModule('node:worker_threads');
  const here = selfUrl();
  const execArgv = workerExecArgv();
  const options = { resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB }, ...(execArgv ? { execArgv } : {}) };
  if (!/\.[cm]?ts$/.test(new URL(here).pathname)) {
    const file = new URL('./render-worker.js', here);
    try {
      return new Worker(file, options);
    } catch (err) {
      // A flag of the host's that Node accepts for a process but not for a worker: start
      // it with no options of the host's at all (the built worker needs none).
      if (execArgv === undefined || (err as { code?: unknown }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw err;
      return new Worker(file, { ...options, execArgv: [] });
    }
  }
  // tsx's ESM API by path: its `require` condition (the CJS API) fails inside a worker.
  const tsxApi = new URL('dist/esm/api/index.mjs', pathToFileURL(createRequire(here).resolve('tsx/package.json'))).href;
  const entry = new URL('./render-worker.ts', here).href;
  const code = `import(${JSON.stringify(tsxApi)}).then((tsx) => tsx.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(here)}))`;
  return new Worker(code, { ...options, eval: true });
}

/**
 * The Node options for the worker when the host's cannot be inherited as they are:
 * without `--input-type`, which Node refuses for a worker started from a file (a host
 * run as `node --input-type=module -e …` could not render Markdown at all). Otherwise
 * `undefined`: the worker inherits the host's options as Node does by default (an
 * explicit `execArgv` is validated flag by flag, and some Node builds start with
 * process-wide flags, such as `--secure-heap`, that a worker refuses).
 */
function workerExecArgv(): string[] | undefined {
  if (!process.execArgv.some((arg) => arg === '--input-type' || arg.startsWith('--input-type='))) return undefined;
  const argv: string[] = [];
  for (let i = 0; i < process.execArgv.length; i++) {
    const arg = process.execArgv[i]!;
    if (arg === '--input-type') i += 1;
    else if (!arg.startsWith('--input-type=')) argv.push(arg);
  }
  return argv;
}

/** A lazily started, restartable render worker with a per-body time budget. */
export class MarkdownWorker {
  readonly #queue: Job[] = [];
  #worker: Worker | undefined;
  #ready: Promise<Worker> | undefined;
  #current: { job: Job; id: number; timer: NodeJS.Timeout } | undefined;
  #nextId = 1;
  #starts = 0;

  /** How many workers have been started so far. For tests. */
  get starts(): number {
    return this.#starts;
  }

  /**
   * Renders `body` in the worker within `limits.timeBudgetMs`.
   *
   * @returns The sanitised HTML.
   * @throws ValidationError (field `body`) when the body is refused or overruns the budget;
   *   UnavailableError when too many bodies are already waiting; InternalError when the
   *   worker cannot be started.
   */
  render(body: string, limits: RenderLimits): Promise<string> {
    if (this.#queue.length >= MAX_WAITING) {
      return Promise.reject(
        new UnavailableError(`The Markdown renderer has ${MAX_WAITING} messages waiting; retry in a moment.`, {
          params: { waiting: this.#queue.length },
        }),
      );
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ body, limits, resolve, reject });
      void this.#pump();
    });
  }

  /**
   * Starts the worker now, if it is not running, and waits until it has loaded micromark,
   * jsdom and DOMPurify. Leaves it `unref()`ed when nothing is being rendered, so a warm
   * idle worker never keeps the process alive.
   *
   * @throws InternalError when the worker cannot be started.
   */
  async start(): Promise<void> {
    try {
      await this.#started();
    } catch (err) {
      throw new InternalError('The Markdown renderer could not be started; see cause.', { cause: err });
    }
    this.#idle();
  }

  /**
   * Terminates the worker, if any; the next render starts a new one. Bodies still being
   * rendered or waiting are refused as `unavailable`.
   */
  async close(): Promise<void> {
    const worker = this.#worker;
    const current = this.#current;
    this.#current = undefined;
    this.#discard();
    const stopped = () =>
      new UnavailableError('The Markdown renderer was stopped before this message was rendered; retry it.');
    if (current !== undefined) {
      clearTimeout(current.timer);
      current.job.reject(stopped());
    }
    for (const job of this.#queue.splice(0)) job.reject(stopped());
    if (worker !== undefined) await worker.terminate();
  }

  async #pump(): Promise<void> {
    if (this.#current !== undefined || this.#queue.length === 0) return;
    let worker: Worker;
    try {
      worker = await this.#started();
    } catch (err) {
      // Nothing can render: every waiting body gets the same typed error.
      for (const job of this.#queue.splice(0)) {
        job.reject(
          new InternalError('The Markdown renderer could not be started; see cause.', { cause: err }),
        );
      }
      return;
    }
    if (this.#current !== undefined || this.#queue.length === 0) return;
    // Closed or replaced while this call waited: start over with the current worker.
    if (worker !== this.#worker) return this.#pump();
    const job = this.#queue.shift()!;
    const id = this.#nextId++;
    // The check waits one more turn of the event loop: if the host blocked the loop past
    // the budget, the worker's answer may already be queued behind this timer, and a
    // body that finished in time must not be refused for the host's delay.
    const timer = setTimeout(() => setImmediate(() => this.#overrun(id)), job.limits.timeBudgetMs);
    this.#current = { job, id, timer };
    worker.ref();
    worker.postMessage({ id, body: job.body, limits: job.limits } satisfies RenderRequest);
  }

  #started(): Promise<Worker> {
    this.#ready ??= new Promise<Worker>((resolve, reject) => {
      const worker = spawn();
      this.#starts += 1;
      this.#worker = worker;
      const startup = setTimeout(() => {
        fail(new Error(`the render worker did not start within ${STARTUP_TIMEOUT_MS} ms`));
      }, STARTUP_TIMEOUT_MS);
      startup.unref();
      const fail = (err: unknown) => {
        clearTimeout(startup);
        if (this.#worker === worker) this.#discard();
        void worker.terminate();
        reject(err);
      };
      worker.on('message', (message: RenderResponse) => {
        if (message.type === 'ready') {
          clearTimeout(startup);
          resolve(worker);
        } else {
          this.#answered(message);
        }
      });
      worker.on('error', (err) => {
        if (this.#current === undefined) fail(err);
        else this.#died(worker, err);
      });
      worker.on('exit', (code) => {
        if (this.#worker !== worker) return; // terminated by us, already replaced
        if (this.#current === undefined) fail(new Error(`the render worker exited with code ${code}`));
        else this.#died(worker, new Error(`the render worker exited with code ${code}`));
      });
    });
    return this.#ready;
  }

  #answered(message: Exclude<RenderResponse, { type: 'ready' }>): void {
    const current = this.#current;
    if (current === undefined || current.id !== message.id) return;
    clearTimeout(current.timer);
    this.#current = undefined;
    if (message.type === 'done') {
      current.job.resolve(message.html);
    } else {
      const { field: _field, ...params } = message.params;
      current.job.reject(
        new ValidationError(message.message, 'body', {
          params,
          cause: message.cause === null ? undefined : new Error(message.cause),
        }),
      );
    }
    this.#idle();
    void this.#pump();
  }

  /** The body took longer than its budget: the worker goes, the body is refused. */
  #overrun(id: number): void {
    const current = this.#current;
    if (current === undefined || current.id !== id) return;
    const worker = this.#worker;
    this.#current = undefined;
    this.#discard();
    if (worker !== undefined) void worker.terminate();
    const { timeBudgetMs } = current.job.limits;
    current.job.reject(
      bodyRefused(
        'render_budget',
        `Rendering the message as Markdown took longer than ${timeBudgetMs} ms; simplify its formatting (nesting, long runs of *, _ or [, very many links) or send it as plain text.`,
        { budgetMs: timeBudgetMs },
      ),
    );
    void this.#pump();
  }

  /** The worker crashed (out of memory, say) while rendering: that body is refused. */
  #died(worker: Worker, err: unknown): void {
    if (this.#worker !== worker) return;
    const current = this.#current;
    this.#current = undefined;
    this.#discard();
    void worker.terminate();
    if (current !== undefined) {
      clearTimeout(current.timer);
      current.job.reject(
        bodyRefused(
          'render_failed',
          'The message could not be rendered as Markdown (the renderer ran out of resources); simplify its formatting or send it as plain text.',
          {},
          err,
        ),
      );
    }
    void this.#pump();
  }

  #idle(): void {
    if (this.#queue.length === 0 && this.#current === undefined) this.#worker?.unref();
  }

  #discard(): void {
    this.#worker = undefined;
    this.#ready = undefined;
  }
}

let shared: MarkdownWorker | undefined;

/**
 * The process-wide render worker, created (not started) on first use.
 *
 * @returns The shared `MarkdownWorker`.
 */
export function sharedMarkdownWorker(): MarkdownWorker {
  shared ??= new MarkdownWorker();
  return shared;
}
