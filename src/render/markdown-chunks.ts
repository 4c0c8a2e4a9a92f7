/*
 * A long Markdown body rendered as a sequence of independent pieces, each by its own
 * micromark call, with the same HTML as one call on the whole body.
 *
 * Why: micromark keeps the events of the whole document until it writes the HTML. For
 * dense inline content (a flood of character references `&#x1F600;&amp;&bogus;`, or of
 * backslash escapes) that is a few hundred bytes per character, so from about 16 KiB on the
 * live set outgrows V8's young generation and every event survives a scavenge or two: the
 * time per character grew 2-3x between 2 and 32 KiB (t(4n)/t(n) 5-10 where linear is 4),
 * the extra time going to garbage collection. Pieces of a few KiB keep each call's events
 * short-lived, so the time per character stays that of a small body at any length.
 *
 * When a cut is exact. Between two top-level blocks, micromark's output for the whole is
 * the output of the part before (which ends with the newline after its last block) and
 * then the output of the part after, unless something reaches across the cut:
 * - a definition (`[label]: url`, `[^note]: text`) applies to the whole document: a body
 *   with `]:` anywhere is never cut;
 * - a fenced code block or an HTML block of kinds 1-5 (`<!--`, `<?`, `<!X`, `<![CDATA[`,
 *   `<script`, `<pre`, `<style`, `<textarea`) goes on across blank lines: a fence known to
 *   be top-level is followed to its end (see `renderInChunks`); after any other line that
 *   might open either nothing is cut (that part is rendered whole);
 * - a container (quote, list item) or indented code goes on across blank lines only into
 *   an indented line, a quote marker or a list marker: a cut is made only right after a
 *   blank line and before a line starting in column 0 with a character that opens
 *   neither (no space, tab, `>`, `-`, `+`, `*`, digit, `<`, `` ` ``, `~`).
 * After a blank line nothing else continues (paragraphs, headings, tables, thematic
 * breaks end there; a list's looseness is decided by its own items).
 * test/unit/markdown-chunks-fuzz2.test.ts checks on generated bodies of every construct
 * that the pieces' HTML equals the whole body's.
 */

/** Characters of Markdown per micromark call, about (pieces end at the first safe cut past it). */
export const CHUNK_LENGTH = 4096;

/** A line that might open a fence or an HTML block that spans blank lines, after any container prefix. */
const SPANNING_OPENER = /^[ \t>*+\-\d.)]*(?:`{3}|~{3}|<(?:[!?]|(?:script|pre|style|textarea)(?:[\s/>]|$)))/i;
/** A line after which nothing reaches: one starting in column 0 with a character that continues no block. */
const FRESH_START = /^[^\s>*+\-\d<`~]/;
/** A blank line (what micromark takes as blank: spaces and tabs only). */
const BLANK = /^[ \t]*$/;
/** A fence opening in column 0: its marker run and info string. */
const COLUMN_0_FENCE = /^(`{3,}|~{3,})(.*)$/;
/** A closing fence: up to 3 spaces, a marker run, then only spaces and tabs. */
const CLOSING_FENCE = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;

/**
 * `markdown` (line endings already `\n`) rendered by `toHtml` in pieces of about
 * `chunkLength` characters cut where the result is the same as one call; one call when the
 * body is short or has no such place.
 *
 * A fenced code block that opens in column 0 where no container can be open (first line,
 * after a blank line, or after a top-level paragraph line) is followed to its closing
 * fence (CommonMark's rule: same character, at least as long, up to 3 spaces before,
 * nothing after), so a body with code blocks is still cut after them; a fence anywhere
 * else, or an HTML block of kinds 1-5, ends the cutting.
 */
export function renderInChunks(toHtml: (markdown: string) => string, markdown: string, chunkLength = CHUNK_LENGTH): string {
  if (markdown.length <= chunkLength || markdown.includes(']:')) return toHtml(markdown);
  let html = '';
  let start = 0; // where the current piece starts
  let lineStart = 0;
  let previousBlank = false;
  let previousTop = true; // whether the line before left no container or block open (true at the start)
  let fence: string | null = null; // the marker run of the open top-level fence
  while (lineStart < markdown.length) {
    const newline = markdown.indexOf('\n', lineStart);
    const lineEnd = newline < 0 ? markdown.length : newline;
    const line = markdown.slice(lineStart, lineEnd);
    lineStart = lineEnd + 1;
    if (fence !== null) {
      const close = CLOSING_FENCE.exec(line);
      if (close !== null && close[1]![0] === fence[0] && close[1]!.length >= fence.length) fence = null;
      previousBlank = false;
      previousTop = fence === null;
      continue;
    }
    // Column 0 after a blank line or a top-level line: no container is open here.
    const top: boolean = previousBlank || previousTop;
    const opened: RegExpExecArray | null = top ? COLUMN_0_FENCE.exec(line) : null;
    // A backtick fence's info string has no backtick (else the line is inline code).
    if (opened !== null && !(opened[1]![0] === '`' && opened[2]!.includes('`'))) {
      fence = opened[1]!;
      previousBlank = false;
      previousTop = false;
      continue;
    }
    if (SPANNING_OPENER.test(line)) break; // the rest as one piece
    const fresh = FRESH_START.test(line);
    if (previousBlank && fresh && lineEnd - line.length - start >= chunkLength) {
      const at = lineEnd - line.length;
      html += toHtml(markdown.slice(start, at));
      start = at;
    }
    previousTop = top && fresh;
    previousBlank = BLANK.test(line);
  }
  return start === 0 ? toHtml(markdown) : html + toHtml(markdown.slice(start));
}
