import { sqliteFileFixture } from './stores.js';
import { listColumnsMigrationTests } from './list-columns-migration.js';
import { staffToolsMigrationTests } from './staff-tools-migration.js';
import { statsAggregateTests } from './stats-aggregate.js';
import { storeBehaviourTests } from './store-behaviour.js';

storeBehaviourTests('sqlite (file)', sqliteFileFixture);
statsAggregateTests('sqlite (file)', sqliteFileFixture);
staffToolsMigrationTests('sqlite (file)', sqliteFileFixture);
listColumnsMigrationTests('sqlite (file)', sqliteFileFixture);
