import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';
import { sanitizeHtml } from './sanitize.js';

/*
 * Message body rendering. Staff bodies are GFM Markdown; customer bodies are plain text.
 * Render once when a message is written and store the HTML: never render on read.
 *
 * micromark is ESM-only; the static import is fine in the CJS build too because
 * Node >= 20.19 can require() ES modules. jsdom is not imported here: sanitize.ts loads
 * it on the first render.
 */

// Built once: the extension objects are plain data, cheap and free of I/O.
const syntaxExtensions = [gfm()];
const htmlExtensions = [gfmHtml()];

/** Characters escaped by `escapeHtml`, with their references. */
const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Renders a staff member's GFM Markdown body to sanitised HTML.
 *
 * Raw HTML in the Markdown is not interpreted: it comes out as visible, escaped text
 * (micromark's `allowDangerousHtml: false`). The result then goes through `sanitizeHtml`,
 * which keeps only GFM's formatting, allows only absolute `http:`, `https:` and `mailto:`
 * links (each with `rel="nofollow noopener noreferrer"` and `target="_blank"`), and turns
 * images into links to them.
 *
 * Synchronous. The first call loads jsdom and DOMPurify (about half a second); later calls
 * reuse them.
 *
 * @param markdown The body as written.
 * @returns HTML safe to insert into a page; `''` for an empty body.
 */
export function renderMarkdown(markdown: string): string {
  const html = micromark(markdown, {
    extensions: syntaxExtensions,
    htmlExtensions,
    // The defaults already; spelled out because they are the first line of defence.
    allowDangerousHtml: false,
    allowDangerousProtocol: false,
  });
  return sanitizeHtml(html);
}

/**
 * Renders a customer's plain-text body to HTML: every character shown as typed, no
 * Markdown, no links.
 *
 * The text is HTML-escaped, `\r\n`, `\r` and `\n` each become `<br>`, and the whole is
 * wrapped in a single `<p>`. `<br>` is emitted without a newline after it, so a host that
 * styles bodies with `white-space: pre-wrap` (to keep runs of spaces) gets no doubled
 * line breaks. An empty body renders as `''`, not an empty paragraph.
 *
 * @param text The body as written.
 * @returns HTML safe to insert into a page.
 */
export function renderPlainText(text: string): string {
  if (text === '') return '';
  return `<p>${escapeHtml(text).replace(/\r\n?|\n/g, '<br>')}</p>`;
}

/**
 * Escapes `&`, `<`, `>`, `"` and `'` so that a string can be placed in HTML text or in a
 * quoted attribute value.
 *
 * @param text Any string.
 * @returns The string with those five characters replaced by character references.
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}
