import { afterAll, describe, it } from 'vitest';
import { record } from './ledger.js';
import { pick } from './scale.js';
import { cluster } from './harness.js';

// Model-based: memory against SQLite, the suite's PostgreSQL cluster and MariaDB, the same
// random command sequences, everything observable compared after each step.
// RELIABILITY_SCALE=full: 1,000 runs x up to 50 commands (hours on a shared 2-core machine); short: 30 x 50.
process.env.TICKETRY_PG_URL ??= cluster().url;
const { defineModelTest } = await import('../hostile/model-suite.js');

const runs = Number(process.env.TICKETRY_MODEL_RUNS ?? pick(30, 1000));
defineModelTest({
  describe,
  it: (name, fn, timeout) =>
    it(
      name,
      async () => {
        try {
          await fn();
        } catch (err) {
          record({ scenario: 'model-based: memory = every SQL store', store: 'all', tried: `${runs} runs x 50 commands`, lost: 1, figures: String((err as Error).message).slice(0, 200) });
          throw err;
        }
        record({ scenario: 'model-based: memory = every SQL store', store: 'sqlite, postgres, mysql', tried: `${runs} runs x up to 50 commands`, lost: 0 });
      },
      timeout,
    ),
  afterAll,
  runs,
  commands: 50,
  timeout: pick(3_600_000, 6 * 3_600_000),
});
