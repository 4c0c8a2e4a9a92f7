import { afterAll, describe, it } from 'vitest';
import { formatCost } from '../hostile/cost-ratio.js';
import { record } from './ledger.js';
import { pick } from './scale.js';
import { cluster } from './harness.js';

// Linear cost at length: 64 KiB against 256 KiB for text, validation, search, mail and a
// create on every store; every pathological Markdown shape with the render limits raised.
process.env.TICKETRY_PG_URL ??= cluster().url;
const { defineDosTests } = await import('../hostile/dos-suite.js');

defineDosTests(
  {
    describe,
    it,
    afterAll,
    report: (r, group) =>
      record({ scenario: `linear cost: ${group}`, store: r.name, tried: `${r.n} vs ${4 * r.n} chars`, lost: r.largeMs >= 25 && r.ratio >= 8 ? 1 : 0, figures: formatCost(r).slice(44).trim() }),
  },
  {
    text: 64 * 1024,
    markdown: pick(8 * 1024, 16 * 1024),
    allMarkdownShapes: true,
    write: 64 * 1024,
    list: pick(16 * 1024, 64 * 1024),
    stores: ['memory', 'sqlite', 'postgres', 'mysql'],
  },
);
