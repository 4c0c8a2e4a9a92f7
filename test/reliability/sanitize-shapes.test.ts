/**
 * The token pass (src/render/sanitize-micromark.ts) against DOMPurify on every
 * pathological Markdown shape at 4 KiB, with no paragraph cap (test/render/sanitize-shapes.ts):
 * wherever the token pass takes the HTML it gives exactly what DOMPurify gives. `npm test`
 * runs it at 2 KiB (test/render/sanitize-micromark.test.ts). The same size at both scales:
 * `.ci/run` runs it.
 */
import { expect, it } from 'vitest';
import { PATHOLOGICAL_BODIES } from '../render/pathological-bodies.js';
import { shapesAgree } from '../render/sanitize-shapes.js';
import { record } from './ledger.js';

const size = 4096;

it(`the token pass agrees with DOMPurify on every pathological shape at ${size} characters`, () => {
  const taken = shapesAgree(size);
  expect(taken).toBeGreaterThan(0);
  record({
    scenario: 'sanitizer agreement: pathological Markdown',
    store: '-',
    tried: `${PATHOLOGICAL_BODIES.length} shapes x ${size} chars x 2 link caps`,
    lost: 0,
    figures: `${taken} taken by the token pass, all equal to DOMPurify's`,
  });
}, 600_000);
