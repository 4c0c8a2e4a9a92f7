import { requireObject } from '../guard.js';
import { sharedMarkdownWorker } from './markdown-worker.js';
import { preloadMicromark } from './micromark-loader.js';
import { warmSanitizer } from './sanitize.js';

/** Options of `warmUp`. */
export interface WarmUpOptions {
  /**
   * Also load jsdom and DOMPurify in the calling thread, for a host that calls
   * `renderMarkdown` itself. The service renders in the thread only bodies that do not
   * need them (and the rest in the worker); loading them costs this thread about 100 MB
   * of memory.
   * @default false
   */
  inThread?: boolean;
}

/**
 * Pays the one-time cost of Markdown rendering now instead of on the first staff reply:
 * loads micromark in the calling thread (where `renderBody`, and so the service's create,
 * reply and edit, renders short bodies), starts the render worker it uses for the others,
 * and waits until the worker has loaded micromark, jsdom and DOMPurify (about half a
 * second, more on a busy machine). Later renders reuse both. Optional: without it
 * the first Markdown render pays the load instead. Safe to call more than once and
 * alongside renders; an idle worker never keeps the process alive.
 *
 * Importing ticketry loads none of this; call `warmUp()` at start-up, say before the HTTP
 * server starts listening, when the first reply should be as fast as the others.
 *
 * @param options `inThread: true` to also load jsdom and DOMPurify in the calling thread,
 *   for direct `renderMarkdown` calls.
 * @returns A promise that resolves once rendering is ready.
 * @throws ValidationError when `options` is not an object.
 * @throws InternalError when the render worker cannot be started.
 */
export async function warmUp(options: WarmUpOptions = {}): Promise<void> {
  requireObject(options, 'options', 'warmUp');
  const loads = [sharedMarkdownWorker().start(), options.inThread === true ? loadInThread() : preloadMicromark()];
  // Both at once; the worker's failure, if any, is reported first.
  for (const result of await Promise.allSettled(loads)) {
    if (result.status === 'rejected') throw result.reason;
  }
}

async function loadInThread(): Promise<void> {
  // `import()`, not `require()`: works on every supported Node version, and lets
  // `renderMarkdown` run afterwards even where `require()` of an ES module cannot.
  await preloadMicromark();
  warmSanitizer();
}
