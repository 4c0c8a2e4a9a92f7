import { afterAll, describe, it } from 'vitest';
import { sqliteMemoryFixture } from '../sql/stores.js';
import { runStoreContract } from '../../src/testing/index.js';

// One migrated :memory: store for the file: the suite gives every test its own tenant.
const fixture = sqliteMemoryFixture();
const shared = fixture.create();
afterAll(() => fixture.dispose());

runStoreContract({ name: 'sqlite (:memory:)', createStore: async () => (await shared).store, describe, it });
