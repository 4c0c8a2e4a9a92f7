import { POSTGRES_IS_REAL, postgresFixture } from './stores.js';
import { storeBehaviourTests } from './store-behaviour.js';

storeBehaviourTests(POSTGRES_IS_REAL ? 'postgres' : 'postgres (PGlite)', postgresFixture);
