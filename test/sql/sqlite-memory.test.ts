import { sqliteMemoryFixture } from './stores.js';
import { listColumnsMigrationTests } from './list-columns-migration.js';
import { staffToolsMigrationTests } from './staff-tools-migration.js';
import { statsAggregateTests } from './stats-aggregate.js';
import { storeBehaviourTests } from './store-behaviour.js';

storeBehaviourTests('sqlite (:memory:)', sqliteMemoryFixture);
statsAggregateTests('sqlite (:memory:)', sqliteMemoryFixture);
staffToolsMigrationTests('sqlite (:memory:)', sqliteMemoryFixture);
listColumnsMigrationTests('sqlite (:memory:)', sqliteMemoryFixture);
