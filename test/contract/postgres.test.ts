import { afterAll, describe, it } from 'vitest';
import { POSTGRES_IS_REAL, postgresFixture } from '../sql/stores.js';
import { runStoreContract } from '../../src/testing/index.js';

// The server at TICKETRY_PG_URL (a fresh schema), else PGlite; in CI a missing server fails.
const fixture = postgresFixture();
const shared = fixture.create();
afterAll(() => fixture.dispose());

runStoreContract({
  name: POSTGRES_IS_REAL ? 'postgres' : 'postgres (PGlite)',
  createStore: async () => (await shared).store,
  describe,
  it,
});
