import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { sanitizeHtmlCapped } from '../../src/render/sanitize.js';
import { sanitizeMicromarkHtml } from '../../src/render/sanitize-micromark.js';
import { htmlOf, shapesAgree } from './sanitize-shapes.js';

/*
 * The token pass over micromark's output (sanitize-micromark.ts) must give exactly what
 * DOMPurify on jsdom (sanitize.ts) gives for the same HTML, or hand the HTML back
 * (`undefined`) for DOMPurify to take. Checked on generated Markdown full of the odd
 * (entities, NBSP, CR, lone surrogates, comment breakouts in titles, raw HTML, dangerous
 * URLs, footnotes, images in links, deep nesting flattened by limitHtmlDepth, link caps)
 * and on every pathological shape. The safety oracles of xss.test.ts and
 * safety.property.test.ts check the rendered output on top.
 */

/** Scale the generated runs for a soak, e.g. `RENDER_FUZZ=50`. */
const FUZZ = Number(process.env.RENDER_FUZZ ?? 1);

/** Whether the token pass took `html`; fails when it took it and disagrees with DOMPurify. */
function agrees(html: string, maxLinks: number): boolean {
  const fast = sanitizeMicromarkHtml(html, maxLinks);
  if (fast === undefined) return false;
  expect(fast).toEqual(sanitizeHtmlCapped(html, maxLinks));
  return true;
}

const word = fc.constantFrom(
  'a', 'word', 'x y', 'ü', '😀', '1', '&amp;', '&nbsp;', '&#13;', '&#0;', '&quot;', '"', "'", '\\*',
  'www.e.example', 'a@e.example', '\u00a0', '\ud800', '-->', ']>', '</style>', ' ', '\t',
  '\f', '&#12;', '\r', '\u000b', '\u2028', '\ufeff', '&Tab;', '&NewLine;', '&#x2028;', '&colon;', '<b>', '&lt;b&gt;',
  'www.e.example/&lt;x', 'https://e.example/"x', 'a+b@e.example', 'xmpp:a@e.example', 'mailto:a@e.example', '\\<',
);
const url = fc.constantFrom(
  'javascript:alert(1)', 'https://e.example/x', ' https://e.example', 'https://e.example/-->',
  'mailto:a@e.example', '#top', '/rel', 'https://e.example/"a"', 'http://x/&amp;', 'data:image/png;base64,AA',
  '<https://e.example/a b>', 'HTTPS://E.EXAMPLE',
  'java\tscript:x', '&#106;avascript:x', 'javascript&#58;x', 'https&#58;//e.example', '&#13;https://e.example',
  '<&#x2028;https://e.example>', '<\u00a0https://e.example>', 'vbscript:x', '<javascript:x>', 'https:x',
);
const rawHtml = fc.constantFrom(
  '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '<b>', '</p>', '<!-- c -->', '<div>', '<![CDATA[x]]>',
  '<svg onload=alert(1)>', '<p is="x">',
);
const inline: fc.Arbitrary<string> = fc.letrec<{ inline: string }>((tie) => ({
  inline: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    word,
    rawHtml,
    url,
    fc.string({ unit: 'binary', maxLength: 6 }),
    tie('inline').map((s) => `*${s}*`),
    tie('inline').map((s) => `**${s}**`),
    tie('inline').map((s) => `~~${s}~~`),
    tie('inline').map((s) => `\`${s}\``),
    fc.tuple(tie('inline'), url, word).map(([t, u, w]) => `[${t}](${u} "${w}")`),
    fc.tuple(tie('inline'), url, word).map(([t, u, w]) => `![${t}](${u} "${w}")`),
    fc.tuple(tie('inline'), url).map(([t, u]) => `[![${t}](${u})](${u})`),
    url.map((u) => `<${u}>`),
    fc.tuple(tie('inline'), tie('inline')).map(([a, b]) => `${a} ${b}`),
    fc.constantFrom('[^1]', '[^n]', '[ref]', '[', ']', '*', '_', '~', '![', '](', '\\', '  \n'),
  ),
})).inline;
const line = fc.oneof(
  inline,
  inline.map((s) => `# ${s}`),
  inline.map((s) => `> ${s}`),
  inline.map((s) => `- ${s}`),
  inline.map((s) => `7. ${s}`),
  inline.map((s) => `- [x] ${s}`),
  fc.nat({ max: 12 }).chain((n) => inline.map((s) => `${'> '.repeat(n)}${'- '.repeat(n)}${s}`)),
  fc.tuple(inline, inline).map(([a, b]) => `| ${a} | ${b} |\n|:-|-:|\n| ${b} | ${a} |`),
  inline.map((s) => `\`\`\`${s.replace(/\n/g, '')}\n${s}\n\`\`\``),
  url.map((u) => `[ref]: ${u}`),
  inline.map((s) => `[^1]: ${s}`),
  fc.constantFrom('---', '***', '', '    code <b>', 'a\n===', '- > - | a |\n  > - |-|', '   <div>', '  <!-- x -->'),
  fc.tuple(fc.constantFrom('```', '~~~'), inline).map(([fence, s]) => `${fence}${s.replace(/\n/g, '')}\n${s}\n${fence}`),
);
const markdown = fc.array(line, { maxLength: 14 }).map((lines) => lines.join('\n'));

describe('the token pass agrees with DOMPurify', () => {
  test('on generated Markdown, whenever it takes the HTML', { timeout: 60_000 * FUZZ }, () => {
    let taken = 0;
    let runs = 0;
    fc.assert(
      fc.property(markdown, fc.constantFrom(0, 1, 3, 500), fc.constantFrom(8, 22, 48), (body, maxLinks, maxDepth) => {
        runs += 1;
        if (agrees(htmlOf(body, maxDepth), maxLinks)) taken += 1;
      }),
      { numRuns: 400 * FUZZ },
    );
    // Not a vacuous pass: nearly all of it takes the token pass (about 2% falls back:
    // mostly autolinks inside links, and depth-flattened tables).
    expect(taken / runs).toBeGreaterThan(0.8);
  });

  test('on every pathological shape', () => {
    // At 2 KiB (4 KiB in test/reliability/sanitize-shapes.test.ts): each shape's
    // constructs, link caps and depth flattening already appear; more of them cost time.
    expect(shapesAgree(2048)).toBeGreaterThan(0);
  });
});

describe('the token pass takes what ordinary replies produce', () => {
  const bodies = [
    '## Title\n\nSome **bold**, _em_, `code`, ~~gone~~, [a link](https://e.example/x "t") and www.e.example.',
    '> On Monday you wrote:\n> > nested\n\n- [x] done\n- [ ] todo\n  1. sub\n\n3. three\n4. four',
    '| a | b | c |\n|:--|:-:|--:|\n| 1 | `<i>` | [x](https://e.example) |\n\n---\n\nline  \nbreak',
    '```ts\nconst a = "<b>" && 1;\n```\n\n    indented & <b>\n\nText with &nbsp;, &copy;, "quotes" and \u00a0.',
    'A note[^1] and an image ![logo](https://e.example/l.png) and [![b](https://e.example/b.png)](https://e.example).\n\n[^1]: The note.',
    '<div>raw HTML</div>\n\n<script>alert(1)</script> [x](javascript:alert(1)) ![y](data:image/png;base64,AA)',
  ];
  test.each(bodies)('%j', (body) => {
    expect(agrees(htmlOf(body), 500)).toBe(true);
  });
});

describe('the token pass hands back what it does not recognise', () => {
  const foreign: Array<[why: string, html: string]> = [
    ['raw script', '<p>a<script>alert(1)</script></p>'],
    ['unknown element', '<p><span>a</span></p>'],
    ['comment', '<p>a<!-- c --></p>'],
    ['unquoted attribute', '<a href=https://e.example>x</a>'],
    ['single-quoted attribute', "<a href='https://e.example'>x</a>"],
    ['upper-case tag', '<P>x</P>'],
    ['repeated attribute', '<a href="https://e.example" href="https://f.example">x</a>'],
    ['bare ampersand', '<p>a & b</p>'],
    ['named entity micromark never writes', '<p>&copy;</p>'],
    ['numeric entity', '<p>&#60;script&#62;</p>'],
    ['bare >', '<p>a > b</p>'],
    ['NUL', '<p>a\0b</p>'],
    ['unclosed element', '<p><em>x</p>'],
    ['misnested elements', '<p><em><strong>x</em></strong></p>'],
    ['close without open', '</p>'],
    ['unterminated tag', '<p>x</p><a href="'],
    ['block inside a paragraph', '<p>a<ul><li>b</li></ul></p>'],
    ['paragraph inside a heading', '<h1><p>x</p></h1>'],
    ['link inside a link', '<p><a href="https://a.example"><a href="https://b.example">x</a></a></p>'],
    ['text in a table', '<table>x<tbody><tr><td>1</td></tr></tbody></table>'],
    ['row without a table section', '<table><tr><td>1</td></tr></table>'],
    ['cell outside a row', '<table><tbody><td>1</td></tbody></table>'],
    ['list item outside a list', '<li>x</li>'],
    ['inline element in a row', '<table><tbody><tr><em>x</em></tr></tbody></table>'],
    ['newline right after <pre>', '<pre>\nx</pre>'],
    ['self-closed non-void element', '<p />'],
    ['closed void element', '<br></br>'],
    ['an `is` attribute', '<p is="x-a">a</p>'],
    ['a leading form feed', '\f<p>a</p>'],
    ['a leading CR', ' \r\n<p>a</p>'],
  ];
  test.each(foreign)('%s', (_why, html) => {
    expect(sanitizeMicromarkHtml(html, 500)).toBeUndefined();
    // And DOMPurify, which takes it instead, still produces something safe for it (see
    // xss.test.ts for its exact outputs).
    expect(sanitizeHtmlCapped(html, 500).html).not.toMatch(/<script|<span|<!--/i);
  });

  test('why those last three: DOMPurify does not decide them as the pass would', () => {
    // It removes an element whose `is` it removes, content and all (RETURN_DOM).
    expect(sanitizeHtmlCapped('<p is="x-a">a</p><p>b</p>', 500).html).toBe('<p>b</p>');
    // Whitespace before the first tag is dropped by the parser and put back as written
    // up to the first form feed, a CR included unnormalised.
    expect(sanitizeHtmlCapped('\f<p>a</p>', 500).html).toBe('<p>a</p>');
    expect(sanitizeHtmlCapped(' \r\n<p>a</p>', 500).html).toBe(' \r\n<p>a</p>');
    // Spaces, tabs and newlines alone come back as written: micromark starts an indented
    // raw-HTML block (shown as text) with them, and the pass takes it.
    expect(agrees(htmlOf('   <div>\n\nx'), 500)).toBe(true);
  });

  test('control: the same shapes written as micromark writes them are taken', () => {
    expect(sanitizeMicromarkHtml('<p><em><strong>x</strong></em> a &amp; b &gt; c</p>\n<br />', 500)).toEqual({
      html: '<p><em><strong>x</strong></em> a &amp; b &gt; c</p>\n<br>',
      linksCapped: false,
    });
    expect(sanitizeMicromarkHtml('<table>\n<tbody>\n<tr>\n<td>1</td>\n</tr>\n</tbody>\n</table>', 500)).toBeDefined();
    expect(sanitizeMicromarkHtml('<pre><code>\nx</code></pre>', 500)).toBeDefined();
  });
});

describe('the policy, as the token pass applies it', () => {
  test('links: hardened, refused URLs unwrapped, the cap counted with images in document order', () => {
    const html =
      '<p><a href="https://a.example" title="t">a</a> <img src="https://i.example/1.png" alt="one" />' +
      ' <a href="">b</a> <a href="https://c.example">c</a></p>';
    expect(sanitizeMicromarkHtml(html, 2)).toEqual({
      html:
        '<p><a href="https://a.example" title="t" rel="nofollow noopener noreferrer" target="_blank">a</a>' +
        ' <a href="https://i.example/1.png" rel="nofollow noopener noreferrer" target="_blank">one</a> b c</p>',
      linksCapped: true,
    });
  });

  test('attribute values: trimmed, re-escaped as a browser serialises them, breakouts dropped', () => {
    expect(
      sanitizeMicromarkHtml('<p><a href="https://e.example/?a=1&amp;b=&quot;2&quot;" title="x --&gt; y">&quot;q&quot;\u00a0</a></p>', 500),
    ).toEqual({
      html: '<p><a href="https://e.example/?a=1&amp;b=&quot;2&quot;" rel="nofollow noopener noreferrer" target="_blank">"q"&nbsp;</a></p>',
      linksCapped: false,
    });
  });

  test('task-list inputs are disabled checkboxes, code keeps only a language class, footnote markup goes', () => {
    expect(
      sanitizeMicromarkHtml(
        '<ul>\n<li><input type="text" checked="" /> a</li>\n</ul>\n<pre><code class="language-&lt;x&gt;">y</code></pre>' +
          '<section data-footnotes="" class="footnotes"><h2 id="footnote-label" class="sr-only">Notes</h2></section>',
        500,
      ),
    ).toEqual({
      html:
        '<ul>\n<li><input type="checkbox" checked="" disabled=""> a</li>\n</ul>\n<pre><code>y</code></pre><h2>Notes</h2>',
      linksCapped: false,
    });
  });
});
