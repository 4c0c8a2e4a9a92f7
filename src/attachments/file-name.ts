/**
 * Display names of attachments, and the `Content-Disposition` header that serves them.
 *
 * The name is only ever shown and offered as a download name: blob keys never come from
 * it. Still, it travels into HTTP headers, HTML and users' file systems, so it is cleaned.
 */

/** Longest name, in UTF-8 bytes (what most file systems allow). */
export const MAX_FILENAME_BYTES = 255;

/** What an unusable name (empty, only dots, only a path) becomes. */
export const FALLBACK_FILENAME = 'file';

/** Longest part after the last dot that is kept as the extension when a name is shortened. */
const MAX_EXTENSION_CHARS = 16;

// Lone surrogates cannot be encoded (encodeURIComponent throws on them).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// Control characters (C0, DEL, C1) and format characters: bidi overrides and isolates
// (U+202A-U+202E, U+2066-U+2069, U+200E/F, U+061C) that make 'exe.png' of 'gnp.exe', zero
// width spaces, BOMs. U+200D (zero width joiner) stays: emoji sequences need it.
const INVISIBLE = /(?!\u200D)[\p{Cc}\p{Cf}]/gu;
const LINE_BREAKS = /[\t\n\r\v\f\u2028\u2029\u0085]/g;

/**
 * Cleans an uploaded file's name for display and `Content-Disposition`:
 * - keeps only the last path segment (both `/` and `\` separate: `../../etc/passwd` is
 *   `passwd`, `C:\Windows\x.exe` is `x.exe`);
 * - removes NUL, control characters and invisible format characters (bidi overrides such
 *   as U+202E, zero-width spaces), and lone surrogates; tabs and line breaks become spaces;
 * - collapses runs of white space into one space; removes leading dots and spaces (no
 *   hidden files, no `..`) and trailing dots and spaces (Windows drops them);
 * - shortens to at most 255 UTF-8 bytes, keeping the extension;
 * - Unicode NFC.
 * Never returns an empty string: an unusable name becomes `file`.
 *
 * @param name The name as uploaded. Anything but a string gives `file`.
 * @returns The display name.
 */
export function sanitizeFilename(name: unknown): string {
  if (typeof name !== 'string') return FALLBACK_FILENAME;
  // NFC after removing the invisible characters: removing one can join a letter and a
  // combining mark that NFC then composes (so cleaning twice changes nothing).
  let s = name.replace(LONE_SURROGATE, '').replace(LINE_BREAKS, ' ').replace(INVISIBLE, '').normalize('NFC');
  // The last path segment. Characters removed above cannot hide a separator.
  s = s.slice(Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\')) + 1);
  s = trimEnds(s.replace(/\s+/gu, ' '));
  s = truncate(s);
  return s === '' ? FALLBACK_FILENAME : s;
}

function trimEnds(s: string): string {
  return s.replace(/^[\s.]+/u, '').replace(/[\s.]+$/u, '');
}

/** At most MAX_FILENAME_BYTES UTF-8 bytes, cutting the base name and keeping the extension. */
function truncate(name: string): string {
  if (utf8Length(name) <= MAX_FILENAME_BYTES) return name;
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 && name.length - dot - 1 <= MAX_EXTENSION_CHARS && !/\s/u.test(name.slice(dot)) ? name.slice(dot) : '';
  const budget = MAX_FILENAME_BYTES - utf8Length(extension);
  let base = '';
  let used = 0;
  // Whole code points only, so a cut never splits a surrogate pair.
  for (const ch of extension === '' ? name : name.slice(0, dot)) {
    const size = utf8Length(ch);
    if (used + size > budget) break;
    base += ch;
    used += size;
  }
  // The cut may leave a trailing space or dot before the extension: drop it.
  base = base.replace(/[\s.]+$/u, '');
  return base === '' ? (extension === '' ? '' : FALLBACK_FILENAME + extension) : base + extension;
}

function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/**
 * The `Content-Disposition` header value for serving an attachment (RFC 6266): an ASCII
 * `filename="..."` for old clients (non-ASCII characters replaced by `_`, `"` and `\`
 * escaped) and, when the name is not plain ASCII, `filename*=UTF-8''...` (RFC 5987
 * percent-encoding) with the real name, which current browsers prefer.
 *
 * @param filename The display name (cleaned again here, so a raw name is safe too).
 * @param inline `true` to show it in the browser (`inline`): only for types
 *   `isInlineSafe` accepts; `false` for a download (`attachment`).
 * @returns E.g. `attachment; filename="_bersicht.pdf"; filename*=UTF-8''%C3%9Cbersicht.pdf`.
 */
export function contentDisposition(filename: string, inline: boolean): string {
  const name = sanitizeFilename(filename);
  const ascii = name.replace(/[^\x20-\x7e]/gu, '_');
  let header = `${inline ? 'inline' : 'attachment'}; filename="${ascii.replace(/["\\]/g, '\\$&')}"`;
  if (ascii !== name || /["\\%]/.test(name)) header += `; filename*=UTF-8''${encodeRfc5987(name)}`;
  return header;
}

/** Percent-encodes everything but RFC 5987 attr-chars. */
function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
