/**
 * Every pathological Markdown shape (test/render/pathological-bodies.ts) at the largest
 * body allowed (the default `maxMarkdownLength`, 32 KiB), through renderBody with the
 * default limits: rendered or refused with `validation`, nothing dangerous in the HTML,
 * the event loop free meanwhile. `npm test` runs the same cases at a quarter of the size
 * (test/render/pathological.test.ts). The same size at both scales: `.ci/run` runs it.
 */
import { DEFAULT_RENDER_LIMITS } from '../../src/render/render-limits.js';
import { PATHOLOGICAL_BODIES } from '../render/pathological-bodies.js';
import { pathologicalShapeTests } from '../render/pathological-cases.js';
import { record } from './ledger.js';

const size = DEFAULT_RENDER_LIMITS.maxMarkdownLength;

pathologicalShapeTests(size, (tally) =>
  record({
    scenario: 'pathological Markdown at the maximum size',
    store: '-',
    tried: `${PATHOLOGICAL_BODIES.length} shapes x ${size} chars`,
    lost: PATHOLOGICAL_BODIES.length - tally.rendered.length - tally.refused.length,
    figures: `${tally.rendered.length} rendered, ${tally.refused.length} refused (${tally.refused.join(', ') || 'none'}), longest loop gap ${Math.round(tally.maxGapMs)} ms`,
  }),
);
