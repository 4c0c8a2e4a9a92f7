/** Contract tests (issue 9, helper R): stub from the foundation, to be filled in. */
import type { ContractOptions } from './harness.js';

/** Registers this group's tests. */
export function addressingTests(_o: ContractOptions): void {}
