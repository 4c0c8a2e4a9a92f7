import fc from 'fast-check';
import { expect, test } from 'vitest';
import { renderMarkdown } from '../../src/render/markdown.js';
import { violations } from './html-oracle.js';

/*
 * For all Markdown built from a grammar of GFM constructs, dangerous URL schemes and raw
 * HTML fragments, the rendered HTML, parsed as a browser would, holds only allowed
 * elements, attributes and URL schemes. Small caps are used so that the degraded paths
 * (text in place of markers, split paragraphs, flattened nesting, unwrapped links) are
 * exercised too.
 */

/** Scale the runs for a soak, e.g. `RENDER_FUZZ=50 npx vitest run test/render`. */
const FUZZ = Number(process.env.RENDER_FUZZ ?? 1);

/** Rendered Markdown carries no image: `src` and `alt` are not allowed either. */
const ALLOWED = {
  attrs: new Set(['href', 'title', 'align', 'start', 'type', 'checked', 'disabled', 'class', 'rel', 'target']),
  urlAttrs: new Set(['href']),
};


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
      expect(violations(html, ALLOWED)).toEqual([]);
      // And with the defaults.
      expect(violations(renderMarkdown(body), ALLOWED)).toEqual([]);
    }),
    { numRuns: 300 * FUZZ },
  );
});

test('the oracle catches what it should (control)', () => {
  expect(violations('<p onclick="x">a</p><img src=x><a href="javascript:x">y</a><!-- c -->', ALLOWED)).toEqual(
    expect.arrayContaining(['attribute P[onclick]', 'element IMG', 'URL javascript:x', 'node type 8']),
  );
});
