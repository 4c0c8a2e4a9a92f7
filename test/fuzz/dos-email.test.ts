import { describe, it } from 'vitest';
import { assertLinear, formatCost, measureLinear } from '../hostile/cost-ratio.js';
import { emailCostCases } from '../hostile/email-shapes.js';

// The short run (npm test): 16 KiB against 64 KiB. test/reliability/dos-email.test.ts runs 64 against 256 KiB.
describe('mail text handling costs linear time in the mail (16 KiB vs 64 KiB)', () => {
  for (const c of emailCostCases()) {
    it(c.name, async () => {
      const r = await measureLinear(c, 16 * 1024);
      if (process.env.TICKETRY_DOS_REPORT) console.log(formatCost(r));
      assertLinear(r);
    });
  }
});
