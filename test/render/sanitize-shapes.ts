import { expect } from 'vitest';
import { limitHtmlDepth } from '../../src/render/html-depth.js';
import { capMarkdown } from '../../src/render/markdown-caps.js';
import { getMarkdownToHtml } from '../../src/render/micromark-loader.js';
import { sanitizeHtmlCapped } from '../../src/render/sanitize.js';
import { sanitizeMicromarkHtml } from '../../src/render/sanitize-micromark.js';
import { PATHOLOGICAL_BODIES } from './pathological-bodies.js';

/*
 * The token pass (sanitize-micromark.ts) against DOMPurify (sanitize.ts) on every
 * pathological shape: used by test/render/sanitize-micromark.test.ts (`npm test`, 2 KiB)
 * and test/reliability/sanitize-shapes.test.ts (4 KiB, both scales, so `.ci/run` runs it).
 */

/** micromark's HTML for `markdown`, through the caps and depth limit as renderMarkdown does. */
export function htmlOf(markdown: string, maxDepth = 48): string {
  const capped = capMarkdown(markdown, { maxNesting: 3, maxTableCells: 64, maxParagraphLength: 1_000_000 });
  return limitHtmlDepth(getMarkdownToHtml()(capped.markdown), maxDepth).html;
}

/**
 * Every pathological shape at `size` characters, with 3 and 500 links allowed: wherever
 * the token pass takes the HTML it must give exactly what DOMPurify gives. Returns how
 * many of the shape × link-cap pairs it took.
 */
export function shapesAgree(size: number): number {
  let taken = 0;
  for (const { name, make } of PATHOLOGICAL_BODIES) {
    const html = htmlOf(make(size));
    for (const maxLinks of [3, 500]) {
      const fast = sanitizeMicromarkHtml(html, maxLinks);
      if (fast !== undefined) {
        expect(fast, name).toEqual(sanitizeHtmlCapped(html, maxLinks));
        taken += 1;
      }
    }
  }
  return taken;
}
