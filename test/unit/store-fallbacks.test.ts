/**
 * A store that implements every optional method of the store interface is called
 * directly: `withStoreFallbacks` hands it back as it is, with no proxy in front of every
 * call (the memory store, which host test suites run thousands of calls on).
 */
import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../adapters/memory/index.js';
import { withStoreFallbacks } from '../../src/store-fallbacks.js';

describe('withStoreFallbacks', () => {
  it('hands a store with every optional method back unwrapped', () => {
    const store = memoryStore();
    expect(withStoreFallbacks(store)).toBe(store);
  });
});
