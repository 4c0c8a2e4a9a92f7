import { sqliteMemoryFixture } from './stores.js';
import { storeBehaviourTests } from './store-behaviour.js';

storeBehaviourTests('sqlite (:memory:)', sqliteMemoryFixture);
