import { afterAll, describe, it } from 'vitest';
import { record } from './ledger.js';
import { pick } from './scale.js';
import { cluster } from './harness.js';

// The hostile-input fuzz at length, on memory, SQLite, the suite's own PostgreSQL cluster
// and MariaDB (TICKETRY_MYSQL_URL, which the suite requires). The short version is in npm test.
process.env.TICKETRY_PG_URL ??= cluster().url;
const { defineServiceFuzz } = await import('../hostile/fuzz-service.js');

const runs = pick(300, 3000);
defineServiceFuzz({
  describe,
  it: (name, fn, timeout) =>
    it(
      name,
      async () => {
        try {
          await fn();
        } catch (err) {
          record({ scenario: 'hostile input: every method', store: name, tried: `${runs} hostile calls`, lost: 1, figures: String((err as Error).message).slice(0, 200) });
          throw err;
        }
        record({ scenario: 'hostile input: every method', store: name.split(':')[0] ?? name, tried: `${runs} hostile calls per store`, lost: 0 });
      },
      timeout,
    ),
  afterAll,
  runs,
  timeout: pick(1_800_000, 7_200_000),
});
