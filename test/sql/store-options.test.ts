/**
 * Store factories given options that are not an object (a JavaScript host, a config read
 * from a file) answer with a `ConfigError` naming `options`, not a TypeError from reading
 * a field of them. Found by the config fuzz (issue 14).
 */
import { describe, expect, it } from 'vitest';
import { mysqlStore } from '../../adapters/mysql/index.js';
import { postgresStore } from '../../adapters/postgres/index.js';
import { sqliteStore } from '../../adapters/sqlite/index.js';
import { TicketError } from '../../src/errors.js';

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
