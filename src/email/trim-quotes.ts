/**
 * Trimming a reply to what the person wrote this time: the quoted history below it and
 * the signature. Best effort, by the marks mail clients leave:
 * - an attribution line before the quote: Gmail, Apple Mail and Thunderbird's
 *   "On <date>, <name> wrote:" (also wrapped over two or three lines), Spanish
 *   "El <date>, <name> escribió:", Russian "<date>, <name> написал(а):" / "пишет:",
 *   German "Am … schrieb …:", French "Le … a écrit :", and any "<date> <address>:" line
 *   right above `>`-quoted lines (Gmail in Russian writes no verb);
 * - Outlook's "-----Original Message-----" (Spanish "Mensaje original", Russian
 *   "Исходное сообщение", German "Ursprüngliche Nachricht") and its header block:
 *   "From:" followed by "Sent:"/"Date:" ("De:"/"Enviado:", "От:"/"Отправлено:",
 *   "Von:"/"Gesendet:"), with the line of underscores above it;
 * - a tail of `>`-quoted lines;
 * - a signature after a "-- " line (at most 15 lines), and "Sent from my iPhone"-style
 *   lines at the very end.
 * Everything from the first mark on is cut. A reply written below the quote (nothing
 * before the first mark) is kept whole, as is any text in which nothing is recognised:
 * trimming never empties a message. One pass over the lines, and only lines of at most
 * 500 characters are looked at as marks, so the cost is linear in the text.
 */

/** The text trimmed, and whether anything (beyond white space) was cut. */
export interface TrimmedText {
  text: string;
  trimmed: boolean;
}

/** Longest line looked at as a mark (attributions and headers are short). */
const MAX_MARK_LENGTH = 500;
/** Longest signature cut after a "-- " line, in non-blank lines. */
const MAX_SIGNATURE_LINES = 15;

const VERB = /(?:wrote|escribió|escribio|написал\(а\)|написала|написал|пишет|a écrit|schrieb|schreef|ha scritto)\s*:\s*$/i;
const BARE_VERB = new RegExp(`^\\s*${VERB.source}`, 'i');
const ATTRIBUTION_START = /^\s*(?:On|El|Le|Am|Op|Il)\s/;
const ORIGINAL = /^\s*-{2,}\s*(?:Original Message|Mensaje original|Исходное сообщение|Ursprüngliche Nachricht|Message d'origine|Messaggio originale)\s*-{2,}\s*$/i;
const FROM_LINE = /^\s*\*?(?:From|De|От|Von|Da|Van)\s*:\s*\*?\s*\S/i;
const SENT_LINE = /^\s*\*?(?:Sent|Date|Enviado|Fecha|Отправлено|Дата|Gesendet|Datum|Envoyé|Inviato)\s*:/i;
const RULE_LINE = /^\s*(?:_{8,}|-{8,})\s*$/;
const SIGNATURE = /^-- ?$/;
const MOBILE_FOOTER =
  /^\s*(?:Sent from my .+|Sent from (?:Mail|Outlook|Yahoo Mail) for .+|Get Outlook for .+|Enviado desde mi .+|Отправлено с (?:iPhone|iPad|моего .+)|Von meinem .+ gesendet)\s*$/i;
const ADDRESS = /[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+/;

/** `text` without the quoted history and signature of a reply (see the file's comment). */
export function trimQuotes(text: string): TrimmedText {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const cut = Math.min(firstHistoryMark(lines), quotedTail(lines));
  let end = cut;
  end = withoutSignature(lines, end);
  end = withoutFooters(lines, end);
  // trimEnd(), not .replace(/\s+$/, ''): the regex retries from every white-space character
  // of a run that is not at the end, quadratic in the run (64 KiB of spaces took 19 s).
  const kept = lines.slice(0, end).join('\n').trimEnd();
  if (kept.trim() === '') return { text, trimmed: false };
  return { text: kept, trimmed: kept !== text.replace(/\r\n?/g, '\n').trimEnd() };
}

const markable = (line: string | undefined): line is string => line !== undefined && line.length <= MAX_MARK_LENGTH;
const isQuoted = (line: string) => /^\s*>/.test(line);

/** The next non-blank line after `i`, or `undefined`. */
function nextText(lines: readonly string[], i: number): string | undefined {
  for (let k = i + 1; k < lines.length && k <= i + 3; k++) if (lines[k]!.trim() !== '') return lines[k];
  return undefined;
}

/** Index of the first line of quoted history (an attribution, an Outlook separator or header block); `lines.length` if none. */
function firstHistoryMark(lines: readonly string[]): number {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!markable(line) || line.trim() === '') continue;
    if (ORIGINAL.test(line)) return i;
    if (FROM_LINE.test(line) && headerBlockFollows(lines, i)) return ruleAbove(lines, i);
    if (isAttribution(lines, i)) return i;
  }
  return lines.length;
}

/** Outlook's header block: a "Sent:"/"Date:" line within the next four lines. */
function headerBlockFollows(lines: readonly string[], i: number): boolean {
  for (let k = i + 1; k < lines.length && k <= i + 4; k++) {
    const line = lines[k]!;
    if (markable(line) && SENT_LINE.test(line)) return true;
  }
  return false;
}

/** `i`, or the line of underscores/dashes just above it (Outlook draws one over the block). */
function ruleAbove(lines: readonly string[], i: number): number {
  let k = i - 1;
  while (k >= 0 && lines[k]!.trim() === '') k--;
  return k >= 0 && markable(lines[k]) && RULE_LINE.test(lines[k]!) ? k : i;
}

/** Whether an attribution ("On … wrote:") starts at line `i`, on one to three lines. */
function isAttribution(lines: readonly string[], i: number): boolean {
  const first = lines[i]!;
  // A date or an address is in every client's attribution; a sentence of the reply ending in "wrote:" rarely has one.
  const dated = (s: string) => /\d/.test(s) || ADDRESS.test(s);
  if (VERB.test(first) && dated(first)) return true;
  // Wrapped so that the verb stands alone on the next line (Mail.ru: "…, 15:45 от Имя <a@b>" / "написал(а):").
  const next = lines[i + 1];
  if (markable(next) && BARE_VERB.test(next) && dated(first)) return true;
  if (ATTRIBUTION_START.test(first) || /^\s*\d/.test(first)) {
    let joined = first;
    for (let k = i + 1; k < lines.length && k <= i + 2; k++) {
      const next = lines[k]!;
      if (!markable(next) || next.trim() === '') break;
      joined += ` ${next.trim()}`;
      if (VERB.test(next) && dated(joined)) return true;
    }
  }
  // No verb (Gmail in Russian: "пн, 2 мар. 2026 г. в 10:00, Имя <a@b>:"): a dated line with an address, ending in ":", above a quote.
  if (/:\s*$/.test(first) && ADDRESS.test(first) && /\d/.test(first)) {
    const next = nextText(lines, i);
    if (next !== undefined && isQuoted(next)) return true;
  }
  return false;
}

/**
 * Index of the first line of a tail made only of `>`-quoted and blank lines (with the
 * attribution-like line ending in ":" just above it); `lines.length` if the text does not
 * end in a quote.
 */
function quotedTail(lines: readonly string[]): number {
  let start = lines.length;
  let quoted = false;
  for (let k = lines.length - 1; k >= 0; k--) {
    const line = lines[k]!;
    if (line.trim() === '') continue;
    if (!isQuoted(line)) break;
    quoted = true;
    start = k;
  }
  if (!quoted) return lines.length;
  let k = start - 1;
  while (k >= 0 && lines[k]!.trim() === '') k--;
  if (k >= 0 && markable(lines[k]) && /:\s*$/.test(lines[k]!) && /[\d@]/.test(lines[k]!)) return k;
  return start;
}

/** `end`, or the "-- " line of a signature of at most 15 lines before it. */
function withoutSignature(lines: readonly string[], end: number): number {
  let after = 0;
  let cut = end;
  for (let k = end - 1; k >= 0; k--) {
    const line = lines[k]!;
    if (SIGNATURE.test(line)) cut = k;
    else if (line.trim() !== '' && ++after > MAX_SIGNATURE_LINES) break;
  }
  return cut;
}

/** `end`, less the "Sent from my iPhone" lines (and blank lines) at the end. */
function withoutFooters(lines: readonly string[], end: number): number {
  let k = end;
  while (k > 0) {
    const line = lines[k - 1]!;
    if (line.trim() === '' || (markable(line) && MOBILE_FOOTER.test(line))) k--;
    else break;
  }
  return k;
}
