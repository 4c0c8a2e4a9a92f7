/**
 * The cost cases of the denial-of-service tests: rendering Markdown (every shape of
 * test/render/pathological-bodies.ts and more), plain text, validating, indexing for
 * search, and a whole `create` through the service on a store. Each is measured at n and
 * 4n characters by cost-ratio.ts.
 */
import { renderMarkdown, renderPlainText } from '../../src/render/markdown.js';
import { createTicketInputSchema, replyInputSchema } from '../../src/schemas.js';
import { searchText } from '../../src/search/search-text.js';
import { parseInput } from '../../src/validate.js';
import { PATHOLOGICAL_BODIES, halves, lines, repeat } from '../render/pathological-bodies.js';
import type { CostCase } from './cost-ratio.js';


/** Markdown shapes beyond pathological-bodies.ts: the runs and references the issue names. */
export const MORE_MARKDOWN: readonly [string, (n: number) => string][] = [
  ['underscore runs', (n) => halves('_', 'a', '_', n)],
  ['backtick ladder, capped at 200', (n) => lines(n, (i) => `${'`'.repeat((i % 200) + 1)}a`).replaceAll('\n', ' ')],
  ['backtick runs', (n) => repeat('`', n)],
  ['link reference definitions and uses', (n) => lines(n / 2, (i) => `[r${i}]: https://e.example/${i}`) + repeat('[r1] [r2][r3] ', n / 2)],
  ['unclosed link destinations', (n) => repeat('[a](', n)],
  ['unclosed images', (n) => repeat('![', n)],
  ['emphasis alternation', (n) => repeat('*a _', n)],
  ['entities', (n) => repeat('&#x1F600;&amp;&bogus;', n)],
  ['unclosed HTML comments', (n) => repeat('<!--', n)],
  ['unclosed angle autolinks', (n) => repeat('<http://a', n)],
  ['wide table', (n) => `${repeat('|a', n / 2)}\n${repeat('|-', n / 2)}`],
  ['setext underlines', (n) => repeat('a\n=\n', n)],
  ['hard breaks', (n) => repeat('a  \n', n)],
  ['backslash escapes', (n) => repeat('\\*', n)],
  ['one long word', (n) => 'a'.repeat(n)],
  ['brackets then a link', (n) => `${repeat('[', n - 10)}](https://x)`],
  ['code fence flood', (n) => repeat('```\n', n)],
];

/** Every Markdown shape, rendered by `renderMarkdown` on this thread with the length limits raised to 1 MiB. */
export function markdownCases(): CostCase<string>[] {
  const limits = { maxMarkdownLength: 1024 * 1024, maxBodyLength: 1024 * 1024 };
  const shapes: [string, (n: number) => string][] = [...PATHOLOGICAL_BODIES.map((b) => [b.name, b.make] as [string, (n: number) => string]), ...MORE_MARKDOWN];
  return shapes.map(([name, make]) => ({ name: `render Markdown: ${name}`, make, run: (s) => renderMarkdown(s, limits) }));
}

/** Plain text (customer bodies), validation and search indexing of bodies. */
export function textCases(): CostCase<string>[] {
  const bodies: [string, (n: number) => string][] = [
    ['prose', (n) => repeat('The router drops the line every evening. ', n)],
    ['markup characters', (n) => repeat('<&>"\'\r\n', n)],
    ['one long word', (n) => 'x'.repeat(n)],
    ['CJK', (n) => repeat('网络故障无法连接', n)],
    ['spaces then a letter', (n) => `a${' '.repeat(n - 2)}b`],
    ['emoji and surrogates', (n) => repeat('🙂a\uD800', n)],
    ['short words', (n) => repeat('a b ', n)],
  ];
  const cases: CostCase<string>[] = [];
  for (const [name, make] of bodies) {
    cases.push({ name: `plain text: ${name}`, make, run: (s) => renderPlainText(s) });
    cases.push({ name: `validate create: ${name}`, make, run: (s) => parseInput(createTicketInputSchema, { subject: 'Subject', body: s }, 'ticket') });
    cases.push({ name: `validate reply: ${name}`, make, run: (s) => parseInput(replyInputSchema, { body: s }, 'reply') });
    cases.push({ name: `search text: ${name}`, make, run: (s) => searchText(s) });
  }
  return cases;
}
