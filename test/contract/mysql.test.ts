import { afterAll, describe, it } from 'vitest';
import { mysqlFixture, mysqlSkipReason } from '../sql/stores.js';
import { runStoreContract } from '../../src/testing/index.js';

// The server at TICKETRY_MYSQL_URL (a fresh database); there is no embedded MySQL, so
// without a URL this file is skipped and says so; in CI (TICKETRY_REQUIRE_MYSQL) it fails.
const skip = mysqlSkipReason();

if (skip !== null) {
  describe.skip(`store contract: mysql (${skip})`, () => {
    it('needs TICKETRY_MYSQL_URL', () => undefined);
  });
} else {
  const fixture = mysqlFixture();
  const shared = fixture.create();
  afterAll(() => fixture.dispose());

  runStoreContract({
    name: 'mysql',
    createStore: async () => (await shared).store,
    describe,
    it,
  });
}
