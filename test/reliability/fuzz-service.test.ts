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
  it,
  afterAll,
  runs,
  timeout: pick(1_800_000, 7_200_000),
  report: (store, tally) => {
    const codes = new Map<string, number>();
    for (const outcomes of tally.values()) for (const [o, n] of outcomes) codes.set(o, (codes.get(o) ?? 0) + n);
    record({
      scenario: 'hostile input: every public method',
      store,
      tried: `${runs} hostile calls`,
      lost: 0,
      figures: [...codes].map(([o, n]) => `${o} ${n}`).join(', '),
    });
  },
});
