import { describe, it } from 'vitest';
import { mysqlFixture, mysqlSkipReason } from './stores.js';
import { listColumnsMigrationTests } from './list-columns-migration.js';
import { staffToolsMigrationTests } from './staff-tools-migration.js';
import { statsAggregateTests } from './stats-aggregate.js';
import { storeBehaviourTests } from './store-behaviour.js';

// The server at TICKETRY_MYSQL_URL (a fresh database per store); skipped, saying so,
// without one; in CI (TICKETRY_REQUIRE_MYSQL) a missing URL fails.
const skip = mysqlSkipReason();

if (skip !== null) {
  describe.skip(`SQL store behaviour: mysql (${skip})`, () => {
    it('needs TICKETRY_MYSQL_URL', () => undefined);
  });
} else {
  storeBehaviourTests('mysql', mysqlFixture);
  statsAggregateTests('mysql', mysqlFixture);
  staffToolsMigrationTests('mysql', mysqlFixture);
  listColumnsMigrationTests('mysql', mysqlFixture);
}
