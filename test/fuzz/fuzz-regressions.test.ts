/**
 * The smallest cases of what the hostile-input fuzz found (test/hostile/), each fixed:
 * kept as plain tests so they run on every `npm test` whatever the fuzz happens to draw.
 */
import { describe, expect, it } from 'vitest';
import { mysqlStore } from '../../adapters/mysql/index.js';
import { postgresStore } from '../../adapters/postgres/index.js';
import { sqliteStore } from '../../adapters/sqlite/index.js';
import { memoryStore } from '../../adapters/memory/index.js';
import { TicketError } from '../../src/errors.js';
import { createTicketService } from '../../src/index.js';
import { ALL, operator } from '../../src/testing/harness.js';

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

  it('a tablePrefix or schema that is not a string (even one nested too deep to print) is a config error', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 20_000; i++) deep = { a: deep };
    for (const bad of [deep, 1, {}, ['a']]) {
      const prefix = typedError(() => sqliteStore({ filename: ':memory:', tablePrefix: bad } as never));
      expect([prefix.code, prefix.params.field]).toEqual(['config', 'tablePrefix']);
      const schema = typedError(() => postgresStore({ connectionString: 'postgres://nobody@127.0.0.1:1/none', schema: bad } as never));
      expect([schema.code, schema.params.field]).toEqual(['config', 'schema']);
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

describe('list cursors', () => {
  it('a hand-made cursor with a time no database holds, or an id with NUL, is a validation error naming cursor', async () => {
    const desk = createTicketService({ store: memoryStore() });
    const staff = operator(ALL);
    await desk.create(staff, { subject: 's', body: 'b', subscriberId: 'sub-1' });
    const cursor = (body: object) => Buffer.from(JSON.stringify(body)).toString('base64url');
    for (const body of [
      { s: 'newest', t: 8.64e15, i: 'x' }, // year 275760: MariaDB compared it wrongly (every ticket came back)
      { s: 'newest', t: -8.64e15, i: 'x' }, // year -271821: Postgres refused it with the driver's text
      { s: 'newest', t: Date.UTC(10_000, 0, 1), i: 'x' },
      { s: 'newest', t: 1, i: 'x\u0000' }, // Postgres: "invalid byte sequence", the others: an empty page
      { s: 'newest', t: 1, i: 'x'.repeat(201) },
    ]) {
      let caught: unknown;
      try {
        await desk.list(staff, { sort: 'newest', cursor: cursor(body) });
      } catch (err) {
        caught = err;
      }
      expect(TicketError.is(caught, 'validation'), `${JSON.stringify(body)}: ${String(caught)}`).toBe(true);
      expect((caught as TicketError).params.field).toBe('cursor');
    }
    // The limits themselves are positions a store holds.
    await desk.list(staff, { sort: 'newest', cursor: cursor({ s: 'newest', t: Date.UTC(9999, 11, 31, 23, 59, 59, 999), i: 'x' }) });
    await desk.list(staff, { sort: 'newest', cursor: cursor({ s: 'newest', t: new Date('0001-01-01T00:00:00Z').getTime(), i: 'x' }) });
  });
});

describe('ticket references', () => {
  it('a ticket id or number with a NUL is a validation error naming ticketId on every store (Postgres refused it with the driver text, the others said not found)', async () => {
    const desk = createTicketService({ store: memoryStore() });
    const staff = operator(ALL);
    for (const call of [() => desk.get(staff, 'a\u0000b'), () => desk.addReply(staff, 'TKT-1\u0000', { body: 'x' }), () => desk.audit(staff, '\u0000')]) {
      let caught: unknown;
      try {
        await call();
      } catch (err) {
        caught = err;
      }
      expect(TicketError.is(caught, 'validation'), String(caught)).toBe(true);
      expect((caught as TicketError).params.field).toBe('ticketId');
    }
  });
});
