import { describe, it } from 'vitest';
import { memoryStore } from '../../adapters/memory/index.js';
import { runStoreContract } from '../../src/testing/index.js';

runStoreContract({ name: 'memory', createStore: () => memoryStore(), describe, it });
