import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { RECORD_LOADED_MODULES, runFresh } from '../fresh-process.js';
import * as builders from '../../src/schemas.js';
import * as schemas from '../../src/schemas-entry.js';
import { ticketConfigSchema } from '../../src/config.js';
import { calendarSchema } from '../../src/sla/calendar.js';

/*
 * `import('ticketry')` must stay cheap (issue 13: under 30 ms): zod (~95 modules, ~70 ms),
 * devalue and mitt load on first use, and no schema is built at import. zod comes through
 * `createRequire` (src/zod-loader.ts), mitt likewise with the first service, devalue with
 * the first event encoded; the zod schemas themselves are the `ticketry/schemas` entry. A
 * static `import { z } from 'zod'` (or from 'devalue', 'mitt') anywhere on the root
 * entry's import graph fails the first test. (node:crypto, loaded on first use too, is
 * checked by test/package/dist-smoke.mjs: tsx itself loads it here.) The checks run in a
 * fresh process, the only place where Node's module caches are known clean.
 */

const src = (file: string) => JSON.stringify(fileURLToPath(new URL(`../../${file}`, import.meta.url)));

/**
 * Runs `body` in a fresh Node process and returns what it prints as JSON. `loaded(pkg)`
 * says whether a module of the package was loaded, by `import` or by `require`.
 */
function runFreshBody(body: string): Record<string, unknown> {
  return runFresh(`
    ${RECORD_LOADED_MODULES}
    const loaded = async (pkg) => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const inPackage = (path) => path.includes('/node_modules/' + pkg + '/');
      return resolved.some(inPackage) || Object.keys(require.cache).some(inPackage);
    };
    ${body}
  `);
}

describe('what importing ticketry loads', () => {
  test('the root entry loads no zod, devalue or mitt; the first service loads zod and mitt; devalue only for old outbox rows', () => {
    const result = runFreshBody(`
      const m = await import(${src('src/index.ts')});
      const probe = async () => ({ zod: await loaded('zod'), devalue: await loaded('devalue'), mitt: await loaded('mitt') });
      const afterImport = await probe();
      const { memoryStore } = await import(${src('adapters/memory/index.ts')});
      const desk = m.createTicketService({ store: memoryStore() });
      const afterService = await probe();
      await desk.create({ kind: 'customer', id: 'c1' }, { subject: 'Slow line', body: 'Since Monday' });
      const afterCreate = await probe();
      let invalid = null;
      try {
        m.createTicketService({ store: memoryStore(), config: { categories: [] } });
      } catch (error) {
        invalid = error.code;
      }
      console.log(JSON.stringify({ afterImport, afterService, afterCreate, invalid }));
    `);
    expect(result).toEqual({
      afterImport: { zod: false, devalue: false, mitt: false },
      afterService: { zod: true, devalue: false, mitt: true },
      afterCreate: { zod: true, devalue: false, mitt: true },
      // The config is still checked at construction, synchronously.
      invalid: 'config',
    });
  });

  test('control: importing ticketry/schemas loads zod, and the probe sees a static zod import', () => {
    const result = runFreshBody(`
      await import(${src('src/schemas-entry.ts')});
      const schemas = await loaded('zod');
      console.log(JSON.stringify({ schemas }));
    `);
    expect(result).toEqual({ schemas: true });
    const esm = runFreshBody(`
      await import('zod');
      console.log(JSON.stringify({ esm: await loaded('zod') }));
    `);
    expect(esm).toEqual({ esm: true });
  });
});

describe('ticketry/schemas', () => {
  test('exports the very schema objects the service validates with', () => {
    expect(schemas.createTicketInputSchema).toBe(builders.createTicketInputSchema());
    expect(schemas.listQuerySchema).toBe(builders.listQuerySchema());
    expect(schemas.actorSchema).toBe(builders.actorSchema());
    expect(schemas.ticketConfigSchema).toBe(ticketConfigSchema());
    expect(schemas.calendarSchema).toBe(calendarSchema());
  });

  test('its schemas parse as the service does', () => {
    expect(schemas.listQuerySchema.parse({ status: 'open' })).toEqual({ status: ['open'] });
    expect(schemas.createTicketInputSchema.safeParse({ subject: ' ', body: 'x' }).success).toBe(false);
    expect(schemas.ticketConfigSchema.parse({}).categories).toContain('billing');
    expect(schemas.durationSchema.safeParse({ hours: 1, minutes: 2 }).success).toBe(false);
  });
});
