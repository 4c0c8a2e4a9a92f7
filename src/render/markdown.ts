import { TicketError } from '../errors.js';
import { limitHtmlDepth } from './html-depth.js';
import { MAX_CONTAINER_ENDS, MAX_SETEXT_HEADINGS, capMarkdown } from './markdown-caps.js';
import type { DegradeReason } from './markdown-caps.js';
import { renderInChunks } from './markdown-chunks.js';
import { getMarkdownToHtml } from './micromark-loader.js';
import { bodyRefused } from './render-refusal.js';
import { resolveRenderLimits } from './render-limits.js';
import type { RenderLimits } from './render-limits.js';
import { sanitizeHtmlCapped } from './sanitize.js';
import { sanitizeMicromarkHtml } from './sanitize-micromark.js';

/*
 * Message body rendering. Staff bodies are GFM Markdown; customer bodies are plain text.
 * Render once when a message is written and store the HTML: never render on read.
 *
 * Neither micromark nor jsdom is imported here: both load on the first Markdown render
 * (micromark-loader.ts, sanitize.ts), so importing ticketry stays cheap and works with
 * `require()` on Node versions that cannot require ES modules.
 *
 * The cost of a Markdown render is kept linear in the body's length by caps (see
 * markdown-caps.ts, html-depth.ts and the link cap in sanitize.ts) and by rendering a long
 * body in pieces (markdown-chunks.ts); the service renders in a worker with a time budget
 * on top (render-body.ts).
 */

/** Characters escaped by `escapeHtml`, with their references. */
const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * HTML allowed per character of the Markdown size limit; more is refused as too complex.
 * Ordinary Markdown expands 1.2-3x, a task list of one-word items 7.5x; footnote
 * back-links and reference links repeated thousands of times go far past it (56x), and
 * the sanitiser's time follows the size of the HTML.
 */
const OUTPUT_PER_INPUT = 8;

/**
 * Renders a staff member's GFM Markdown body to sanitised HTML.
 *
 * Raw HTML in the Markdown is not interpreted: it comes out as visible, escaped text
 * (micromark's `allowDangerousHtml: false`). The result then goes through `sanitizeHtml`,
 * which keeps only GFM's formatting, allows only absolute `http:`, `https:` and `mailto:`
 * links (each with `rel="nofollow noopener noreferrer"` and `target="_blank"`), and turns
 * images into links to them.
 *
 * The cost is linear in the body's length. What would cost more is shown as plain text
 * (quote and list nesting beyond `maxNesting`, links beyond `maxLinks`, tables beyond
 * `maxTableCells`), or split (paragraphs longer than `maxParagraphLength`), and the HTML
 * then ends with a note saying so (`<p><em>Formatting simplified: …</em></p>`).
 *
 * Synchronous, on the calling thread, with no time budget: the service uses `renderBody`,
 * which runs this in a worker for all but short bodies. The first call loads micromark, jsdom and DOMPurify (about
 * half a second); later calls reuse them.
 *
 * @param markdown The body as written.
 * @param limits Render limits; the defaults of `config.render` when omitted.
 * @returns HTML safe to insert into a page; `''` for an empty body.
 * @throws ValidationError (field `body`, `params.reason`) for a body that is not a string,
 *   is longer than `maxMarkdownLength`, expands to too much HTML, or breaks the renderer.
 */
export function renderMarkdown(markdown: string, limits?: Partial<RenderLimits>): string {
  return renderChecked(markdown, resolveRenderLimits(limits), true)!;
}

/**
 * `renderMarkdown` for a body whose HTML the token pass can sanitise alone (every
 * ordinary body): the same HTML, or `undefined` when the body would need DOMPurify on
 * jsdom, which this never loads. `renderBody` uses it for short bodies on the calling
 * thread.
 *
 * @throws ValidationError as `renderMarkdown`.
 */
export function renderOrdinaryMarkdown(markdown: string, limits: RenderLimits): string | undefined {
  return renderChecked(markdown, limits, false);
}

function renderChecked(markdown: string, all: RenderLimits, domFallback: boolean): string | undefined {
  checkBody(markdown, Math.min(all.maxMarkdownLength, all.maxBodyLength), 'markdown_too_long');
  try {
    return renderCapped(markdown, all, domFallback);
  } catch (err) {
    if (TicketError.is(err)) throw err;
    // A stack overflow or anything else unforeseen inside micromark or jsdom: the body is
    // what made it fail, so it is the body that is refused.
    throw bodyRefused(
      'render_failed',
      'The message could not be rendered as Markdown; simplify its formatting (nesting, long runs of *, _ or [) or send it as plain text.',
      {},
      err,
    );
  }
}

/**
 * Renders a customer's plain-text body to HTML: every character shown as typed, no
 * Markdown, no links.
 *
 * The text is HTML-escaped, `\r\n`, `\r` and `\n` each become `<br>`, and the whole is
 * wrapped in a single `<p>`. `<br>` is emitted without a newline after it, so a host that
 * styles bodies with `white-space: pre-wrap` (to keep runs of spaces) gets no doubled
 * line breaks. An empty body renders as `''`, not an empty paragraph. Linear time.
 *
 * @param text The body as written.
 * @returns HTML safe to insert into a page.
 * @throws ValidationError (field `body`, `params.reason: 'not_a_string'`) for a non-string.
 */
export function renderPlainText(text: string): string {
  checkString(text);
  if (text === '') return '';
  return `<p>${escapeHtml(text).replace(/\r\n?|\n/g, '<br>')}</p>`;
}

/**
 * Escapes `&`, `<`, `>`, `"` and `'` so that a string can be placed in HTML text or in a
 * quoted attribute value.
 *
 * @param text Any string.
 * @returns The string with those five characters replaced by character references.
 * @throws ValidationError (field `body`, `params.reason: 'not_a_string'`) for a non-string.
 */
export function escapeHtml(text: string): string {
  checkString(text);
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

/**
 * Throws unless `body` is a string of at most `max` characters.
 *
 * @param body The value to check.
 * @param max Longest allowed.
 * @param reason The refusal reason for a body that is too long.
 */
export function checkBody(body: unknown, max: number, reason: 'body_too_long' | 'markdown_too_long'): asserts body is string {
  checkString(body);
  if (body.length <= max) return;
  const message =
    reason === 'markdown_too_long'
      ? `The message is ${body.length} characters; Markdown messages may have at most ${max}. Shorten it or split it into several messages.`
      : `The message is ${body.length} characters; messages may have at most ${max}. Shorten it or split it into several messages.`;
  throw bodyRefused(reason, message, { max, length: body.length });
}

function checkString(value: unknown): asserts value is string {
  if (typeof value === 'string') return;
  const type = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  throw bodyRefused('not_a_string', `The message body must be a string, not ${type}.`, { type });
}

/**
 * The pipeline: caps, micromark, depth limit, output limit, sanitiser, note. Without
 * `domFallback`, `undefined` where the token pass leaves the HTML to DOMPurify.
 */
function renderCapped(markdown: string, limits: RenderLimits, domFallback: boolean): string | undefined {
  const capped = capMarkdown(markdown, limits);
  // In pieces of a few KiB where that gives the same HTML: micromark's time per character
  // grows with the body's length otherwise (markdown-chunks.ts).
  const raw = renderInChunks(getMarkdownToHtml(), capped.markdown);
  const maxOutput = OUTPUT_PER_INPUT * limits.maxMarkdownLength;
  if (raw.length > maxOutput) {
    throw bodyRefused(
      'markdown_too_complex',
      'The message expands to too much HTML (many repeated footnotes or reference links?); simplify it or send it as plain text.',
      { max: maxOutput },
    );
  }
  // Containers are capped at maxNesting; each level is two elements (ul > li), and inline
  // formatting, tables and paragraphs inside add a few more.
  const { html: shallow, flattened } = limitHtmlDepth(raw, 2 * limits.maxNesting + 16);
  if (flattened) capped.degraded.add('depth');
  // The token pass handles everything micromark writes; DOMPurify on jsdom takes whatever
  // it does not recognise (see sanitize-micromark.ts), with the same policy and result.
  const sanitized =
    sanitizeMicromarkHtml(shallow, limits.maxLinks) ?? (domFallback ? sanitizeHtmlCapped(shallow, limits.maxLinks) : undefined);
  if (sanitized === undefined) return undefined;
  const { html, linksCapped } = sanitized;
  if (linksCapped) capped.degraded.add('links');
  return capped.degraded.size === 0 ? html : `${html}${degradedNote(capped.degraded, limits)}`;
}

/**
 * The note a degraded message ends with, so a reader knows the odd formatting is not the
 * writer's. Fixed English, like system notes' default text.
 */
function degradedNote(reasons: ReadonlySet<DegradeReason>, limits: RenderLimits): string {
  const what: Record<DegradeReason, string> = {
    nesting: `quotes and lists nested deeper than ${limits.maxNesting} levels shown as text`,
    depth: 'formatting nested too deeply shown as text',
    links: `links beyond the first ${limits.maxLinks} shown as text`,
    table: `tables beyond ${limits.maxTableCells} cells shown as text`,
    paragraph: `paragraphs longer than ${limits.maxParagraphLength} characters split`,
    headings: `underlined (setext) headings beyond the first ${MAX_SETEXT_HEADINGS} shown as text`,
    containers: `quote and list markers after the first ${MAX_CONTAINER_ENDS} quotes and lists shown as text`,
  };
  const parts = [...reasons].map((reason) => what[reason]);
  return `\n<p><em>Formatting simplified: ${escapeHtml(parts.join('; '))}.</em></p>`;
}
