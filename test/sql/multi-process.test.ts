/**
 * Several OS processes on one database (test/sql/multi-process-cases.ts), at the size
 * `npm test` can afford: concurrent migrations, two processes creating 150 tickets each
 * (0 duplicate numbers, 0 gaps, 0 SQLITE_BUSY), a process killed mid-burst (no partial
 * ticket), SLA claims split exactly between processes. The 2 × 2,000 bursts run in
 * `npm run test:reliability` (test/reliability/store-bursts.test.ts).
 *
 * SQLite on a temp file; Postgres on the server at TICKETRY_PG_URL only — PGlite lives
 * inside one process, so the Postgres cases are skipped there (the test names say so);
 * MySQL at TICKETRY_MYSQL_URL.
 */
import { it } from 'vitest';
import { multiProcessTests } from './multi-process-cases.js';
import { MYSQL_URL, PG_URL, POSTGRES_IS_REAL, REQUIRE_MYSQL, REQUIRE_PG } from './stores.js';

const SIZE = { burst: 150, killAt: 75 };

multiProcessTests('sqlite', true, '', SIZE);
if (REQUIRE_PG && !PG_URL) {
  it('multi-process: postgres needs TICKETRY_PG_URL in CI', () => {
    throw new Error('TICKETRY_PG_URL is not set, but CI / TICKETRY_REQUIRE_PG requires a real Postgres server');
  });
}
multiProcessTests(
  'postgres',
  POSTGRES_IS_REAL,
  POSTGRES_IS_REAL ? '' : ' (skipped: no TICKETRY_PG_URL, and PGlite cannot be shared between processes)',
  { ...SIZE, url: PG_URL },
);
if (REQUIRE_MYSQL && !MYSQL_URL) {
  it('multi-process: mysql needs TICKETRY_MYSQL_URL in CI', () => {
    throw new Error('TICKETRY_MYSQL_URL is not set, but CI / TICKETRY_REQUIRE_MYSQL requires a real MySQL / MariaDB server');
  });
}
multiProcessTests('mysql', MYSQL_URL !== undefined, MYSQL_URL !== undefined ? '' : ' (skipped: no TICKETRY_MYSQL_URL)', { ...SIZE, url: MYSQL_URL });
