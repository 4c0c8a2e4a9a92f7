/**
 * The exported contract suite certifies: a memory store with any one of the planted bugs
 * fails it, in the test meant to catch that bug, while the memory store itself passes.
 * The store-level half of the suite runs (where every planted bug lives); it calls the
 * store directly and takes well under a second per store.
 */
import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../adapters/memory/index.js';
import { collectContract, storeInterfaceTests } from '../../src/testing/index.js';
import { PLANTED_BUGS } from './planted-bugs.js';

const describeError = (error: unknown) => (error instanceof Error ? error.message.split('\n')[0] : String(error));

describe('the contract suite certifies stores', () => {
  it('passes on the memory store itself (so a failure below is the planted bug)', async () => {
    const run = await collectContract(storeInterfaceTests, { name: 'memory', createStore: () => memoryStore() });
    expect(run.failed.map((f) => `${f.name}: ${describeError(f.error)}`)).toStrictEqual([]);
    expect(run.passed.length).toBeGreaterThanOrEqual(20);
  });

  for (const { bug, createStore, caughtBy } of PLANTED_BUGS) {
    it(`fails for a store where ${bug}`, async () => {
      const run = await collectContract(storeInterfaceTests, { name: bug, createStore });
      const failed = run.failed.map((f) => f.name);
      expect(failed.length, `no contract test failed for: ${bug}`).toBeGreaterThan(0);
      expect(failed.some((name) => name.includes(caughtBy)), `expected "${caughtBy}" among ${JSON.stringify(failed)}`).toBe(true);
    });
  }
});
