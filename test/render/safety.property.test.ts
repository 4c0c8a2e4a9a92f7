import fc from 'fast-check';
import { expect, test } from 'vitest';
import { renderMarkdown } from '../../src/render/markdown.js';
import { oracle, type OracleNode } from './html-oracle.js';

/*
 * For all Markdown built from a grammar of GFM constructs, dangerous URL schemes and raw
 * HTML fragments, the rendered HTML, parsed as a browser would, holds only allowed
 * elements, attributes and URL schemes. Small caps are used so that the degraded paths
 * (text in place of markers, split paragraphs, flattened nesting, unwrapped links) are
 * exercised too.
 */

/** Scale the runs for a soak, e.g. `RENDER_FUZZ=50 npx vitest run test/render`. */
const FUZZ = Number(process.env.RENDER_FUZZ ?? 1);

const TAGS = new Set([
  'P', 'BR', 'HR', 'EM', 'STRONG', 'DEL', 'CODE', 'PRE', 'BLOCKQUOTE', 'SUP', 'UL', 'OL', 'LI',
  'INPUT', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'TABLE', 'THEAD', 'TBODY', 'TR', 'TH', 'TD', 'A',
]);
const ATTRS = new Set(['href', 'title', 'align', 'start', 'type', 'checked', 'disabled', 'class', 'rel', 'target']);
const URL_ATTRS = new Set(['href']);

/** The violations in `html`, as readable strings; empty when it is safe. */
function violations(html: string): string[] {
  const found: string[] = [];
  const template = oracle.createElement('template');
  template.innerHTML = html;
  const stack: OracleNode[] = [...template.content.childNodes];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.nodeType !== 1 && node.nodeType !== 3) found.push(`node type ${node.nodeType}`);
    if (node.nodeType === 1) {
      if (!TAGS.has(node.nodeName)) found.push(`element ${node.nodeName}`);
      for (const { name, value } of node.attributes ?? []) {
        if (!ATTRS.has(name)) found.push(`attribute ${node.nodeName}[${name}]`);
        if (URL_ATTRS.has(name) && !/^(?:https?|mailto):/i.test(value)) found.push(`URL ${value}`);
        if (name === 'class' && !(node.nodeName === 'CODE' && /^language-[\w+#.-]+$/.test(value))) {
          found.push(`class ${value}`);
        }
        if (name === 'type' && value !== 'checkbox') found.push(`input type ${value}`);
      }
    }
    stack.push(...node.childNodes);
  }
  return found;
}

const schemes = fc.constantFrom(
  'javascript:alert(1)', 'JaVaScRiPt:alert(1)', 'java\tscript:alert(1)', ' javascript:alert(1)',
  'vbscript:msgbox(1)', 'data:text/html,<script>alert(1)</script>', 'data:image/svg+xml,<svg onload=alert(1)>',
  'file:///etc/passwd', '//evil.example', '/admin', '#top', '&#106;avascript:alert(1)',
  'javascript&colon;alert(1)', 'https://e.example/x', 'http://e.example/?a=1&b=2', 'mailto:a@e.example',
  'https://e.example/"onmouseover="alert(1)', 'https://e.example/<script>',
);
const rawHtml = fc.constantFrom(
  '<script>alert(1)</script>', '<img src=x onerror=alert(1)>', '<a href="javascript:alert(1)">x</a>',
  '<svg onload=alert(1)>', '<iframe src="https://e.example"></iframe>', '<style>*{}</style>',
  '<!-- c -->', '<![CDATA[x]]>', '<div style="x">', '</p>', '<math><mi>x', '<input type=text>',
  '<form action=x>', '<base href=//evil>', '<meta http-equiv=refresh>', '<details open ontoggle=alert(1)>',
  '&lt;script&gt;', '&#60;img src=x&#62;', '<a name="x">', '<<script>>', '">', "'>", '`',
);
const word = fc.constantFrom('a', 'word', 'x y', 'ü', '😀', '1', '&amp;', '\\*', 'www.e.example', 'a@e.example');
const inline: fc.Arbitrary<string> = fc.letrec<{ inline: string }>((tie) => ({
  inline: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    word,
    rawHtml,
    schemes,
    tie('inline').map((s) => `*${s}*`),
    tie('inline').map((s) => `**${s}**`),
    tie('inline').map((s) => `_${s}_`),
    tie('inline').map((s) => `~~${s}~~`),
    tie('inline').map((s) => `\`${s}\``),
    fc.tuple(tie('inline'), schemes).map(([t, u]) => `[${t}](${u})`),
    fc.tuple(tie('inline'), schemes).map(([t, u]) => `![${t}](${u} "t")`),
    fc.tuple(tie('inline'), schemes).map(([t, u]) => `[![${t}](${u})](${u})`),
    schemes.map((u) => `<${u}>`),
    fc.tuple(tie('inline'), tie('inline')).map(([a, b]) => `${a} ${b}`),
    fc.constantFrom('[^1]', '[ref]', '[', ']', '*', '_', '~', '![', '](', '\\', '  \n'),
  ),
})).inline;
const line = fc.oneof(
  inline,
  inline.map((s) => `# ${s}`),
  inline.map((s) => `> ${s}`),
  inline.map((s) => `- ${s}`),
  inline.map((s) => `1. ${s}`),
  inline.map((s) => `- [x] ${s}`),
  fc.nat({ max: 8 }).chain((n) => inline.map((s) => `${'> '.repeat(n)}${'- '.repeat(n)}${s}`)),
  fc.tuple(inline, inline).map(([a, b]) => `| ${a} | ${b} |\n|:-|-:|\n| ${b} | ${a} |`),
  inline.map((s) => `\`\`\`${s.replace(/\n/g, '')}\n${s}\n\`\`\``),
  schemes.map((u) => `[ref]: ${u}`),
  inline.map((s) => `[^1]: ${s}`),
  rawHtml,
  fc.constantFrom('---', '***', '', '    code <b>', '<div>', '</div>'),
);
const markdown = fc.array(line, { maxLength: 12 }).map((lines) => lines.join('\n'));

test('rendered Markdown holds only allowed elements, attributes and URL schemes', { timeout: 60_000 * FUZZ }, () => {
  fc.assert(
    // 16 is below what the config allows, to split nearly every paragraph.
    fc.property(markdown, fc.constantFrom(1_000_000, 16), (body, maxParagraphLength) => {
      const html = renderMarkdown(body, { maxNesting: 3, maxLinks: 3, maxTableCells: 4, maxParagraphLength });
      expect(violations(html)).toEqual([]);
      // And with the defaults.
      expect(violations(renderMarkdown(body))).toEqual([]);
    }),
    { numRuns: 300 * FUZZ },
  );
});

test('the oracle catches what it should (control)', () => {
  expect(violations('<p onclick="x">a</p><img src=x><a href="javascript:x">y</a><!-- c -->')).toEqual(
    expect.arrayContaining(['attribute P[onclick]', 'element IMG', 'URL javascript:x', 'node type 8']),
  );
});
