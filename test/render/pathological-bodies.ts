/**
 * Markdown bodies that are expensive to render, each built at a requested size. Shared by
 * test/render/pathological.test.ts, bench/render.bench.ts and the service-level test the
 * lead runs on every store: the first rows are the shapes of issue 8's table, the rest
 * were found while measuring (see bench/README.md, "Rendering").
 */

/** One pathological shape. */
export interface PathologicalBody {
  /** Short name, for test titles. */
  name: string;
  /** What the body looks like. */
  shape: string;
  /**
   * Builds a body of at most `size` characters (exactly `size` for all but a few shapes
   * that need a closing part).
   */
  make(size: number): string;
}

/** `unit` repeated up to `size` characters, cut there. */
export function repeat(unit: string, size: number): string {
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

/** `open` then `close`, each repeated to half of `size`. */
export function halves(open: string, middle: string, close: string, size: number): string {
  const half = Math.floor((size - middle.length) / 2);
  return repeat(open, half) + middle + repeat(close, size - middle.length - half);
}

/** Lines `line(i)` for i = 0, 1, ... until `size` characters, cut there. */
export function lines(size: number, line: (i: number) => string): string {
  const out: string[] = [];
  let length = 0;
  for (let i = 0; length < size; i++) {
    const next = `${line(i)}\n`;
    out.push(next);
    length += next.length;
  }
  return out.join('').slice(0, size);
}

/** The shapes, issue 8's first. */
export const PATHOLOGICAL_BODIES: readonly PathologicalBody[] = [
  // From the issue's table.
  { name: 'nested list', shape: '`- ` repeated, then text', make: (n) => `${repeat('- ', n - 1)}a` },
  { name: 'nested quote', shape: '`>` repeated', make: (n) => repeat('>', n) },
  { name: 'autolink flood', shape: '`www.a.com ` repeated', make: (n) => repeat('www.a.com ', n) },
  { name: 'link flood', shape: '`[a](https://…) ` repeated', make: (n) => repeat('[a](https://e.example/x) ', n) },
  { name: 'star runs', shape: '`*` x n, a, `*` x n', make: (n) => halves('*', 'a', '*', n) },
  { name: 'bracket runs', shape: '`[` x n then `]` x n', make: (n) => halves('[', '', ']', n) },
  { name: 'prose (control)', shape: 'paragraphs of prose with inline formatting', make: (n) => repeat('Some **bold**, _em_, `code`, [a link](https://e.example/x) and www.e.example.\n\n', n) },
  // Nesting of every kind.
  { name: 'nested quote and list', shape: '`> - ` repeated', make: (n) => `${repeat('> - ', n - 1)}a` },
  { name: 'nested ordered list', shape: '`1. ` repeated', make: (n) => `${repeat('1. ', n - 1)}a` },
  { name: 'indented list ladder', shape: 'each line one level deeper by indentation', make: (n) => lines(n, (i) => `${' '.repeat(2 * i)}- a`) },
  { name: 'quote ladder', shape: 'line i has i `>` markers', make: (n) => lines(n, (i) => `${'>'.repeat(i + 1)} a`) },
  { name: 'quote ladder of lists', shape: 'line i: i `>` then `- `', make: (n) => lines(n, (i) => `${'> '.repeat(i)}- a`) },
  { name: 'quote-only line', shape: 'one line of `>` and spaces', make: (n) => repeat('> ', n) },
  // Delimiter runs.
  { name: 'underscore runs', shape: '`_` x n, a, `_` x n', make: (n) => halves('_', 'a', '_', n) },
  { name: 'tilde runs', shape: '`~` x n, a, `~` x n (a fence opener)', make: (n) => halves('~', 'a', '~', n) },
  { name: 'tilde runs inline', shape: 'a, `~` x n, a, `~` x n', make: (n) => `a${halves('~', 'a', '~', n - 1)}` },
  { name: 'mixed delimiters', shape: '`*_~` repeated', make: (n) => repeat('*_~', n) },
  { name: 'emphasis flood', shape: '`*a* ` repeated', make: (n) => repeat('*a* ', n) },
  { name: 'strong flood', shape: '`**a** ` repeated', make: (n) => repeat('**a** ', n) },
  { name: 'unmatched closers', shape: '`a* ` repeated', make: (n) => repeat('a* ', n) },
  { name: 'alternating openers', shape: '`*a _b ` repeated', make: (n) => repeat('*a _b ', n) },
  { name: 'backtick ladder', shape: 'code-span openers of growing length', make: (n) => { let s = ''; for (let i = 1; s.length < n; i++) s += `${'`'.repeat(i)} `; return s.slice(0, n); } },
  { name: 'backtick run', shape: '`` ` `` repeated', make: (n) => repeat('`', n) },
  // Brackets, links and images.
  { name: 'open brackets', shape: '`[a` repeated', make: (n) => repeat('[a', n) },
  { name: 'image openers', shape: '`![` repeated', make: (n) => repeat('![', n) },
  { name: 'nested link labels', shape: '`[` x n then `](u)` x n', make: (n) => { const k = Math.floor(n / 5); return `${'['.repeat(k)}${'](u)'.repeat(k)}`; } },
  { name: 'image flood', shape: '`![a](https://…) ` repeated', make: (n) => repeat('![a](https://e.example/x.png) ', n) },
  { name: 'reference link flood', shape: '`[a] ` repeated, one definition', make: (n) => `${repeat('[a] ', n - 40)}\n\n[a]: https://e.example/ref` },
  { name: 'link definitions', shape: '`[a]: url` lines', make: (n) => repeat('[a]: https://e.example\n', n) },
  { name: 'open parens in a link', shape: '`[a](` then `(` x n', make: (n) => `[a](${'('.repeat(n - 4)}` },
  // Tables.
  { name: 'square table', shape: 'n columns, then n one-cell rows (cells padded to n each)', make: (n) => { const c = Math.floor(n / 8); return `${'|a'.repeat(c)}|\n${'|-'.repeat(c)}|\n${'a\n'.repeat(c)}`.slice(0, n); } },
  { name: 'wide table', shape: 'one header and delimiter row of n columns', make: (n) => { const c = Math.floor(n / 4) - 1; return `${'|a'.repeat(c)}|\n${'|-'.repeat(c)}|\n`; } },
  { name: 'long table', shape: 'three columns, many rows', make: (n) => `|a|b|c|\n|-|-|-|\n${repeat('|1|2|3|\n', n - 16)}` },
  // Footnotes, entities, code, lines.
  { name: 'footnote definitions', shape: 'n references, then n definitions', make: (n) => { const k = Math.floor(n / 20); let s = ''; for (let i = 0; i < k; i++) s += `[^${i}] `; s += '\n\n'; for (let i = 0; i < k; i++) s += `[^${i}]: n\n`; return s.slice(0, n); } },
  { name: 'footnote references', shape: '`[^a] ` repeated, one definition', make: (n) => `${repeat('[^a] ', n - 12)}\n\n[^a]: note` },
  { name: 'HTML entities', shape: '`&amp;&#x1F600;&#65; ` repeated', make: (n) => repeat('&amp;&#x1F600;&#65; ', n) },
  { name: 'raw HTML openers', shape: '`<a ` repeated', make: (n) => repeat('<a ', n) },
  { name: 'HTML comments', shape: '`<!--` repeated', make: (n) => repeat('<!--', n) },
  { name: 'huge code fence', shape: 'one fenced block of code lines', make: (n) => `\`\`\`\n${repeat('code <b> & line\n', n - 8)}\`\`\`` },
  { name: 'long line', shape: 'one line of words', make: (n) => repeat('word ', n) },
  { name: 'headings', shape: '`# h` lines', make: (n) => repeat('# h\n', n) },
  { name: 'hard breaks', shape: '`a\\` lines', make: (n) => repeat('a\\\n', n) },
  { name: 'escapes', shape: '`\\*` repeated', make: (n) => repeat('\\*', n) },
  { name: 'task list', shape: '`- [x] a` lines', make: (n) => repeat('- [x] a\n', n) },
  // Found later: setext headings are quadratic in micromark itself (each is resolved
  // against the whole document's events).
  { name: 'setext headings', shape: '`a` underlined with `=`, repeated', make: (n) => repeat('a\n=\n', n) },
  { name: 'setext headings, blank-separated', shape: '`a\n---\n\n` repeated', make: (n) => repeat('a\n---\n\n', n) },
  { name: 'underline-only lines', shape: '`=` lines (each pair a setext heading)', make: (n) => repeat('=\n', n) },
  // Found later: ending a container costs micromark work that grows with the document.
  { name: 'empty quotes', shape: '`>` lines separated by blank lines', make: (n) => repeat('>\n\n', n) },
  { name: 'one-line quotes', shape: '`>a` lines separated by blank lines', make: (n) => repeat('>a\n\n', n) },
  { name: 'quotes between paragraphs', shape: '`a` and `>` lines alternating', make: (n) => repeat('a\n>\n', n) },
  { name: 'lists ended by paragraphs', shape: '`- a`, blank, `b`, blank, repeated', make: (n) => repeat('- a\n\nb\n\n', n) },
  { name: 'lists of alternating markers', shape: '`- a` and `+ b` lines (a new list each line)', make: (n) => repeat('- a\n+ b\n', n) },
  { name: 'loose list', shape: '`- a` items separated by blank lines', make: (n) => repeat('- a\n\n', n) },
  { name: 'empty list items', shape: '`-` lines', make: (n) => repeat('-\n', n) },
  { name: 'e-mail autolinks', shape: '`a@b.co ` repeated', make: (n) => repeat('a@b.co ', n) },
  { name: 'emphasis and link openers', shape: '`*[` repeated', make: (n) => repeat('*[', n) },
  { name: 'nested footnote definitions', shape: '`[^1]: [^2]: …` on one line', make: (n) => { let s = ''; for (let i = 0; s.length < n; i++) s += `[^${i}]: `; return `${s.slice(0, n - 1)}a`; } },
  { name: 'long autolink domain', shape: '`www.` then `a.` repeated', make: (n) => `www.${repeat('a.', n - 4)}` },
];
