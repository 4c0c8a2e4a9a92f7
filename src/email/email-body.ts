/**
 * The body of a mail as a few blocks (paragraphs, a message, a link, a note), written
 * once and rendered twice: as plain text and as HTML. Keeping both parts of a mail in one
 * description is what stops them drifting apart, and every value goes through
 * `escapeHtml` on the HTML side except a message's own HTML, sanitised when it was stored.
 */
import { escapeHtml } from '../render/markdown.js';

/** One block of a mail's body. */
export type EmailBlock =
  /** A paragraph of text. */
  | { kind: 'paragraph'; text: string }
  /** A message of the thread: its text as written, and the sanitised HTML stored with it. */
  | { kind: 'message'; author: string | null; text: string; html: string }
  /** A link to the ticket. */
  | { kind: 'link'; label: string; url: string }
  /** A small print line (how to answer). */
  | { kind: 'note'; text: string };

const FONT = 'font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:14px;line-height:1.5;color:#222';

// Line breaks of a text paragraph become <br>, as the plain-text part shows them.
const htmlText = (text: string) => escapeHtml(text).replace(/\r\n?|\n/g, '<br>');

function blockText(block: EmailBlock): string {
  switch (block.kind) {
    case 'paragraph':
    case 'note':
      return block.text;
    case 'message':
      return block.author ? `${block.author}:\n\n${block.text}` : block.text;
    case 'link':
      return `${block.label}: ${block.url}`;
  }
}

function blockHtml(block: EmailBlock): string {
  switch (block.kind) {
    case 'paragraph':
      return `<p>${htmlText(block.text)}</p>`;
    case 'note':
      return `<p style="color:#666;font-size:12px">${htmlText(block.text)}</p>`;
    case 'message': {
      const author = block.author ? `<p style="margin:0 0 8px;color:#666">${htmlText(block.author)}:</p>` : '';
      // An empty stored HTML (an attachment-only message) still shows as an empty quote.
      return `${author}<div style="border-left:3px solid #ccc;padding-left:12px;margin:0 0 16px">${block.html}</div>`;
    }
    case 'link':
      return `<p><a href="${escapeHtml(block.url)}">${htmlText(block.label)}</a></p>`;
  }
}

/** The plain-text and HTML parts of a mail made of `blocks`, in `language` (the HTML's `lang`). */
export function renderEmailBody(blocks: readonly EmailBlock[], language: string): { text: string; html: string } {
  const text = `${blocks.map(blockText).join('\n\n')}\n`;
  const html =
    `<!doctype html><html lang="${escapeHtml(language)}"><head><meta charset="utf-8"></head>` +
    `<body style="${FONT}">${blocks.map(blockHtml).join('')}</body></html>`;
  return { text, html };
}

/** A plain-text mail as HTML: escaped, line breaks kept (for templates that return no `html`). */
export function textToEmailHtml(text: string, language: string): string {
  const paragraphs = text.split(/(?:\r\n?|\n){2,}/).filter((p) => p.trim() !== '');
  return renderEmailBody(
    paragraphs.map((p) => ({ kind: 'paragraph', text: p })),
    language,
  ).html;
}
