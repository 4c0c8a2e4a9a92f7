import { describe, expect, test } from 'vitest';
import { renderMarkdown } from '../../src/render/markdown.js';

// Exact HTML for the formatting GFM produces. The XSS vectors live in xss.test.ts.

const REL = 'rel="nofollow noopener noreferrer" target="_blank"';

describe('renderMarkdown: GFM formatting', () => {
  test('emphasis, strong and strikethrough (single and double tilde)', () => {
    expect(renderMarkdown('*a* _b_ **c** __d__ ~e~ ~~f~~')).toBe(
      '<p><em>a</em> <em>b</em> <strong>c</strong> <strong>d</strong> <del>e</del> <del>f</del></p>',
    );
  });

  test('headings, blockquote, rule, hard break and inline code', () => {
    expect(renderMarkdown('# H1\n###### H6\n\n> quote\n\n---\n\nline  \nnext `code`')).toBe(
      '<h1>H1</h1>\n<h6>H6</h6>\n<blockquote>\n<p>quote</p>\n</blockquote>\n<hr>\n' +
        '<p>line<br>\nnext <code>code</code></p>',
    );
  });

  test('nested bullet list and ordered list keeping its start number', () => {
    expect(renderMarkdown('- a\n- b\n  - c\n\n3. x\n4. y')).toBe(
      '<ul>\n<li>a</li>\n<li>b\n<ul>\n<li>c</li>\n</ul>\n</li>\n</ul>\n<ol start="3">\n<li>x</li>\n<li>y</li>\n</ol>',
    );
  });

  test('task list items become disabled checkboxes', () => {
    expect(renderMarkdown('- [x] done\n- [ ] todo')).toBe(
      '<ul>\n<li><input type="checkbox" disabled="" checked=""> done</li>\n' +
        '<li><input type="checkbox" disabled=""> todo</li>\n</ul>',
    );
  });

  test('table with column alignment and escaped code in a cell', () => {
    expect(renderMarkdown('| a | b | c |\n|:--|:-:|--:|\n| 1 | 2 | `<i>` |')).toBe(
      '<table>\n<thead>\n<tr>\n<th align="left">a</th>\n<th align="center">b</th>\n<th align="right">c</th>\n</tr>\n</thead>\n' +
        '<tbody>\n<tr>\n<td align="left">1</td>\n<td align="center">2</td>\n<td align="right"><code>&lt;i&gt;</code></td>\n</tr>\n</tbody>\n</table>',
    );
  });

  test('fenced code keeps its content escaped and its language class', () => {
    expect(renderMarkdown('```js title="x"\nif (a < b && c) "<script>"\n```')).toBe(
      '<pre><code class="language-js">if (a &lt; b &amp;&amp; c) "&lt;script&gt;"\n</code></pre>',
    );
  });

  test('indented code and fenced code without a language', () => {
    expect(renderMarkdown('```\nplain & <tag>\n```\n\n    indented <b>')).toBe(
      '<pre><code>plain &amp; &lt;tag&gt;\n</code></pre>\n<pre><code>indented &lt;b&gt;\n</code></pre>',
    );
  });

  test('a language class with odd characters is dropped, the code kept', () => {
    expect(renderMarkdown('```a"b\nx\n```')).toBe('<pre><code>x\n</code></pre>');
  });

  test('inline link with title, reference link, angle autolink', () => {
    expect(
      renderMarkdown('[a](https://e.example/a "T") [b][r] <https://e.example/c>\n\n[r]: https://e.example/b'),
    ).toBe(
      `<p><a href="https://e.example/a" title="T" ${REL}>a</a> ` +
        `<a href="https://e.example/b" ${REL}>b</a> ` +
        `<a href="https://e.example/c" ${REL}>https://e.example/c</a></p>\n`,
    );
  });

  test('GFM literal autolinks: URL, www. and e-mail', () => {
    expect(renderMarkdown('https://e.example/p?q=1&r=2 www.e.example help@e.example')).toBe(
      `<p><a href="https://e.example/p?q=1&amp;r=2" ${REL}>https://e.example/p?q=1&amp;r=2</a> ` +
        `<a href="http://www.e.example" ${REL}>www.e.example</a> ` +
        `<a href="mailto:help@e.example" ${REL}>help@e.example</a></p>`,
    );
  });

  test('mailto link survives with rel and target', () => {
    expect(renderMarkdown('[mail us](mailto:help@e.example?subject=Hi)')).toBe(
      `<p><a href="mailto:help@e.example?subject=Hi" ${REL}>mail us</a></p>`,
    );
  });

  test('relative, fragment and protocol-relative links lose the link, keep the text', () => {
    expect(renderMarkdown('[a](/admin) [b](#top) [c](//e.example) [d](e.example/x)')).toBe(
      '<p>a b c d</p>',
    );
  });

  test('an image becomes a link to it, text from alt, else the URL', () => {
    expect(renderMarkdown('![screenshot](https://e.example/s.png "T") ![](https://e.example/t.png)')).toBe(
      `<p><a href="https://e.example/s.png" ${REL}>screenshot</a> ` +
        `<a href="https://e.example/t.png" ${REL}>https://e.example/t.png</a></p>`,
    );
  });

  test('a linked image keeps the outer link and shows the alt text', () => {
    expect(renderMarkdown('[![logo](https://e.example/l.png)](https://e.example)')).toBe(
      `<p><a href="https://e.example" ${REL}>logo</a></p>`,
    );
  });

  test('footnotes degrade to a superscript number and a plain list (ids would clash across messages)', () => {
    expect(renderMarkdown('See[^1].\n\n[^1]: The note.')).toBe(
      '<p>See<sup>1</sup>.</p>\n<h2>Footnotes</h2>\n<ol>\n<li>\n<p>The note. ↩</p>\n</li>\n</ol>\n',
    );
  });

  test('raw HTML is shown as text, not interpreted', () => {
    expect(renderMarkdown('Hello <b>world</b> & <i>you</i>')).toBe(
      '<p>Hello &lt;b&gt;world&lt;/b&gt; &amp; &lt;i&gt;you&lt;/i&gt;</p>',
    );
  });

  test('CRLF and CR line endings give the same HTML as LF', () => {
    const lf = renderMarkdown('a\nb\n\n- c\n- d');
    expect(lf).toBe('<p>a\nb</p>\n<ul>\n<li>c</li>\n<li>d</li>\n</ul>');
    expect(renderMarkdown('a\r\nb\r\n\r\n- c\r\n- d')).toBe(lf);
    expect(renderMarkdown('a\rb\r\r- c\r- d')).toBe(lf);
  });

  test('empty and whitespace-only bodies render as an empty string', () => {
    expect(renderMarkdown('')).toBe('');
    expect(renderMarkdown('   \n\n ')).toBe('');
  });

  test('non-ASCII text and URLs', () => {
    expect(renderMarkdown('Grüße — [ü](https://e.example/ü)')).toBe(
      `<p>Grüße — <a href="https://e.example/%C3%BC" ${REL}>ü</a></p>`,
    );
  });
});
