import { describe, expect, test } from 'vitest';
import { limitHtmlDepth } from '../../src/render/html-depth.js';
import { renderMarkdown } from '../../src/render/markdown.js';

/*
 * What each cap does to a body, on small examples with small limits. The costs they bound
 * are measured in bench/render.bench.ts; the pathological shapes are in
 * pathological.test.ts (8 KiB) and, at the maximum size, in
 * test/reliability/pathological-max.test.ts.
 */

const REL = 'rel="nofollow noopener noreferrer" target="_blank"';
const note = (text: string) => `\n<p><em>Formatting simplified: ${text}.</em></p>`;

describe('nesting', () => {
  test('quote markers beyond maxNesting are shown as text, with a note', () => {
    expect(renderMarkdown('> > > > > a', { maxNesting: 3 })).toBe(
      '<blockquote>\n<blockquote>\n<blockquote>\n<p>&gt; &gt; a</p>\n</blockquote>\n</blockquote>\n</blockquote>' +
        note('quotes and lists nested deeper than 3 levels shown as text'),
    );
    expect(renderMarkdown('>>>>>>', { maxNesting: 2 })).toBe(
      '<blockquote>\n<blockquote>\n<p>&gt;&gt;&gt;&gt;</p>\n</blockquote>\n</blockquote>' +
        note('quotes and lists nested deeper than 2 levels shown as text'),
    );
  });

  test('bullet and ordered list markers likewise', () => {
    expect(renderMarkdown('- - - - a', { maxNesting: 2 })).toBe(
      '<ul>\n<li>\n<ul>\n<li>- - a</li>\n</ul>\n</li>\n</ul>' +
        note('quotes and lists nested deeper than 2 levels shown as text'),
    );
    expect(renderMarkdown('1. 1. 1. a', { maxNesting: 2 })).toBe(
      '<ol>\n<li>\n<ol>\n<li>1. a</li>\n</ol>\n</li>\n</ol>' +
        note('quotes and lists nested deeper than 2 levels shown as text'),
    );
  });

  test('nesting within the cap, fenced code and thematic breaks are untouched', () => {
    expect(renderMarkdown('- a\n  - b\n    - c', { maxNesting: 3 })).toBe(
      '<ul>\n<li>a\n<ul>\n<li>b\n<ul>\n<li>c</li>\n</ul>\n</li>\n</ul>\n</li>\n</ul>',
    );
    expect(renderMarkdown('```\n- - - - - a\n```', { maxNesting: 2 })).toBe('<pre><code>- - - - - a\n</code></pre>');
    expect(renderMarkdown('* * * * * *', { maxNesting: 2 })).toBe('<hr>');
  });

  test('limitHtmlDepth drops the tags below the limit and keeps their text', () => {
    expect(limitHtmlDepth('<p><em><strong>x</strong><br></em> y</p><p>z</p>', 2)).toEqual({
      html: '<p><em>x<br></em> y</p><p>z</p>',
      flattened: true,
    });
    expect(limitHtmlDepth('<p><em>x</em></p>', 2)).toEqual({ html: '<p><em>x</em></p>', flattened: false });
  });
});

describe('tables', () => {
  const table = '| a | b |\n|---|---|\n| 1 | 2 |';
  test('a table within maxTableCells renders', () => {
    expect(renderMarkdown(table, { maxTableCells: 4 })).toBe(
      '<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n<td>2</td>\n</tr>\n</tbody>\n</table>',
    );
  });

  test('one that would exceed it stays text', () => {
    expect(renderMarkdown(table, { maxTableCells: 3 })).toBe(
      '<p>| a | b |\n|---|---|\n| 1 | 2 |</p>' + note('tables beyond 3 cells shown as text'),
    );
  });

  test('rows are counted as the cells GFM pads them to', () => {
    // Three columns, three one-cell rows: 12 cells, not 6.
    const padded = '|a|b|c|\n|-|-|-|\nx\ny\nz';
    expect(renderMarkdown(padded, { maxTableCells: 12 })).toContain('<table>');
    expect(renderMarkdown(padded, { maxTableCells: 11 })).not.toContain('<table>');
  });
});

describe('paragraphs', () => {
  test('a paragraph longer than maxParagraphLength is split at spaces', () => {
    const html = renderMarkdown('word '.repeat(120), { maxParagraphLength: 256 });
    expect(html.match(/<p>/g)).toHaveLength(4); // three pieces and the note
    expect(html).toContain(note('paragraphs longer than 256 characters split'));
  });

  test('inside a quote the pieces stay in the quote', () => {
    const html = renderMarkdown(`> ${'word '.repeat(120)}`, { maxParagraphLength: 256 });
    expect(html.startsWith('<blockquote>\n<p>word')).toBe(true);
    expect(html.match(/<\/blockquote>/g)).toHaveLength(1);
    expect(html.indexOf('</blockquote>')).toBeGreaterThan(html.lastIndexOf('word'));
  });

  test('a piece that would start a block is made inert', () => {
    const html = renderMarkdown(`${'a'.repeat(256)}${'>'.repeat(50)}`, { maxParagraphLength: 256 });
    expect(html).not.toContain('<blockquote>');
    expect(html).toContain(`<p>${'&gt;'.repeat(50)}</p>`);
  });

  test('lines of a long list are separate blocks, not one paragraph', () => {
    const list = '- item\n'.repeat(100);
    expect(renderMarkdown(list, { maxParagraphLength: 256 })).toBe(renderMarkdown(list));
  });

  test('long fenced code is never split', () => {
    const code = `\`\`\`\n${'x'.repeat(1000)}\n\`\`\``;
    expect(renderMarkdown(code, { maxParagraphLength: 256 })).toBe(`<pre><code>${'x'.repeat(1000)}\n</code></pre>`);
  });
});

describe('setext headings', () => {
  test('underlines after the first 64 are shown as text', () => {
    const html = renderMarkdown('a\n=\n'.repeat(66));
    expect(html.match(/<h1>a<\/h1>/g)).toHaveLength(64);
    expect(html.endsWith('<p>a\n=\na\n=</p>\n' + note('underlined (setext) headings beyond the first 64 shown as text'))).toBe(true);
  });

  test('a break after a `#` heading is not counted as an underline', () => {
    const html = renderMarkdown('# h\n---\n'.repeat(70));
    expect(html.match(/<hr>/g)).toHaveLength(70);
    expect(html).not.toContain('Formatting simplified');
  });

  test('an underline is told from a thematic break and a list item', () => {
    expect(renderMarkdown('a\n===\n\nb\n---\n\n---\n\n> c\n> ---\n\n-\n- x')).toBe(
      '<h1>a</h1>\n<h2>b</h2>\n<hr>\n<blockquote>\n<h2>c</h2>\n</blockquote>\n<ul>\n<li></li>\n<li>x</li>\n</ul>',
    );
  });
});

describe('quotes and lists that end', () => {
  test('after 128 have ended, quote and list markers are shown as text', () => {
    const html = renderMarkdown('> q\n\n- l\n\np\n\n'.repeat(70));
    expect(html.match(/<blockquote>/g)!.length).toBeGreaterThan(60);
    expect(html.match(/<blockquote>/g)!.length + html.match(/<ul>/g)!.length).toBeLessThanOrEqual(130);
    expect(html).toContain('<p>&gt; q</p>\n<p>- l</p>');
    expect(html).toContain(note('quote and list markers after the first 128 quotes and lists shown as text'));
  });

  test('a long quote and a long list are one container each', () => {
    const quote = '> line\n>\n'.repeat(200);
    expect(renderMarkdown(quote)).not.toContain('Formatting simplified');
    const list = '- item\n\n  more\n\n'.repeat(200);
    expect(renderMarkdown(list)).not.toContain('Formatting simplified');
  });
});

describe('links', () => {
  test('links and images beyond maxLinks are shown as text', () => {
    expect(
      renderMarkdown('[a](https://e.example/a) ![b](https://e.example/b.png) www.c.example', { maxLinks: 1 }),
    ).toBe(`<p><a href="https://e.example/a" ${REL}>a</a> b www.c.example</p>` + note('links beyond the first 1 shown as text'));
  });

  test('refused URLs do not count', () => {
    expect(renderMarkdown('[x](javascript:alert(1)) [a](https://e.example/a)', { maxLinks: 1 })).toBe(
      `<p>x <a href="https://e.example/a" ${REL}>a</a></p>`,
    );
  });
});
