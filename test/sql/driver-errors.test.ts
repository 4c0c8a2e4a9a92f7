/**
 * Driver errors ticketry does not recognise become `internal` (a bug, not worth
 * retrying), never `unavailable` ("retry later"), and never reach the host raw.
 */
import { describe, expect, it } from 'vitest';
import { mapPostgresError } from '../../adapters/postgres/postgres-errors.js';
import { toTicketError } from '../../adapters/sql/driver-errors.js';
import { mapSqliteError } from '../../adapters/sqlite/sqlite-errors.js';
import { TicketError } from '../../src/errors.js';

describe('driver error mapping', () => {
  const weird = () => Object.assign(new Error('something nobody planned for'), { code: 'XX_WEIRD' });

  it.each([
    ['shared', (e: unknown) => toTicketError(e, 'unknown')],
    ['sqlite', mapSqliteError],
    ['postgres', mapPostgresError],
  ])('%s: an unknown error is internal, with the driver error as cause', (_name, map) => {
    const err = weird();
    const mapped = map(err);
    expect(TicketError.is(mapped, 'internal')).toBe(true);
    expect(mapped.cause).toBe(err);
    expect(mapped.message).toContain('something nobody planned for');
  });

  it('keeps network failures unavailable, and a TicketError unchanged', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    expect(mapPostgresError(refused).code).toBe('unavailable');
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    expect(mapSqliteError(busy).code).toBe('unavailable');
    const typed = new TicketError('conflict', 'taken');
    expect(mapSqliteError(typed)).toBe(typed);
  });
});
