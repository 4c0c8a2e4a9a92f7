/** Contract tests (issue 9, helper R): stub from the foundation, to be filled in. */
import type { ContractOptions } from './harness.js';

/** Registers this group's tests. */
export function routingTests(_o: ContractOptions): void {}
