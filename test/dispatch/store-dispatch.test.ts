/** The store-level dispatch contract (src/testing/store-dispatch.ts) on every store, with a real second instance. */
import { describe, it } from 'vitest';
import { storeDispatchTests } from '../../src/testing/store-dispatch.js';
import { dispatchTargets } from './targets.js';

for (const target of dispatchTargets()) {
  describe(`store dispatch: ${target.name}`, () => storeDispatchTests({ ...target, describe, it }));
}
