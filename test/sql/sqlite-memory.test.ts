import { sqliteMemoryFixture } from './stores.js';
import { statsAggregateTests } from './stats-aggregate.js';
import { storeBehaviourTests } from './store-behaviour.js';

storeBehaviourTests('sqlite (:memory:)', sqliteMemoryFixture);
statsAggregateTests('sqlite (:memory:)', sqliteMemoryFixture);
