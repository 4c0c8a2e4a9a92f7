/**
 * The smallest cases of what the hostile-input fuzz found (test/hostile/), each fixed:
 * kept as plain tests so they run on every `npm test` whatever the fuzz happens to draw.
 */
import { describe, expect, it } from 'vitest';
import { mysqlStore } from '../../adapters/mysql/index.js';
import { postgresStore } from '../../adapters/postgres/index.js';
import { sqliteStore } from '../../adapters/sqlite/index.js';
import { TicketError } from '../../src/errors.js';

function typedError(fn: () => unknown): TicketError {
  try {
    fn();
  } catch (err) {
    expect(TicketError.is(err), String((err as Error)?.stack ?? err)).toBe(true);
    return err as TicketError;
  }
  throw new Error('expected a TicketError, but the call succeeded');
}

describe('store factories', () => {
  it('a { db } that is not a Kysely instance is a config error naming db, not a TypeError', () => {
    for (const factory of [sqliteStore, postgresStore, mysqlStore] as ((o: unknown) => unknown)[]) {
      for (const db of [null, 1, 'db', {}, { withoutPlugins: 'no' }, []]) {
        const err = typedError(() => factory({ db }));
        expect(err.code).toBe('config');
        expect(err.params.field).toBe('db');
      }
    }
  });

  it('withTransaction of anything but a Kysely transaction is a config error', async () => {
    const store = sqliteStore({ filename: ':memory:' });
    try {
      for (const trx of [null, undefined, 1, {}, { isTransaction: true }]) {
        expect(typedError(() => store.withTransaction(trx as never)).code).toBe('config');
      }
    } finally {
      await store.close();
    }
  });
});
