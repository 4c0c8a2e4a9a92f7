/**
 * Store factories given options that are not an object (a JavaScript host, a config read
 * from a file) answer with a `ConfigError` naming `options`, not a TypeError from reading
 * a field of them. Found by the config fuzz (issue 14).
 */
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { mysqlStore } from '../../adapters/mysql/index.js';
import { postgresStore } from '../../adapters/postgres/index.js';
import { sqliteStore } from '../../adapters/sqlite/index.js';
import { TicketError } from '../../src/errors.js';
import { createTicketService } from '../../src/index.js';

describe('store factories', () => {
  it.each([
    ['sqliteStore', sqliteStore],
    ['postgresStore', postgresStore],
    ['mysqlStore', mysqlStore],
  ] as const)('%s refuses options that are not an object with a config error', (name, factory) => {
    for (const options of [undefined, null, 'file.db', 1, true, [], () => ({})]) {
      let caught: unknown;
      try {
        (factory as (o: unknown) => unknown)(options);
      } catch (error) {
        caught = error;
      }
      expect(TicketError.is(caught, 'config'), `${name}(${String(options)}): ${String(caught)}`).toBe(true);
      expect((caught as TicketError).params).toMatchObject({ field: 'options' });
    }
  });

  it.each([
    ['postgresStore', (pool: unknown) => postgresStore({ pool: pool as never })],
    ['mysqlStore', (pool: unknown) => mysqlStore({ uri: 'mysql://nobody@127.0.0.1:1/none', pool: pool as never } as never)],
  ] as const)('%s refuses a pool that is not a driver pool with a config error naming pool (a null pool was a TypeError)', (name, make) => {
    for (const pool of [null, 'pool', 1, {}, [], { connect: 1, getConnection: 1 }]) {
      let caught: unknown;
      try {
        make(pool);
      } catch (error) {
        caught = error;
      }
      expect(TicketError.is(caught, 'config'), `${name}({ pool: ${JSON.stringify(pool)} }): ${String(caught)}`).toBe(true);
      expect((caught as TicketError).params).toMatchObject({ field: 'pool' });
    }
  });

  it('sqliteStore refuses a database that is not a better-sqlite3 handle with a config error naming database (it was an internal error on the first query)', () => {
    for (const database of [null, 'file.db', 1, {}, [], { prepare: () => undefined }]) {
      let caught: unknown;
      try {
        sqliteStore({ database: database as never });
      } catch (error) {
        caught = error;
      }
      expect(TicketError.is(caught, 'config'), `sqliteStore({ database: ${JSON.stringify(database)} }): ${String(caught)}`).toBe(true);
      expect((caught as TicketError).params).toMatchObject({ field: 'database' });
    }
  });

  it('mysqlStore refuses a malformed uri with a config error naming uri (mysql2 threw a TypeError or URIError)', () => {
    for (const uri of ['xxx', 'mysql://a:%zz@h/db']) {
      let caught: unknown;
      try {
        mysqlStore({ uri });
      } catch (error) {
        caught = error;
      }
      expect(TicketError.is(caught, 'config'), `${uri}: ${String(caught)}`).toBe(true);
      expect((caught as TicketError).params).toMatchObject({ field: 'uri' });
    }
  });
});

describe('postgresStore({ connectionString }): waiting for a connection', () => {
  it('a server that accepts but never answers makes the call unavailable after connectionTimeoutMillis, not a hang', async () => {
    // A TCP listener that never speaks: the pg client waits for the server's first message.
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const store = postgresStore({
      connectionString: `postgres://nobody@127.0.0.1:${port}/none`,
      poolConfig: { connectionTimeoutMillis: 300 },
    });
    try {
      const desk = createTicketService({ store, tenantId: 't' });
      const started = Date.now();
      const error = await desk
        .list({ kind: 'staff', id: 'op', role: 'operator', permissions: ['tickets.view'] } as never)
        .catch((e: unknown) => e);
      expect(TicketError.is(error, 'unavailable'), String(error)).toBe(true);
      // Generous: the point is that it ends (pg's own default would wait for ever).
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      await store.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
