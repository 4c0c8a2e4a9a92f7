/**
 * Mail bodies built to be expensive for the intake's text handling: HTML to text
 * (`html-to-text.ts`), quote and signature trimming (`trim-quotes.ts`) and the body
 * clean-up (`mail-body.ts`). Each is built at a requested size.
 */
import { htmlToText } from '../../src/email/html-to-text.js';
import { mailBody } from '../../src/email/mail-body.js';
import { trimQuotes } from '../../src/email/trim-quotes.js';
import type { CostCase } from './cost-ratio.js';

function repeat(unit: string, size: number): string {
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

/** Text shapes for `trimQuotes` and `mailBody`. */
export const TEXT_SHAPES: readonly [string, (n: number) => string][] = [
  ['spaces then a letter', (n) => `a${' '.repeat(n - 2)}b`],
  ['space-newline runs', (n) => `a${repeat(' \n', n - 2)}b`],
  ['tabs and spaces', (n) => `a${repeat(' \t', n - 2)}b`],
  ['blank lines', (n) => `a${'\n'.repeat(n - 2)}b`],
  ['short lines', (n) => repeat('a\n', n)],
  ['quoted lines', (n) => `${repeat('> a\n', n - 1)}b`],
  ['attribution lines', (n) => repeat('On Mon, 2 Mar 2026, Ann <a@b.c> wrote:\nhi\n', n)],
  ['From: lines without Sent:', (n) => repeat('From: a@b.c\n\n\n\n\n', n)],
  ['colon and spaces line', (n) => `x${repeat(': ', n - 2)}x`],
  ['signature markers', (n) => repeat('-- \n', n)],
  ['Sent from lines', (n) => repeat('Sent from my phone \n', n)],
  ['one long line of words', (n) => repeat('word ', n)],
];

/** HTML shapes for `htmlToText`. */
export const HTML_SHAPES: readonly [string, (n: number) => string][] = [
  ['pre of spaces', (n) => `<pre>a${' '.repeat(n - 13)}b</pre>`],
  ['nested divs', (n) => repeat('<div>', n)],
  ['nested blockquotes', (n) => `${repeat('<blockquote>', n - 1)}a`],
  ['unclosed tags', (n) => repeat('<a', n)],
  ['lone <', (n) => repeat('< ', n)],
  ['unclosed quotes in a tag', (n) => `<a href="${repeat('x', n - 10)}`],
  ['unclosed comments', (n) => repeat('<!--', n)],
  ['unclosed scripts', (n) => repeat('<script>', n)],
  ['unclosed styles and text', (n) => repeat('<style>a', n)],
  ['links', (n) => repeat('<a href="https://e.example/x">t</a>', n)],
  ['nested links', (n) => repeat('<a href="x">', n)],
  ['entities', (n) => repeat('&amp;&#x1F600;&nbsp;&bogus;', n)],
  ['table cells', (n) => repeat('<td>a</td>', n)],
  ['list items', (n) => repeat('<li>', n)],
  ['br runs', (n) => repeat('<br>', n)],
];

/** Every email text operation on every shape, as cost cases. */
export function emailCostCases(): CostCase<string>[] {
  const cases: CostCase<string>[] = [];
  for (const [name, make] of TEXT_SHAPES) {
    cases.push({ name: `trimQuotes: ${name}`, make, run: (s) => trimQuotes(s) });
    cases.push({ name: `mailBody (reply): ${name}`, make, run: (s) => mailBody(s, { reply: true, maxLength: 262_144 }) });
  }
  for (const [name, make] of HTML_SHAPES) cases.push({ name: `htmlToText: ${name}`, make, run: (s) => htmlToText(s) });
  return cases;
}
