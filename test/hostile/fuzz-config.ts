/**
 * Hostile configuration: `createTicketService` options and config, and each store
 * factory's options, with any field replaced by a hostile value (or `__proto__` /
 * `constructor` keys added, at the top or nested). Either the call succeeds, or it throws
 * a `TicketError` (`config`, or `validation` for a value the config schema checks); it
 * never throws anything else and never adds a key to a built-in prototype.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { memoryStore } from '../../adapters/memory/index.js';
import { mysqlStore } from '../../adapters/mysql/index.js';
import { postgresStore } from '../../adapters/postgres/index.js';
import { sqliteStore } from '../../adapters/sqlite/index.js';
import { TicketError } from '../../src/errors.js';
import { createTicketService } from '../../src/index.js';
import { hostileString, hostileValue } from './hostile-values.js';
import { describeValue } from './fuzz-service.js';
import { assertNoPollution, prototypeKeys } from './prototypes.js';

/** The codes a bad configuration may get. */
const CONFIG_CODES = ['config', 'validation'];

const CONFIG_KEYS = [
  'categories', 'defaultCategory', 'priorities', 'defaultPriority', 'customerMaxPriority', 'queueFirstPriority',
  'departments', 'routing', 'customerStatuses', 'attachments', 'numberFormat', 'autoCloseAfterHours', 'maxBodyLength',
  'render', 'sla', 'email', '__proto__', 'constructor', 'prototype', 'toString', 'valueOf',
];
const OPTION_KEYS = [
  'store', 'tenantId', 'config', 'clock', 'generateId', 'directory', 'onListenerError', 'policy', 'blobs',
  'scanAttachment', 'dispatch', 'emailTemplates', '__proto__', 'constructor',
];
/** Nested config paths worth reaching (one level into the objects the config holds). */
const NESTED = [
  ['render', 'maxDepth'], ['render', 'timeBudgetMs'], ['render', '__proto__'], ['sla', 'calendar'], ['sla', 'targets'],
  ['sla', '__proto__'], ['email', 'address'], ['email', 'unknownSenders'], ['email', '__proto__'],
  ['attachments', 'allowedTypes'], ['attachments', 'maxFileBytes'], ['attachments', 'constructor'],
  ['customerStatuses', '__proto__'], ['departments', '0'], ['routing', '0'], ['emailTemplates', 'en'],
  ['emailTemplates', '__proto__'],
];

function own(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
}

/** One hostile change to an options object. */
const change = fc.oneof(
  fc.record({ at: fc.constant('option'), key: fc.oneof(fc.constantFrom(...OPTION_KEYS), hostileString), value: hostileValue }),
  fc.record({ at: fc.constant('config'), key: fc.oneof(fc.constantFrom(...CONFIG_KEYS), hostileString), value: hostileValue }),
  fc.record({ at: fc.constant('nested'), path: fc.constantFrom(...NESTED), value: hostileValue }),
  fc.record({ at: fc.constant('whole'), value: hostileValue }),
);
type Change = { at: 'option' | 'config'; key: string; value: unknown } | { at: 'nested'; path: string[]; value: unknown } | { at: 'whole'; value: unknown };

function expectTyped(call: () => unknown, what: () => string, codes = CONFIG_CODES): unknown {
  try {
    return call();
  } catch (err) {
    if (!TicketError.is(err)) assert.fail(`${what()} threw ${String((err as Error)?.stack ?? err)}, not a TicketError`);
    if (!codes.includes(err.code)) assert.fail(`${what()} failed with ${err.code}: ${err.message}`);
    return undefined;
  }
}

/** `runs` hostile `createTicketService` calls. */
export function fuzzServiceConfig(runs: number): void {
  const baseline = prototypeKeys();
  const store = memoryStore();
  fc.assert(
    fc.property(fc.array(change, { minLength: 1, maxLength: 3 }), (changes) => {
      let options: unknown = { store, tenantId: 'isp', config: { numberFormat: 'T-{seq}', departments: [{ id: 'd1', name: 'D' }] } };
      for (const c of changes as Change[]) {
        const o = (options !== null && typeof options === 'object' ? options : {}) as Record<string, unknown>;
        if (c.at === 'whole') options = c.value;
        else if (c.at === 'option') own(o, c.key, c.value);
        else if (c.at === 'config') {
          const config = { ...((o.config ?? {}) as object) } as Record<string, unknown>;
          own(config, c.key, c.value);
          o.config = config;
        } else {
          const config = { ...((o.config ?? {}) as object) } as Record<string, unknown>;
          const [outer, inner] = (c as { path: string[] }).path as [string, string];
          const nested = { ...((config[outer] !== null && typeof config[outer] === 'object' ? config[outer] : {}) as object) } as Record<string, unknown>;
          own(nested, inner, c.value);
          own(config, outer, nested);
          o.config = config;
        }
      }
      const what = () => `createTicketService(${describeValue(options)})`;
      expectTyped(() => createTicketService(options as never), what);
      assertNoPollution(baseline, what);
    }),
    { numRuns: runs },
  );
}

/** `runs` hostile options to each store factory (no connection is opened: each store made is closed unused). */
export async function fuzzStoreFactories(runs: number): Promise<void> {
  const baseline = prototypeKeys();
  const dir = mkdtempSync(join(tmpdir(), 'ticketry-fuzz-'));
  try {
    const factories: [string, () => Record<string, unknown>, (o: never) => { close(): Promise<void> }][] = [
      ['sqliteStore', () => ({ filename: join(dir, 'f.db'), tablePrefix: 'tk_', busyTimeoutMs: 100 }), sqliteStore as never],
      ['postgresStore', () => ({ connectionString: 'postgres://nobody@127.0.0.1:1/none', schema: 's', tablePrefix: 'p_' }), postgresStore as never],
      ['mysqlStore', () => ({ uri: 'mysql://nobody@127.0.0.1:1/none', tablePrefix: 'm_' }), mysqlStore as never],
    ];
    const keys = ['filename', 'database', 'db', 'pool', 'connectionString', 'uri', 'schema', 'tablePrefix', 'busyTimeoutMs',
      'statementCacheSize', 'poolConfig', 'poolOptions', 'statementTimeoutMs', 'listener', 'driverDates', '__proto__', 'constructor'];
    await fc.assert(
      fc.asyncProperty(
        fc.nat(factories.length - 1),
        fc.oneof(fc.constantFrom(...keys), hostileString),
        hostileValue,
        fc.boolean(),
        async (which, key, value, whole) => {
          const [name, base, factory] = factories[which]!;
          const options = base();
          // A SQLite file name is a path: a hostile string would create files anywhere.
          if (name === 'sqliteStore' && key === 'filename' && typeof value === 'string') return;
          own(options, key, value);
          const pathLike = (v: unknown) =>
            typeof v === 'string' || (v !== null && typeof v === 'object' && 'filename' in v);
          const arg = whole && !(name === 'sqliteStore' && pathLike(value)) ? value : options;
          const what = () => `${name}(${describeValue(arg)})`;
          const made = expectTyped(() => factory(arg as never), what) as { close(): Promise<void> } | undefined;
          if (made) await made.close().catch(() => undefined);
          assertNoPollution(baseline, what);
        },
      ),
      { numRuns: runs },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
