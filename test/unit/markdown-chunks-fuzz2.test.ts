/**
 * src/render/markdown-chunks.ts: a body rendered in pieces gives exactly the HTML of one
 * micromark call, on generated bodies made of every block construct (and the ones that
 * reach across blank lines: definitions, footnotes, fences, HTML blocks, lists, quotes,
 * indented code), cut at every place the chunker allows (a piece length of 1), and on
 * every pathological and DoS shape. Weakening any of the chunker's conditions fails the
 * first test within 200 bodies.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { capMarkdown } from '../../src/render/markdown-caps.js';
import { renderInChunks } from '../../src/render/markdown-chunks.js';
import { getMarkdownToHtml } from '../../src/render/micromark-loader.js';
import { resolveRenderLimits } from '../../src/render/render-limits.js';
import { MORE_MARKDOWN } from '../hostile/dos-cases.js';
import { PATHOLOGICAL_BODIES } from '../render/pathological-bodies.js';

const toHtml = getMarkdownToHtml();

/** Blocks and lines, with the constructs that continue across a blank line. */
const BLOCKS = [
  'Plain words and *emphasis* and `code`',
  '&#x1F600;&amp;&bogus;&#65;&copy;',
  '\\*escaped\\* \\> not a quote',
  'Line one\nline two (lazy)',
  '# Heading',
  'Setext\n===',
  'Setext two\n---',
  '***',
  '- item',
  '- item\n  continued',
  '  indented continuation',
  '    indented code',
  '1. one',
  '2) two',
  '* star item',
  '+ plus item',
  '> quote',
  '> quote\nlazy line',
  '>',
  '- [ ] task\n- [x] done',
  '| a | b |\n| - | - |\n| 1 | 2 |',
  '```\nfenced\n\ncode\n```',
  '```js\nunclosed fence',
  '~~~\ntilde fence\n~~~',
  '  ```\n  fence in a list item?\n  ```',
  '- ```\n  in item',
  '````\n```\nstill code\n\nmore\n````',
  '~~~~\n~~~\n\nstill tilde code\n~~~~~',
  '```a`b not a fence',
  '``` info\ncode\n\n   ```  ',
  '    ```\n    indented, not a fence',
  '> ```\n> quoted fence',
  '1. ```\n   fence in an ordered item\n\n   ```',
  '```',
  '~~~',
  '   ```',
  '<!-- comment',
  '-->',
  '<pre>\npre block',
  '</pre>',
  '<div>\nhtml block 6',
  '<?php x ?>',
  '<!DOCTYPE html>',
  '<![CDATA[ x ]]>',
  '<script>alert(1)</script>',
  '[ref]: https://example.com/a',
  'A [ref] use and [text][ref]',
  'A note[^1] call',
  '[^1]: The note',
  '[^1]:',
  'https://example.com/autolink and www.example.org',
  '~~strike~~ and <https://x.example>',
  'Trailing spaces  \nhard break',
  '\\# not a heading',
  'ended with a backslash\\',
  '\t tabbed',
  '10. ten',
  ':::',
  '',
];

/** Fences and what can look like one, with plain lines to cut before: the chunker's own state. */
const FENCE_BLOCKS = [
  'Plain words',
  '&amp;&bogus;',
  '```',
  '````',
  '~~~',
  '```js',
  '```a`b',
  '   ```',
  '    ```',
  '  ~~~  ',
  '```` x',
  '- item',
  '> quote',
  '<div>',
  '<!--',
  '-->',
  '    indented',
  '',
];
const fenceBody = fc
  .array(fc.tuple(fc.constantFrom(...FENCE_BLOCKS), fc.constantFrom('\n', '\n\n')), { maxLength: 16 })
  .map((parts) => parts.map(([block, gap]) => block + gap).join(''));

const body = fc
  .array(fc.tuple(fc.constantFrom(...BLOCKS), fc.constantFrom('\n', '\n\n', '\n\n\n', '\n \n')), { maxLength: 14 })
  .map((parts) => parts.map(([block, gap]) => block + gap).join(''));

describe('rendering in pieces', () => {
  it('gives the HTML of one micromark call, on bodies of every construct cut wherever allowed', () => {
    fc.assert(
      fc.property(body, fc.constantFrom(1, 20, 60), (markdown, chunk) => {
        expect(renderInChunks(toHtml, markdown, chunk)).toBe(toHtml(markdown));
      }),
      { numRuns: Number(process.env.TICKETRY_CHUNK_RUNS ?? 500) },
    );
  });

  it('follows fences exactly: the same HTML on bodies of fences, fence look-alikes and containers', () => {
    for (const markdown of [
      '```\n    ```\n\nPlain words\n', // 4 spaces: content, not the closing fence
      '<div>\n```\n\n```\n\nPlain words\n', // the first ``` is in the HTML block; the second opens a fence
      '```\n   ```\n\nPlain\n', // 3 spaces: the closing fence
      'a\n```\nx\n\ny\n```\n\nPlain\n', // a fence interrupting a paragraph
      '````\n```\n\nPlain\n````\n\nAfter\n', // a shorter run does not close
      '~~~\n```\n\nPlain\n~~~\n\nAfter\n', // nor the other character
      '```a`b\n\n```\n\nPlain\n```\n\nAfter\n', // not a fence: inline code
      '- item\n```\n\nPlain\n```\n\nAfter\n', // a column-0 fence ends the list
    ]) {
      expect(renderInChunks(toHtml, markdown, 1), JSON.stringify(markdown)).toBe(toHtml(markdown));
    }
    fc.assert(
      fc.property(fenceBody, (markdown) => {
        expect(renderInChunks(toHtml, markdown, 1)).toBe(toHtml(markdown));
      }),
      { numRuns: Number(process.env.TICKETRY_CHUNK_RUNS ?? 500) },
    );
  });

  it('gives the HTML of one call on every pathological and DoS shape, capped as the renderer caps it', () => {
    // Short paragraphs (the least the caps allow), so the caps' splits give many places to cut.
    const limits = resolveRenderLimits({ maxMarkdownLength: 1024 * 1024, maxBodyLength: 1024 * 1024, maxParagraphLength: 256 });
    const shapes: [string, (n: number) => string][] = [...PATHOLOGICAL_BODIES.map((b) => [b.name, b.make] as [string, (n: number) => string]), ...MORE_MARKDOWN];
    let cut = 0;
    for (const [name, make] of shapes) {
      const markdown = capMarkdown(make(1000), limits).markdown;
      let calls = 0;
      const html = renderInChunks(
        (m) => {
          calls += 1;
          return toHtml(m);
        },
        markdown,
        256,
      );
      expect(html, name).toBe(toHtml(markdown));
      if (calls > 1) cut += 1;
    }
    expect(cut).toBeGreaterThan(30); // the test means something only if many shapes are cut
  });

  it('cuts the long paragraphs the caps split (the entity flood) into many calls', () => {
    const limits = resolveRenderLimits({ maxMarkdownLength: 1024 * 1024, maxBodyLength: 1024 * 1024 });
    const flood = capMarkdown('&#x1F600;&amp;&bogus;'.repeat(3000), limits).markdown;
    let calls = 0;
    const counting = (m: string) => {
      calls += 1;
      return toHtml(m);
    };
    expect(renderInChunks(counting, flood)).toBe(toHtml(flood));
    expect(calls).toBeGreaterThan(10);
  });

  it('renders whole what it cannot cut exactly: a definition anywhere, or after a fence or HTML block opener', () => {
    const para = (i: number) => `Paragraph ${i} ${'word '.repeat(20)}`;
    const many = Array.from({ length: 40 }, (_, i) => para(i));
    for (const markdown of [
      [...many, '[x]: https://example.com'].join('\n\n'),
      ['```', ...many].join('\n\n'),
      ['<!--', ...many].join('\n\n'),
      ['- ```', ...many].join('\n\n'),
    ]) {
      let calls = 0;
      const counting = (m: string) => {
        calls += 1;
        return toHtml(m);
      };
      expect(renderInChunks(counting, markdown, 100)).toBe(toHtml(markdown));
      expect(calls, markdown.slice(0, 40)).toBe(1);
    }
    // Before the first opener it still cuts.
    let calls = 0;
    const tail = [...many, '```', ...many].join('\n\n');
    expect(
      renderInChunks(
        (m) => {
          calls += 1;
          return toHtml(m);
        },
        tail,
        100,
      ),
    ).toBe(toHtml(tail));
    expect(calls).toBeGreaterThan(5);
  });
});
