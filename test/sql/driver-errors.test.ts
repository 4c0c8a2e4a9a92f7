/**
 * Driver errors ticketry does not recognise become `internal` (a bug, not worth
 * retrying), never `unavailable` ("retry later"), and never reach the host raw.
 */
import { describe, expect, it } from 'vitest';
import { mapMysqlError } from '../../adapters/mysql/mysql-errors.js';
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
    ['mysql', mapMysqlError],
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

  it('mysql: a duplicate key and a deadlock are conflicts, lost connections unavailable, a TicketError unchanged', () => {
    const dup = Object.assign(new Error("Duplicate entry 't-1' for key 'ticketry_tickets_number_key'"), {
      code: 'ER_DUP_ENTRY',
      errno: 1062,
    });
    expect(mapMysqlError(dup)).toMatchObject({ code: 'conflict', params: { constraint: 'ticketry_tickets_number_key' } });
    const deadlock = Object.assign(new Error('Deadlock found when trying to get lock; try restarting transaction'), {
      code: 'ER_LOCK_DEADLOCK',
      errno: 1213,
    });
    expect(mapMysqlError(deadlock)).toMatchObject({ code: 'conflict', params: { reason: 'deadlock' } });
    expect(mapMysqlError(deadlock).cause).toBe(deadlock);
    const fk = Object.assign(new Error('Cannot add or update a child row: a foreign key constraint fails (CONSTRAINT `ticketry_favorites_ticket_fk` ...)'), {
      code: 'ER_NO_REFERENCED_ROW_2',
    });
    expect(mapMysqlError(fk).code).toBe('conflict');
    for (const code of ['ECONNREFUSED', 'PROTOCOL_CONNECTION_LOST', 'ER_LOCK_WAIT_TIMEOUT', 'ER_CON_COUNT_ERROR']) {
      expect(mapMysqlError(Object.assign(new Error(code), { code })).code, code).toBe('unavailable');
    }
    expect(mapMysqlError(Object.assign(new Error("Data too long for column 'subject'"), { code: 'ER_DATA_TOO_LONG' })).code).toBe('validation');
    expect(mapMysqlError(Object.assign(new Error("Table 'x.ticketry_tickets' doesn't exist"), { code: 'ER_NO_SUCH_TABLE' })).code).toBe('config');
    const typed = new TicketError('conflict', 'taken');
    expect(mapMysqlError(typed)).toBe(typed);
  });
});
