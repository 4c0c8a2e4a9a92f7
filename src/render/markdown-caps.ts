/*
 * Caps applied to a Markdown source before micromark sees it, in one linear pass over
 * its lines. micromark is superlinear in a few structures (measured, see
 * bench/README.md "Rendering"): list nesting (quadratic in depth), and within one
 * paragraph emphasis and bracket runs (each match splices the paragraph's event list).
 * GFM tables multiply: every body row gets as many cells as the delimiter row has
 * columns, so 30 KB can ask for millions of cells. Each cap degrades the excess to plain
 * text instead of refusing the body: a reply that quotes a deep thread still goes out.
 *
 * The pass looks at each line's container prefix (`>`, list markers, indentation) the way
 * CommonMark does, but approximately: it may overcount nesting (indentation deeper than
 * needed counts as levels), never undercount, so the caps can only act early.
 */

/** What a cap changed, so the rendered message can say so. */
export type DegradeReason = 'nesting' | 'table' | 'paragraph' | 'links' | 'depth' | 'headings' | 'containers';

/**
 * Setext headings (a paragraph underlined with `===` or `---`) per body. micromark
 * resolves each one against the event list of the whole document, so their cost is
 * quadratic in the body: 8,192 of them in 32 KiB took 11.6 s, against 0.45 s for as many
 * `#` headings. Past the cap an underline is shown as text; `#` headings are not limited.
 */
export const MAX_SETEXT_HEADINGS = 64;

/** The caps `capMarkdown` applies. */
export interface MarkdownCaps {
  /** Deepest nesting of quotes and lists. */
  maxNesting: number;
  /** Table cells in the whole body (columns x rows, header included). */
  maxTableCells: number;
  /** Longest paragraph, in characters, before it is split. */
  maxParagraphLength: number;
}

/** The capped source and what was changed. */
export interface CappedMarkdown {
  markdown: string;
  degraded: Set<DegradeReason>;
}

/** A thematic break (`***`, `- - -`): not list markers, whatever their count. */
const THEMATIC_BREAK = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
/** A fence opener or closer, after the container prefix. */
const FENCE = /^(`{3,}|~{3,})/;
/** A GFM table delimiter row (`| :-- | --: |`); needs at least one pipe. */
const DELIMITER_ROW = /^\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;
/**
 * Quotes and lists that may end per body; after that, quote and list markers are shown as
 * text. micromark's work when a container ends grows with the document so far, so many
 * short quotes or lists cost quadratic time: 32 KiB of `>\n\n` (10,922 one-line quotes)
 * took 15 s in micromark alone. Counted approximately from the line scan (a quote line
 * followed by a blank line, or a line less nested than the one before), erring high.
 */
export const MAX_CONTAINER_ENDS = 128;

/** An ATX heading, after the container prefix. */
const ATX_HEADING = /^#{1,6}(?:[ \t]|$)/;
/** A setext underline, possibly inside quotes or indented list content. */
const SETEXT_UNDERLINE = /^[ \t>]*(?:=+|-+)[ \t]*$/;
/** A line with nothing but container markers and whitespace ends a paragraph and a table. */
const BLANKISH = /^[ \t>]*$/;

/** Where a line's container prefix ends, and what it contained. */
interface LinePrefix {
  /** Index of the first content character. */
  end: number;
  /** Estimated nesting depth at `end`. */
  depth: number;
  /** Index of the marker character to escape to cut nesting at the cap, or -1. */
  cutAt: number;
  /** Whether the prefix opens a list item (a new block, so a new paragraph). */
  opensItem: boolean;
}

/**
 * Applies the caps to `source` (line endings normalised to `\n` first; micromark treats
 * all three alike). Linear in the length of `source`.
 *
 * @param source The Markdown as written.
 * @param caps The limits.
 * @returns The source to render and the set of caps that changed something.
 */
export function capMarkdown(source: string, caps: MarkdownCaps): CappedMarkdown {
  const degraded = new Set<DegradeReason>();
  const lines = source.replace(/\r\n?/g, '\n').split('\n');

  // Lines up to the next blankish line, for every line: a table's extent, computed once
  // backwards so that the per-table lookahead costs nothing.
  const untilBlank = new Array<number>(lines.length + 1).fill(0);
  for (let i = lines.length - 1; i >= 0; i--) {
    untilBlank[i] = BLANKISH.test(lines[i]!) ? 0 : untilBlank[i + 1]! + 1;
  }

  const out: string[] = [];
  let fence: string | null = null; // the open top-level fence's marker run
  let paragraph = 0; // characters in the current paragraph so far
  let tableRowsLeft = 0; // lines still inside the current table
  let cells = 0;
  let setext = 0;
  let ends = 0; // quotes and lists ended so far (estimated)
  let previousDepth = 0; // container depth of the last non-blank line
  let previousQuoted = false; // whether that line was inside a quote

  for (let n = 0; n < lines.length; n++) {
    let line = lines[n]!;
    // Inside a top-level fence nothing is Markdown; only the closing fence matters. Only
    // unprefixed fences are tracked: one inside a container also closes when the
    // container does, which a line scan cannot follow, and a wrong guess here would
    // switch the caps off.
    if (fence !== null) {
      if (line.replace(/^ {0,3}/, '').startsWith(fence) && /^ {0,3}[`~]+[ \t]*$/.test(line)) fence = null;
      out.push(line);
      continue;
    }
    // A line of only `>` is blank content, but may still nest thousands of quotes.
    if (BLANKISH.test(line) && countOf(line, '>') <= caps.maxNesting) {
      paragraph = 0;
      tableRowsLeft = 0;
      const quotes = countOf(line, '>');
      if (quotes === 0) {
        // A truly blank line ends every quote.
        if (previousQuoted) ends += 1;
        previousQuoted = false;
      } else if (ends > MAX_CONTAINER_ENDS) {
        degraded.add('containers');
        const at = line.indexOf('>');
        line = `${line.slice(0, at)}\\${line.slice(at)}`;
        paragraph = line.length;
        previousDepth = 0;
        previousQuoted = false;
      } else {
        // A blank line inside quotes: it opens or continues them.
        if (quotes < previousDepth) ends += 1;
        previousDepth = quotes;
        previousQuoted = true;
      }
      out.push(line);
      continue;
    }
    // Before the thematic-break test: `---` under a paragraph is an underline, not a break.
    if (paragraph > 0 && tableRowsLeft === 0 && SETEXT_UNDERLINE.test(line)) {
      setext += 1;
      if (setext > MAX_SETEXT_HEADINGS) {
        // Escaped, the underline is one more line of the paragraph, which goes on.
        degraded.add('headings');
        const at = line.search(/[=-]/);
        line = `${line.slice(0, at)}\\${line.slice(at)}`;
        paragraph += line.length;
      } else {
        paragraph = 0;
      }
      out.push(line);
      continue;
    }
    if (THEMATIC_BREAK.test(line)) {
      paragraph = 0;
      out.push(line);
      continue;
    }

    // Past the budget of ended containers no new one may start: every marker is text.
    const prefix = scanPrefix(line, ends > MAX_CONTAINER_ENDS ? 0 : caps.maxNesting);
    if (prefix.cutAt >= 0 && ends > MAX_CONTAINER_ENDS) degraded.add('containers');
    if (prefix.depth < previousDepth) ends += 1;
    previousDepth = prefix.depth;
    previousQuoted = line.slice(0, prefix.cutAt >= 0 ? prefix.cutAt : prefix.end).includes('>');
    if (prefix.cutAt >= 0) {
      if (ends <= MAX_CONTAINER_ENDS) degraded.add('nesting');
      line = `${line.slice(0, prefix.cutAt)}\\${line.slice(prefix.cutAt)}`;
      // The escaped marker and everything after it are now paragraph text.
    }
    const content = prefix.cutAt >= 0 ? line.slice(prefix.cutAt) : line.slice(prefix.end);

    const opened = prefix.cutAt < 0 ? FENCE.exec(content) : null;
    if (opened !== null) {
      if (prefix.end <= 3 && !/^ {0,3}>/.test(line)) fence = opened[1]!;
      paragraph = 0;
      out.push(line);
      continue;
    }

    if (tableRowsLeft > 0) {
      // A table row: every cell is its own inline content, so no paragraph to grow.
      tableRowsLeft -= 1;
      paragraph = 0;
    } else if (content.includes('|') && content.includes('-') && DELIMITER_ROW.test(content)) {
      const columns = content.match(/-+/g)?.length ?? 0;
      const rows = untilBlank[n + 1]!;
      const tableCells = columns * (rows + 1);
      if (cells + tableCells > caps.maxTableCells) {
        // Escaping the first `-` makes the line an invalid delimiter row, so the would-be
        // table stays text.
        degraded.add('table');
        const dash = line.indexOf('-', prefix.end);
        line = `${line.slice(0, dash)}\\${line.slice(dash)}`;
      } else {
        cells += tableCells;
        tableRowsLeft = rows;
        paragraph = 0;
        out.push(line);
        continue;
      }
    }

    const heading = ATX_HEADING.test(content);
    if (prefix.opensItem || heading) paragraph = 0;
    const separator = blankContinuation(line.slice(0, prefix.end));
    if (paragraph > 0 && paragraph + content.length > caps.maxParagraphLength) {
      degraded.add('paragraph');
      out.push(separator);
      paragraph = 0;
    }
    if (content.length <= caps.maxParagraphLength) {
      // A heading is one line: what follows starts afresh (and `---` after it is a break).
      paragraph = heading ? 0 : paragraph + content.length;
      out.push(line);
      continue;
    }
    degraded.add('paragraph');
    const pieces = splitLong(content, caps.maxParagraphLength);
    out.push(line.slice(0, line.length - content.length) + pieces[0]!);
    for (let p = 1; p < pieces.length; p++) out.push(separator, separator + pieces[p]!);
    paragraph = pieces.at(-1)!.length;
  }
  return { markdown: out.join('\n'), degraded };
}

/**
 * Reads the container prefix of one line: spaces, tabs, `>` and list markers (`-`, `+`,
 * `*`, `1.`, `1)` followed by whitespace or the end of the line). Depth grows by one per
 * marker and by one per two columns of indentation (the least a nested list item needs).
 */
function scanPrefix(line: string, maxNesting: number): LinePrefix {
  let i = 0;
  let depth = 0;
  let opensItem = false;
  while (i < line.length) {
    const start = i;
    let columns = 0;
    while (line[i] === ' ' || line[i] === '\t') {
      columns += line[i] === '\t' ? 4 : 1;
      i++;
    }
    depth += Math.floor(columns / 2);
    const char = line[i];
    let markerEnd = -1;
    if (char === '>') {
      markerEnd = i + 1;
    } else if (char === '-' || char === '+' || char === '*') {
      markerEnd = i + 1;
    } else if (char !== undefined && char >= '0' && char <= '9') {
      let j = i;
      while (j < line.length && j - i < 9 && line[j]! >= '0' && line[j]! <= '9') j++;
      if (line[j] === '.' || line[j] === ')') markerEnd = j + 1;
    }
    const isList = markerEnd > 0 && char !== '>';
    // A list marker must be followed by whitespace or end the line; `-foo` is text.
    if (markerEnd < 0 || (isList && markerEnd < line.length && line[markerEnd] !== ' ' && line[markerEnd] !== '\t')) {
      return { end: i, depth, cutAt: -1, opensItem };
    }
    if (depth + 1 > maxNesting) {
      // Escape the marker's punctuation: `\>`, `\-`, `1\.`.
      return { end: start, depth, cutAt: markerEnd - 1, opensItem };
    }
    depth += 1;
    opensItem ||= isList;
    i = markerEnd;
  }
  return { end: i, depth, cutAt: -1, opensItem };
}

/**
 * A line that continues the same containers but holds nothing: quote markers kept, every
 * other prefix character turned into a space, so it ends the paragraph without ending the
 * quote or list around it.
 */
function blankContinuation(prefix: string): string {
  return prefix.replace(/[^>\t]/g, ' ');
}

/** Cuts `text` into pieces of at most `max` characters, at a space where there is one. */
function splitLong(text: string, max: number): string[] {
  const pieces: string[] = [];
  let from = 0;
  while (text.length - from > max) {
    // Look back at most half a piece for a space, so the search stays linear overall.
    let cut = from + max;
    while (cut > from + max / 2 && text[cut] !== ' ') cut--;
    if (text[cut] !== ' ') cut = from + max;
    // Never between the halves of a surrogate pair.
    const code = text.charCodeAt(cut);
    if (code >= 0xdc00 && code <= 0xdfff) cut -= 1;
    pieces.push(text.slice(from, cut));
    from = cut;
  }
  pieces.push(text.slice(from));
  return pieces.map((piece, index) => (index === 0 ? piece : inert(piece)));
}

/**
 * A piece that starts a line of its own must not start a block there: the split would
 * otherwise turn `>>>>…` text into thousands of nested quotes again. Leading whitespace
 * goes (it would make indented code), leading punctuation is escaped, and so is the
 * delimiter of an ordered-list marker.
 */
function inert(piece: string): string {
  const text = piece.replace(/^[ \t]+/, '');
  if (/^[!-/:-@[-`{-~]/.test(text)) return `\\${text}`;
  return text.replace(/^(\d{1,9})([.)])/, '$1\\$2');
}

function countOf(text: string, char: string): number {
  let count = 0;
  for (let i = text.indexOf(char); i >= 0; i = text.indexOf(char, i + 1)) count++;
  return count;
}
