/**
 * The `timestamptz` parser of the pools the Postgres store makes itself. pg's default
 * (postgres-date) runs three regular expressions per value, and a queue page of 50
 * tickets has some 600 timestamps: it was the largest single cost of the page in a CPU
 * profile (13 % of the samples, more than the whole of pg's protocol parsing).
 *
 * Postgres writes a `timestamptz` as `YYYY-MM-DD HH:MM:SS[.ffffff]±HH[:MM[:SS]]` under
 * `DateStyle = ISO` (every session's default); that form, with a four-digit year, is read
 * here by character codes, to the same instant postgres-date gives (milliseconds
 * truncated). Anything else (`infinity`, `BC`, a year before 1000 or past 9999, another
 * DateStyle) goes to `fallback`, pg's own parser, unchanged.
 */

/** Parses `text` as pg's `timestamptz` parser would. */
export function timestamptzParser(fallback: (text: string) => unknown): (text: string) => unknown {
  return (text) => parseIsoTimestamptz(text) ?? fallback(text);
}

/** `text` in Postgres' ISO `timestamptz` output form as a Date, or undefined for any other form. */
export function parseIsoTimestamptz(text: string): Date | undefined {
  const n = text.length;
  if (
    n < 22 ||
    text.charCodeAt(4) !== DASH ||
    text.charCodeAt(7) !== DASH ||
    text.charCodeAt(10) !== SPACE ||
    text.charCodeAt(13) !== COLON ||
    text.charCodeAt(16) !== COLON
  ) {
    return undefined;
  }
  const year = pair(text, 0) * 100 + pair(text, 2);
  const month = pair(text, 5);
  const day = pair(text, 8);
  const hour = pair(text, 11);
  const minute = pair(text, 14);
  const second = pair(text, 17);
  let i = 19;
  let ms = 0;
  if (text.charCodeAt(i) === DOT) {
    i += 1;
    const first = i;
    for (; i < n; i++) {
      const d = text.charCodeAt(i) - ZERO;
      if (d < 0 || d > 9) break;
      // Milliseconds truncated: the digits past the third are read and dropped.
      const place = i - first;
      if (place < 3) ms += d * (place === 0 ? 100 : place === 1 ? 10 : 1);
    }
    if (i === first) return undefined;
  }
  const sign = text.charCodeAt(i);
  if (sign !== PLUS && sign !== DASH) return undefined;
  let offset = pair(text, i + 1) * 3600;
  i += 3;
  if (i < n && text.charCodeAt(i) === COLON) {
    offset += pair(text, i + 1) * 60;
    i += 3;
    if (i < n && text.charCodeAt(i) === COLON) {
      offset += pair(text, i + 1);
      i += 3;
    }
  }
  // Anything after the offset (` BC`), a year Date.UTC would move (0-99) or a field
  // that was not two digits (NaN): not this form.
  if (i !== n || year < 1000) return undefined;
  const at = Date.UTC(year, month - 1, day, hour, minute, second, ms) - (sign === PLUS ? offset : -offset) * 1000;
  return Number.isNaN(at) ? undefined : new Date(at);
}

const ZERO = 48;
const DASH = 45;
const PLUS = 43;
const SPACE = 32;
const COLON = 58;
const DOT = 46;

/** The two-digit number at `i`, or NaN. */
function pair(text: string, i: number): number {
  const a = text.charCodeAt(i) - ZERO;
  const b = text.charCodeAt(i + 1) - ZERO;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : Number.NaN;
}
