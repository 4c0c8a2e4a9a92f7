import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { renderMarkdown } from '../../src/render/markdown.js';
import { getMarkdownToHtml } from '../../src/render/micromark-loader.js';
import { sanitizeHtmlCapped } from '../../src/render/sanitize.js';
import { sanitizeMicromarkHtml } from '../../src/render/sanitize-micromark.js';
import { oracle, violations } from './html-oracle.js';

/*
 * Differential fuzzing of the token pass (sanitize-micromark.ts) against DOMPurify on
 * jsdom (sanitize.ts) on HTML that micromark did NOT write: well-nested trees of allowed,
 * unwrapped and foreign elements with hostile attributes and text, token soup, and
 * micromark output with fragments spliced in. sanitize-micromark.test.ts covers
 * micromark's own output; this file covers the claim that the pass takes nothing it
 * cannot decide exactly: whenever it returns a result, that result is DOMPurify's, and
 * is safe by an independent oracle (the rendered HTML re-parsed as a browser would). And
 * rendered Markdown, re-parsed and serialised by a browser's parser, comes back unchanged
 * (a change would be the signature of mutation XSS).
 *
 * Quick by default; scale every run count for a soak, e.g.
 * `RENDER_FUZZ=50 npx vitest run test/render/sanitize-micromark.fuzz.test.ts`.
 */

const FUZZ = Number(process.env.RENDER_FUZZ ?? 1);
const SOAK = { timeout: 60_000 * FUZZ };


/** DOMPurify's result on foreign HTML may keep an image's `src` and `alt`. */
const ALLOWED = {
  attrs: new Set(['href', 'src', 'title', 'alt', 'align', 'start', 'type', 'checked', 'disabled', 'class', 'rel', 'target']),
  urlAttrs: new Set(['href', 'src']),
};


/**
 * Whether the token pass took `html`; fails when it took it and its result differs from
 * DOMPurify's or is unsafe.
 */
function takenAndAgrees(html: string, maxLinks: number): boolean {
  const fast = sanitizeMicromarkHtml(html, maxLinks);
  if (fast === undefined) return false;
  expect({ html, result: fast }).toEqual({ html, result: sanitizeHtmlCapped(html, maxLinks) });
  expect(violations(fast.html, ALLOWED), fast.html).toEqual([]);
  return true;
}

/* Vocabulary: what micromark writes, what it never writes, and classic XSS pieces. */

const ELEMENTS = [
  'p', 'br', 'hr', 'em', 'strong', 'del', 'code', 'pre', 'blockquote', 'sup', 'ul', 'ol', 'li', 'input',
  'h1', 'h2', 'h3', 'h6', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'a', 'img', 'section',
];
const FOREIGN = ['span', 'div', 'script', 'style', 'svg', 'math', 'iframe', 'textarea', 'title', 'template', 'body', 'caption', 'b', 'font', 'noscript', 'xmp'];
const ATTRIBUTE_NAMES = [
  'href', 'src', 'title', 'alt', 'align', 'start', 'type', 'checked', 'disabled', 'class',
  'id', 'onerror', 'onclick', 'style', 'rel', 'target', 'data-x', 'aria-label', 'name', 'xmlns', 'is',
];
/** Pieces of attribute values, already escaped as micromark escapes them (or not quite). */
const VALUE_PIECES = [
  '', 'https://e.example/x', 'http://e.example', 'HTTPS://E.EXAMPLE', 'mailto:a@e.example', 'javascript:alert(1)',
  'JaVaScRiPt:x', 'vbscript:x', 'data:text/html,x', 'data:image/png;base64,AA', 'java\tscript:x', 'https\n:x',
  '#top', '/rel', '//evil.example', 'x', 'left', 'center', '3', 'checkbox', 'text', 'language-js', 'language-<x>',
  'language-a b', '&amp;', '&lt;', '&gt;', '&quot;', '&amp;quot;', '&#58;', '&colon;', '&nbsp;', '&', "'", '`', '=',
  ' ', '\t', '\n', '\f', '\r', '\r\n', '\u000b', '\u00a0', '\u2028', '\u2029', '\ufeff', '\u200b', '\u0001', '\u0000',
  '\ud800', '😀', '-->', '--!>', ']>', ']]>', '--&gt;', '--!&gt;', ']&gt;', '&lt;/style', '&lt;/title&gt;',
  '&lt;/script', '&lt;/textarea', '&lt;!--', '&lt;img src=x onerror=alert(1)&gt;', '/&gt;', ':', '+', '.', '-',
  'a:b', 'cid:x', 'tel:1', 'ftp://e.example', 'java&#x09;script:x', '<', '>', '"', '\u0085', '\u180e', '\u3000',
  'https://e.example/' + 'a'.repeat(300), 'x'.repeat(200) + ':',
];
/** Pieces of text between tags. */
const TEXT_PIECES = [
  'a', 'word', ' ', '\n', '\t', '\f', '\r', '\r\n', '\n\n', '\u00a0', '&amp;', '&lt;', '&gt;', '&quot;', '&amp;lt;',
  '&nbsp;', '&copy;', '&#60;', '&#x3c;', '&', '<', '>', '"', "'", '\u0000', '\u0001', '\u000b', '\u2028', '\ufeff',
  '\ud800', '\udc00', '😀', '-->', '<!--', '&lt;script&gt;alert(1)&lt;/script&gt;', '&lt;/p&gt;', 'javascript:alert(1)',
  '<![CDATA[x]]>', '<?x?>', '<!x>', '</', '<a', '<p', '<script>', '<img src=x onerror=alert(1)>', '<br/>',
];

const value = fc.array(fc.constantFrom(...VALUE_PIECES), { maxLength: 4 }).map((pieces) => pieces.join(''));
const text = fc.array(fc.constantFrom(...TEXT_PIECES), { maxLength: 3 }).map((pieces) => pieces.join(''));
/** Mostly micromark-shaped text; sometimes anything. */
const safeText = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('', 'a', ' b ', '\n', '&amp; &lt;x&gt; &quot;q&quot;', '\u00a0', '😀', ' \n ', '\t') },
  { weight: 1, arbitrary: text },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) },
);
const attribute = fc.tuple(
  fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...ATTRIBUTE_NAMES) }, { weight: 1, arbitrary: fc.constantFrom('HREF', 'on', 'x:y', 'a b') }),
  value,
);
const attributes = fc.array(attribute, { maxLength: 3 });

function startTag(name: string, list: ReadonlyArray<readonly [string, string]>, selfClose: boolean): string {
  return `<${name}${list.map(([n, v]) => ` ${n}="${v}"`).join('')}${selfClose ? ' />' : '>'}`;
}

interface Tree {
  name: string;
  attributes: Array<[string, string]>;
  selfClose: boolean;
  children: Array<Tree | string>;
}

/** Well-nested trees: the shape the pass accepts, so mostly taken when the nesting is plausible. */
const tree: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree; node: Tree | string }>((tie) => ({
  tree: fc.record({
    name: fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...ELEMENTS) }, { weight: 1, arbitrary: fc.constantFrom(...FOREIGN) }),
    attributes,
    selfClose: fc.boolean(),
    children: fc.array(tie('node'), { maxLength: 4 }),
  }),
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, safeText, tie('tree')),
})).tree;

const VOID = new Set(['br', 'hr', 'img', 'input']);
function serialise(node: Tree | string): string {
  if (typeof node === 'string') return node;
  if (VOID.has(node.name)) return startTag(node.name, node.attributes, node.selfClose);
  return `${startTag(node.name, node.attributes, false)}${node.children.map(serialise).join('')}</${node.name}>`;
}
const forest = fc.array(fc.oneof({ weight: 4, arbitrary: tree }, { weight: 1, arbitrary: safeText }), { maxLength: 5 })
  .map((nodes) => nodes.map(serialise).join(''));

/** Tables, rightly and wrongly built, with whitespace or text between their parts. */
const between = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('', '\n', ' \n\t', '\f') },
  { weight: 1, arbitrary: fc.constantFrom('x', '\u00a0', '&amp;') },
);
/** Mostly right, sometimes not. */
const mostly = (usual: string, ...others: string[]): fc.Arbitrary<string> =>
  fc.oneof({ weight: 12, arbitrary: fc.constant(usual) }, { weight: 1, arbitrary: fc.constantFrom(...others) });
const cellContent = fc.array(fc.oneof({ weight: 3, arbitrary: safeText }, { weight: 1, arbitrary: tree.map(serialise) }), { maxLength: 2 }).map((nodes) => nodes.join(''));
const cell = fc
  .tuple(fc.oneof(mostly('td', 'em', 'a', 'p'), mostly('th', 'td')), fc.oneof({ weight: 3, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: attributes }), cellContent, between)
  .map(([name, list, content, gap]) => `${startTag(name, list, false)}${content}</${name}>${gap}`);
const row = fc
  .tuple(mostly('tr', 'td', 'tbody'), fc.array(cell, { maxLength: 3 }), between)
  .map(([name, cells, gap]) => `<${name}>${gap}${cells.join('')}</${name}>${gap}`);
const section = fc
  .tuple(fc.oneof(mostly('tbody', 'tr', 'p', 'table'), mostly('thead', 'tr')), fc.array(row, { maxLength: 3 }), between)
  .map(([name, rows, gap]) => `<${name}>${gap}${rows.join('')}</${name}>${gap}`);
const table = fc
  .tuple(fc.array(section, { minLength: 1, maxLength: 2 }), between, fc.constantFrom('', '<blockquote>', '<ul><li>', '<p>', '<em>', '<a href="https://e.example">', '<section>'))
  .map(([sections, gap, wrap]) => {
    const html = `<table>${gap}${sections.join('')}</table>`;
    const closing = [...wrap.matchAll(/<([a-z]+)/g)].map((m) => `</${m[1]}>`).reverse().join('');
    return `${wrap}${html}${closing}`;
  });

/** Tag soup: tags opened, closed and cut anywhere. */
const token = fc.oneof(
  fc.tuple(fc.constantFrom(...ELEMENTS, ...FOREIGN), attributes, fc.boolean()).map(([n, a, s]) => startTag(n, a, s)),
  fc.constantFrom(...ELEMENTS, ...FOREIGN).map((n) => `</${n}>`),
  text,
  fc.constantFrom('<', '>', '"', '<a href="', '<p', '</', '/>', '<!-- x -->', '<!--', '-->', '<P>', '<A HREF="https://e.example">'),
);
const soup = fc.array(token, { maxLength: 16 }).map((tokens) => tokens.join(''));

/** micromark output of real Markdown with a hostile fragment spliced in somewhere. */
const toHtml = getMarkdownToHtml();
const MARKDOWN = [
  '# T\n\n> q *e* **s** ~~d~~ `c` [l](https://e.example "t") ![i](https://e.example/i.png) www.e.example\n\n- [x] a\n- b\n\n3. c\n\n| a | b |\n|:-|-:|\n| 1 | [x](https://e.example) |\n\n```js\nx\n```\n\n---\n\nn[^1]\n\n[^1]: f',
  '[![a](https://e.example/a.png)](https://e.example) x  \ny\n\n> - > 1. z',
];
const spliced = fc
  .tuple(fc.constantFrom(...MARKDOWN.map((markdown) => toHtml(markdown))), fc.nat(), fc.nat({ max: 8 }), fc.oneof(token, forest))
  .map(([html, at, cut, fragment]) => {
    const i = at % (html.length + 1);
    return html.slice(0, i) + fragment + html.slice(i + cut);
  });

const maxLinks = fc.constantFrom(0, 1, 2, 500);

describe('the token pass, on HTML micromark did not write, takes only what it decides as DOMPurify does', () => {
  test('well-nested trees of allowed, unwrapped and foreign elements with hostile attributes and text', SOAK, () => {
    let taken = 0;
    let runs = 0;
    fc.assert(
      fc.property(forest, maxLinks, (html, cap) => {
        runs += 1;
        if (takenAndAgrees(html, cap)) taken += 1;
      }),
      { numRuns: 600 * FUZZ },
    );
    // Not vacuous: a good share is taken (the rest nests as micromark never does).
    expect(taken / runs).toBeGreaterThan(0.15);
    if (process.env.RENDER_FUZZ_RATES) console.log('trees taken', taken / runs);
  });

  test('tables', SOAK, () => {
    let taken = 0;
    let runs = 0;
    fc.assert(
      fc.property(table, maxLinks, (html, cap) => {
        runs += 1;
        if (takenAndAgrees(html, cap)) taken += 1;
      }),
      { numRuns: 300 * FUZZ },
    );
    expect(taken / runs).toBeGreaterThan(0.05);
    if (process.env.RENDER_FUZZ_RATES) console.log('tables taken', taken / runs);
  });

  test('tag soup', SOAK, () => {
    fc.assert(
      fc.property(soup, maxLinks, (html, cap) => {
        takenAndAgrees(html, cap);
      }),
      { numRuns: 400 * FUZZ },
    );
  });

  test("micromark's output with a fragment spliced in", SOAK, () => {
    fc.assert(
      fc.property(spliced, maxLinks, (html, cap) => {
        takenAndAgrees(html, cap);
      }),
      { numRuns: 400 * FUZZ },
    );
  });

  test('leading and trailing whitespace (the parser drops it before <body>, DOMPurify puts part back)', SOAK, () => {
    const blank = fc.array(fc.constantFrom(' ', '\t', '\n', '\f', '\r', '\r\n', '\u00a0', '\u000b'), { maxLength: 4 }).map((chars) => chars.join(''));
    const rest = fc.oneof(forest, fc.constantFrom('', '&lt;div&gt;', '<p>a</p>', '   &lt;!-- x --&gt;\n<p>b</p>'));
    let taken = 0;
    fc.assert(
      fc.property(blank, rest, blank, (before, html, after) => {
        if (takenAndAgrees(`${before}${html}${after}`, 500)) taken += 1;
      }),
      { numRuns: 300 * FUZZ },
    );
    expect(taken).toBeGreaterThan(0);
  });

  test('arbitrary strings', SOAK, () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (html) => {
        takenAndAgrees(html, 500);
      }),
      { numRuns: 300 * FUZZ },
    );
  });

  test('rendered Markdown is a fixed point of a browser parsing and serialising it (no mutation)', SOAK, () => {
    const pieces = [
      'a', '*', '**', '_', '~~', '`', '```\n', '\n', '\n\n', '> ', '- ', '1. ', '- [x] ', '# ', '---\n', '    ', ' ',
      '[x](https://e.example)', '![i](https://e.example/i.png)', '[![i](https://e.example/i.png)](https://e.example)',
      '| a | b |\n|-|-|\n| c | d |', '[^1]', '[^1]: n\n', '<b>', '&amp;', '&#13;', '&#12;', '\u00a0', '\r', 'www.e.example',
      '<https://e.example>', '[', ']', '(', ')', '\\', '&lt;', '<!--', '-->', '"', "'",
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 30 }), fc.constantFrom(1, 3, 500), (parts, cap) => {
        const html = renderMarkdown(parts.join(''), { maxLinks: cap, maxNesting: 3 });
        const template = oracle.createElement('template');
        template.innerHTML = html;
        expect(template.innerHTML).toBe(html);
        expect(violations(html, ALLOWED)).toEqual([]);
      }),
      { numRuns: 300 * FUZZ },
    );
  });

  test('the oracle catches what it should (control)', () => {
    expect(violations('<p onclick="x">a</p><img src=x><a href="javascript:x">y</a><!-- c --><input type="text">', ALLOWED)).toEqual(
      expect.arrayContaining(['attribute P[onclick]', 'element IMG', 'URL x', 'URL javascript:x', 'node type 8', 'input type text']),
    );
  });
});
