/** Contract tests (issue 9, helper L): stub from the foundation, to be filled in. */
import type { ContractOptions } from './harness.js';

/** Registers this group's tests. */
export function lifecycleTests(_o: ContractOptions): void {}
