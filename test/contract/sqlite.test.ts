import { afterAll, describe, it } from 'vitest';
import { sqliteFileFixture } from '../sql/stores.js';
import { runStoreContract } from '../../src/testing/index.js';

// One migrated store (temp file, WAL) for the file: the suite gives every test its own tenant.
const fixture = sqliteFileFixture();
const shared = fixture.create();
afterAll(() => fixture.dispose());

runStoreContract({ name: 'sqlite (file)', createStore: async () => (await shared).store, describe, it });
