import { ValidationError } from '../errors.js';
import { checkBody, renderOrdinaryMarkdown, renderPlainText } from './markdown.js';
import { sharedMarkdownWorker } from './markdown-worker.js';
import { isMicromarkLoaded, preloadMicromark } from './micromark-loader.js';
import { resolveRenderLimits } from './render-limits.js';
import type { RenderLimits } from './render-limits.js';

/** How a message body is written: staff write Markdown, customers plain text. */
export type BodyKind = 'markdown' | 'plain';

/**
 * Renders a message body to the HTML stored with it, within bounded cost.
 *
 * `'plain'` is escaped on the calling thread (linear, ~0.1 s for 256 KB). `'markdown'`
 * up to `inThreadMaxLength` characters (512 by default) is rendered on the calling
 * thread too, when the token pass can sanitise its HTML (any ordinary body): at that
 * length the caps of `renderMarkdown` keep the costliest body found to a few times an
 * ordinary one, a few milliseconds, and a round trip to the worker would cost about as
 * much as the render. Longer bodies, and those whose HTML
 * needs DOMPurify (which is never loaded on the calling thread), are rendered in a worker
 * thread with a hard time budget: a body that overruns `timeBudgetMs` is refused, the
 * worker terminated and restarted on the next call, and the host's event loop is not
 * blocked by the render.
 * Call it after the actor, the ticket and its scope have been checked, so an
 * out-of-scope request costs a lookup, not a render.
 *
 * @param kind `'markdown'` for staff bodies, `'plain'` for customer bodies.
 * @param body The body as written.
 * @param limits `config.render` and `maxBodyLength` (`{ maxBodyLength, ...config.render }`);
 *   defaults for any not given.
 * @returns Sanitised HTML.
 * @throws ValidationError with `field: 'body'` and `params.reason` one of `not_a_string`,
 *   `body_too_long`, `markdown_too_long` (`params.max`, `params.length`),
 *   `markdown_too_complex`, `render_budget` (`params.budgetMs`), `render_failed`.
 * @throws UnavailableError when 256 Markdown bodies are already waiting for the worker
 *   (retry later).
 * @throws InternalError when the render worker cannot be started at all.
 */
export async function renderBody(kind: BodyKind, body: string, limits?: Partial<RenderLimits>): Promise<string> {
  const all = resolveRenderLimits(limits);
  if (kind === 'plain') {
    checkBody(body, all.maxBodyLength, 'body_too_long');
    return renderPlainText(body);
  }
  if (kind !== 'markdown') {
    throw new ValidationError(`Unknown body kind ${JSON.stringify(kind)}: use 'markdown' or 'plain'.`, 'kind');
  }
  checkBody(body, Math.min(all.maxBodyLength, all.maxMarkdownLength), 'markdown_too_long');
  // Nothing to parse: not worth a round trip (and no worker start for an empty note).
  if (body.trim() === '') return '';
  if (body.length <= all.inThreadMaxLength) {
    // `import()` the first time (micromark is ESM-only).
    if (!isMicromarkLoaded()) await preloadMicromark();
    const html = renderOrdinaryMarkdown(body, all);
    if (html !== undefined) return html;
  }
  return sharedMarkdownWorker().render(body, all);
}

/**
 * Terminates the render worker, if one is running. Never needed for a clean exit (the
 * worker does not keep the process alive); for tests and hosts that want threads gone
 * now. The next Markdown render starts a new worker.
 */
export async function stopRenderWorker(): Promise<void> {
  await sharedMarkdownWorker().close();
}
