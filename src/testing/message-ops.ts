/** Contract tests (issue 9, helper M): stub from the foundation, to be filled in. */
import type { ContractOptions } from './harness.js';

/** Registers this group's tests. */
export function messageOpsTests(_o: ContractOptions): void {}
