/**
 * Every store a test file runs on (the dispatch and email tests), each with a second instance on the same data
 * (`secondStore`: its own pool on Postgres and MySQL, as another app instance opens it):
 * memory, SQLite file and `:memory:`, Postgres (the server at TICKETRY_PG_URL, else
 * PGlite), and MySQL/MariaDB when TICKETRY_MYSQL_URL is set (required in CI).
 */
import { afterAll } from 'vitest';
import { memoryStore } from '../../adapters/memory/index.js';
import type { ContractOptions } from '../../src/testing/index.js';
import {
  POSTGRES_IS_REAL,
  mysqlFixture,
  mysqlSkipReason,
  postgresFixture,
  sqliteFileFixture,
  sqliteMemoryFixture,
  type FixtureStore,
  type StoreFixture,
} from './stores.js';

export type Target = Pick<ContractOptions, 'name' | 'createStore' | 'secondStore'>;

/** The targets of this run; their fixtures are disposed after the file. */
export function storeTargets(): Target[] {
  const fixtures: { name: string; fixture: StoreFixture }[] = [
    { name: 'sqlite (file)', fixture: sqliteFileFixture() },
    { name: 'sqlite (:memory:)', fixture: sqliteMemoryFixture() },
    { name: POSTGRES_IS_REAL ? 'postgres' : 'postgres (PGlite)', fixture: postgresFixture() },
  ];
  if (mysqlSkipReason() === null) fixtures.push({ name: 'mysql', fixture: mysqlFixture() });
  afterAll(async () => {
    for (const { fixture } of fixtures) await fixture.dispose();
  });
  const targets: Target[] = [{ name: 'memory', createStore: () => memoryStore() }];
  for (const { name, fixture } of fixtures) {
    // One migrated store per file: every test uses its own random tenant.
    let shared: Promise<FixtureStore> | undefined;
    const made = () => (shared ??= fixture.create());
    let peer: Promise<unknown> | undefined;
    targets.push({
      name,
      createStore: async () => (await made()).store,
      secondStore: async () => (await (peer ??= made().then((f) => f.second()))) as never,
    });
  }
  return targets;
}
