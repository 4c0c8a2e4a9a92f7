/**
 * Text attachments (TXT, LOG) have no magic bytes: they are text when every byte is valid
 * UTF-8 and none is NUL. The head decides whether a file may be text at all; the rest is
 * checked as it streams past (`TextVerifier`), so a NUL at byte 200 000 still refuses it.
 * Markup and scripts (HTML, SVG, XML, PHP, `#!`) are recognised from how they start and
 * never count as text.
 */

/**
 * Whether `head` (the first bytes of a file) can start a UTF-8 text without NULs. A
 * multi-byte character cut off at the end of the head is fine.
 *
 * @param head The first bytes.
 */
export function looksLikeText(head: Uint8Array): boolean {
  const verifier = new TextVerifier();
  return verifier.push(head);
}

/** Checks a stream of chunks is UTF-8 text without NULs, chunk by chunk. */
export class TextVerifier {
  // `fatal` makes invalid UTF-8 (overlong forms, surrogates, stray continuation bytes) throw.
  readonly #decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  #ok = true;

  /**
   * Checks the next chunk.
   *
   * @returns `false` once the stream is known not to be text.
   */
  push(chunk: Uint8Array): boolean {
    if (!this.#ok) return false;
    if (chunk.includes(0)) return (this.#ok = false);
    try {
      this.#decoder.decode(chunk, { stream: true });
    } catch {
      this.#ok = false;
    }
    return this.#ok;
  }

  /**
   * Ends the stream: a multi-byte character cut off at the very end is invalid.
   *
   * @returns Whether the whole stream was text.
   */
  end(): boolean {
    if (!this.#ok) return false;
    try {
      this.#decoder.decode();
    } catch {
      this.#ok = false;
    }
    return this.#ok;
  }
}

// WHATWG MIME Sniffing's HTML patterns (section 7.1), plus SVG, XML, PHP and shebang scripts.
const HTML_STARTS = ['<!doctype html', '<html', '<head', '<script', '<iframe', '<h1', '<div', '<font', '<table', '<a', '<style', '<title', '<b', '<body', '<br', '<p'];
const TAG_END = /^[ >\t\n\f\r/]/;

/**
 * The markup or script type a file starts as, if any: `text/html`, `image/svg+xml`,
 * `application/xml`, `application/x-httpd-php` or `text/x-shellscript`.
 *
 * @param head The first bytes.
 * @returns The type, or `null` when the file does not start like markup or a script.
 */
export function sniffMarkup(head: Uint8Array): string | null {
  const text = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false })
    .decode(head.subarray(0, 1024))
    .replace(/^[\t\n\f\r ]+/, '')
    .toLowerCase();
  if (text.startsWith('#!')) return 'text/x-shellscript';
  if (text.startsWith('<?php') || text.startsWith('<?=')) return 'application/x-httpd-php';
  if (text.startsWith('<svg') && TAG_END.test(text.slice(4))) return 'image/svg+xml';
  if (text.startsWith('<?xml') || text.startsWith('<!doctype svg')) return /<svg[\s>/]/.test(text) ? 'image/svg+xml' : 'application/xml';
  if (text.startsWith('<!--')) return 'text/html';
  for (const start of HTML_STARTS) {
    if (text.startsWith(start) && (start === '<!doctype html' ? /^[ >]/.test(text.slice(start.length)) : TAG_END.test(text.slice(start.length)))) {
      return 'text/html';
    }
  }
  return null;
}
