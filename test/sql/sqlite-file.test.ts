import { sqliteFileFixture } from './stores.js';
import { storeBehaviourTests } from './store-behaviour.js';

storeBehaviourTests('sqlite (file)', sqliteFileFixture);
