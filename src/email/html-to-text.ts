/**
 * The HTML of an HTML-only mail as plain text: what a person reads, with no markup left
 * (the text is then stored and shown as a customer's plain text, escaped). Block elements
 * become line breaks, list items `- ` lines, `<blockquote>` lines `> ` (so quote trimming
 * sees a quoted reply the way it sees one in a text part), links keep their address;
 * `<script>`, `<style>`, `<head>`, comments and every attribute are dropped. One pass over
 * the input: the cost is linear whatever the markup (unclosed tags, deep nesting).
 */

/** Elements whose whole content is dropped. */
const SKIPPED = new Set(['script', 'style', 'head', 'title', 'template', 'noscript', 'svg', 'object', 'iframe']);
/** Elements that break the line before and after them. */
const BLOCKS = new Set([
  'address', 'article', 'aside', 'blockquote', 'center', 'dd', 'details', 'dialog', 'div', 'dl', 'dt',
  'fieldset', 'figcaption', 'figure', 'footer', 'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header',
  'hr', 'li', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'summary', 'table', 'tbody', 'thead', 'tfoot',
  'tr', 'ul',
]);
/** Blocks followed by an empty line (paragraph-like). */
const PARAGRAPHS = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'ul', 'ol', 'blockquote', 'pre']);

const NAMED: Record<string, string> = {
  nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", copy: '©', reg: '®', trade: '™',
  hellip: '…', mdash: '—', ndash: '–', laquo: '«', raquo: '»', lsquo: '‘', rsquo: '’', ldquo: '“',
  rdquo: '”', sbquo: '‚', bdquo: '„', bull: '•', middot: '·', euro: '€', pound: '£', yen: '¥',
  cent: '¢', deg: '°', times: '×', divide: '÷', shy: '', zwnj: '', zwj: '', ensp: ' ', emsp: ' ',
  thinsp: ' ', iexcl: '¡', iquest: '¿', sect: '§', para: '¶', plusmn: '±', frac12: '½', tab: '\t',
};

/** Plain text of `html`. */
export function htmlToText(html: string): string {
  const out = new TextBuilder();
  const n = html.length;
  let i = 0;
  let pre = 0;
  let href: string[] = [];
  while (i < n) {
    const lt = html.indexOf('<', i);
    const textEnd = lt === -1 ? n : lt;
    if (textEnd > i) out.text(decodeEntities(html.slice(i, textEnd)), pre > 0);
    if (lt === -1) break;
    i = lt;
    if (html.startsWith('<!--', i)) {
      const end = html.indexOf('-->', i + 4);
      i = end === -1 ? n : end + 3;
      continue;
    }
    const tag = readTag(html, i);
    if (tag === null) {
      // A lone `<` is text.
      out.text('<', pre > 0);
      i += 1;
      continue;
    }
    i = tag.end;
    const name = tag.name;
    if (!tag.closing && SKIPPED.has(name)) {
      if (tag.selfClosing) continue;
      const close = new RegExp(`</${name}\\s*>`, 'gi');
      close.lastIndex = i;
      const m = close.exec(html);
      i = m ? m.index + m[0].length : n;
      continue;
    }
    if (name === 'br') {
      out.newline();
    } else if (name === 'blockquote') {
      out.block(true);
      out.depth += tag.closing ? -1 : 1;
      if (out.depth < 0) out.depth = 0;
    } else if (name === 'li' && !tag.closing) {
      out.block(false);
      out.text('- ', true);
    } else if (name === 'pre') {
      out.block(true);
      pre += tag.closing ? -1 : 1;
      if (pre < 0) pre = 0;
    } else if (name === 'td' || name === 'th') {
      if (!tag.closing) out.text(' ', false);
    } else if (name === 'hr') {
      out.block(false);
      out.text('---', true);
      out.block(false);
    } else if (name === 'a') {
      if (!tag.closing) {
        href.push(tag.href ?? '');
        out.markLink();
      } else {
        const url = href.pop() ?? '';
        out.endLink(url);
      }
    } else if (BLOCKS.has(name)) {
      out.block(PARAGRAPHS.has(name));
    }
    if (href.length > 64) href = href.slice(-64);
  }
  return out.done();
}

interface Tag {
  name: string;
  closing: boolean;
  selfClosing: boolean;
  /** For `<a>`: the `href` attribute. */
  href: string | null;
  /** Index just past the tag. */
  end: number;
}

/** The tag starting at `html[at] === '<'`, or `null` when no tag starts there. */
function readTag(html: string, at: number): Tag | null {
  let i = at + 1;
  const closing = html[i] === '/';
  if (closing) i++;
  if (html[i] === '!' || html[i] === '?') {
    // A doctype or processing instruction: skipped whole.
    const end = html.indexOf('>', i);
    return { name: '!', closing: false, selfClosing: true, href: null, end: end === -1 ? html.length : end + 1 };
  }
  const nameMatch = /^[A-Za-z][A-Za-z0-9:-]*/.exec(html.slice(i, i + 40));
  if (!nameMatch) return null;
  const name = nameMatch[0].toLowerCase();
  i += nameMatch[0].length;
  // To the `>` that is not inside a quoted attribute value.
  const attrStart = i;
  let quote: string | null = null;
  const n = html.length;
  while (i < n) {
    const c = html[i]!;
    if (quote !== null) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '>') {
      break;
    }
    i++;
  }
  const attributes = html.slice(attrStart, i);
  const end = i < n ? i + 1 : n;
  let href: string | null = null;
  if (name === 'a' && !closing) {
    const m = /\bhref\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(attributes);
    if (m) href = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '').trim();
  }
  return { name, closing, selfClosing: attributes.trimEnd().endsWith('/'), href, end };
}

/**
 * `line` without trailing spaces and tabs. A loop, not `.replace(/[ \t]+$/, '')`: the
 * regex retries from every blank of a run that does not reach the end, quadratic in the
 * run (a `<pre>` of 64 KiB of spaces and a letter took 16 s).
 */
function withoutTrailingBlanks(line: string): string {
  let end = line.length;
  while (end > 0 && (line.charCodeAt(end - 1) === 32 || line.charCodeAt(end - 1) === 9)) end--;
  return end === line.length ? line : line.slice(0, end);
}

/** Decodes character references; an unknown named one stays as written. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?/g, (all, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\uFFFD';
      return String.fromCodePoint(code);
    }
    const named = NAMED[ref] ?? NAMED[ref.toLowerCase()];
    return named ?? all;
  });
}

/** Lines under construction: whitespace collapsed, blank lines limited, quote depth prefixed. */
class TextBuilder {
  depth = 0;
  readonly #lines: string[] = [];
  #line = '';
  #lineDepth = 0;
  /** The line has text (beyond its prefix). */
  #started = false;
  /** Pending blank lines before the next text: 0, 1 (line break) or 2 (paragraph). */
  #pending = 0;
  #linkText = '';
  #inLink = false;

  text(raw: string, verbatim: boolean): void {
    if (verbatim) {
      const parts = raw.replace(/\r\n?/g, '\n').split('\n');
      parts.forEach((part, k) => {
        if (k > 0) this.newline();
        if (part !== '') this.#append(part);
      });
      return;
    }
    const collapsed = raw.replace(/\s+/g, ' ');
    if (collapsed === ' ' && !this.#started) return;
    this.#append(this.#started ? collapsed : collapsed.replace(/^ /, ''));
  }

  #append(text: string): void {
    if (text === '') return;
    if (!this.#started) {
      this.#flushPending();
      this.#lineDepth = this.depth;
      this.#started = true;
    }
    this.#line += text;
    if (this.#inLink) this.#linkText += text;
  }

  newline(): void {
    if (this.#started) {
      this.#endLine();
    } else {
      this.#pending = Math.min(2, this.#pending + 1);
    }
  }

  block(paragraph: boolean): void {
    if (this.#started) this.#endLine();
    if (paragraph && this.#lines.length > 0) this.#pending = Math.max(this.#pending, 1);
  }

  markLink(): void {
    this.#inLink = true;
    this.#linkText = '';
  }

  endLink(url: string): void {
    this.#inLink = false;
    const shown = this.#linkText.trim();
    const target = url.replace(/^mailto:/i, '');
    // A link whose text is not its address keeps the address, so nothing the sender meant is lost.
    if (/^(https?:|mailto:)/i.test(url) && target !== '' && shown !== target && shown !== url) {
      this.#append(shown === '' ? target : ` <${target}>`);
    }
  }

  #endLine(): void {
    const prefix = this.#lineDepth > 0 ? `${'>'.repeat(this.#lineDepth)} ` : '';
    this.#lines.push(prefix + withoutTrailingBlanks(this.#line));
    this.#line = '';
    this.#started = false;
    this.#pending = 0;
  }

  #flushPending(): void {
    if (this.#lines.length === 0) {
      this.#pending = 0;
      return;
    }
    for (let k = 0; k < this.#pending; k++) this.#lines.push('');
    this.#pending = 0;
  }

  done(): string {
    if (this.#started) this.#endLine();
    return this.#lines.join('\n').replace(/\n{3,}/g, '\n\n').trim();
  }
}
