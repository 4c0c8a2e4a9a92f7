/** The service-level dispatch contract (src/testing/dispatch.ts) on every store, two instances on separate handles. */
import { describe, it } from 'vitest';
import { dispatchTests } from '../../src/testing/dispatch.js';
import { storeTargets } from '../sql/store-targets.js';

for (const target of storeTargets()) {
  describe(`dispatch: ${target.name}`, () => dispatchTests({ ...target, describe, it }));
}
