/** Contract tests (issue 9, helper S): stub from the foundation, to be filled in. */
import type { ContractOptions } from './harness.js';

/** Registers this group's tests. */
export function staffStateTests(_o: ContractOptions): void {}
