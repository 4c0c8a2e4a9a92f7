import { POSTGRES_IS_REAL, postgresFixture } from './stores.js';
import { listColumnsMigrationTests } from './list-columns-migration.js';
import { staffToolsMigrationTests } from './staff-tools-migration.js';
import { statsAggregateTests } from './stats-aggregate.js';
import { storeBehaviourTests } from './store-behaviour.js';

storeBehaviourTests(POSTGRES_IS_REAL ? 'postgres' : 'postgres (PGlite)', postgresFixture);
statsAggregateTests(POSTGRES_IS_REAL ? 'postgres' : 'postgres (PGlite)', postgresFixture);
staffToolsMigrationTests(POSTGRES_IS_REAL ? 'postgres' : 'postgres (PGlite)', postgresFixture);
listColumnsMigrationTests(POSTGRES_IS_REAL ? 'postgres' : 'postgres (PGlite)', postgresFixture);
