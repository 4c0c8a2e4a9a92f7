/**
 * A host that imports ticketry/postgres or ticketry/sqlite without the driver package
 * installed gets a ConfigError that says what to install, from the factory (not at
 * import time, so importing the entry point alone never fails).
 */
import { describe, expect, it, vi } from 'vitest';

vi.mock('node:module', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:module')>();
  return {
    ...original,
    createRequire: () => (id: string) => {
      throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
    },
  };
});

const { postgresStore } = await import('../../adapters/postgres/index.js');
const { sqliteStore } = await import('../../adapters/sqlite/index.js');
const { mysqlStore } = await import('../../adapters/mysql/index.js');
const { TicketError } = await import('../../src/errors.js');

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('missing driver packages', () => {
  it('postgresStore({ connectionString }) without pg says: npm install pg', () => {
    const err = thrown(() => postgresStore({ connectionString: 'postgres://localhost/x' }));
    expect(TicketError.is(err, 'config')).toBe(true);
    expect((err as Error).message).toMatch(/npm install pg/);
    expect((err as Error).cause).toBeInstanceOf(Error);
  });

  it('mysqlStore({ uri }) without mysql2 says: npm install mysql2', () => {
    const err = thrown(() => mysqlStore({ uri: 'mysql://localhost/x' }));
    expect(TicketError.is(err, 'config')).toBe(true);
    expect((err as Error).message).toMatch(/npm install mysql2/);
    expect((err as Error).cause).toBeInstanceOf(Error);
  });

  it('sqliteStore({ filename }) without better-sqlite3 says: npm install better-sqlite3', () => {
    const err = thrown(() => sqliteStore({ filename: ':memory:' }));
    expect(TicketError.is(err, 'config')).toBe(true);
    expect((err as Error).message).toMatch(/npm install better-sqlite3/);
  });
});
