/**
 * The long versions of the store-level multi-process cases (test/sql/multi-process-cases.ts;
 * `npm test` runs them at 150 tickets): two processes creating 2,000 tickets each through
 * the store's transactions (0 duplicate numbers, 0 gaps, 0 SQLITE_BUSY, every ticket with
 * its message, audit row and event), and a process killed with SIGKILL once 1,000
 * tickets are in (no partial ticket, no gap), on a SQLite file, the throwaway Postgres
 * cluster and MariaDB. RELIABILITY_SCALE=short leaves this file out.
 */
import { multiProcessTests } from '../sql/multi-process-cases.js';
import { cluster } from './harness.js';
import { pick } from './scale.js';

const size = { burst: pick(300, 2000), killAt: pick(150, 1000), cases: ['burst', 'kill'] as const };

multiProcessTests('sqlite', true, ' (long)', size);
multiProcessTests('postgres', true, ' (long, throwaway cluster)', { ...size, url: cluster().url });
multiProcessTests('mysql', true, ' (long)', { ...size, url: process.env.TICKETRY_MYSQL_URL });
