/** The store-level dispatch contract (src/testing/store-dispatch.ts) on every store, with a real second instance. */
import { describe, it } from 'vitest';
import { storeDispatchTests } from '../../src/testing/store-dispatch.js';
import { storeTargets } from '../sql/store-targets.js';

for (const target of storeTargets()) {
  describe(`store dispatch: ${target.name}`, () => storeDispatchTests({ ...target, describe, it }));
}
