import { parentPort } from 'node:worker_threads';
import { TicketError } from '../errors.js';
import { renderMarkdown } from './markdown.js';
import { preloadMicromark } from './micromark-loader.js';
import { warmSanitizer } from './sanitize.js';
import type { RenderLimits } from './render-limits.js';

/*
 * The worker thread that renders staff Markdown (see markdown-worker.ts for the side that
 * starts, times and terminates it). It loads micromark with `import()` and warms jsdom
 * and DOMPurify before saying it is ready, so the time budget of the first body does not pay for the
 * ~0.5 s of loading. Built as its own entry (`dist/render-worker.js`, an ES module).
 * No top-level await: the same file is also built as CJS, where that is an error.
 */

/** A render request from the main thread. */
export interface RenderRequest {
  id: number;
  body: string;
  limits: RenderLimits;
}

/** The worker's answer: the HTML, or the refusal as plain data (errors do not clone). */
export type RenderResponse =
  | { type: 'ready' }
  | { type: 'done'; id: number; html: string }
  | { type: 'refused'; id: number; message: string; params: Record<string, unknown>; cause: string | null };

const port = parentPort;

async function start(): Promise<void> {
  if (port === null) return;
  await preloadMicromark();
  renderMarkdown('**warm** [up](https://e.example)');
  // Ordinary bodies never reach DOMPurify (sanitize-micromark.ts), so the render above
  // did not load it: load it now, so that no body's time budget pays for jsdom.
  warmSanitizer();
  port.on('message', (request: RenderRequest) => {
    port.postMessage(render(request));
  });
  port.postMessage({ type: 'ready' } satisfies RenderResponse);
}

function render({ id, body, limits }: RenderRequest): RenderResponse {
  try {
    return { type: 'done', id, html: renderMarkdown(body, limits) };
  } catch (err) {
    // renderMarkdown throws only ValidationErrors; anything else is reported the same way
    // so the main thread always has a typed error to throw.
    const cause = TicketError.is(err) ? err.cause : err;
    return {
      type: 'refused',
      id,
      message: TicketError.is(err) ? err.message : 'The message could not be rendered as Markdown.',
      params: TicketError.is(err) ? err.params : { field: 'body', reason: 'render_failed' },
      cause: cause === undefined ? null : String(cause),
    };
  }
}

void start();
