/**
 * Store contract, on the interface: the dispatcher's queue (claims with a lease, fenced outcomes, parked events).
 */
import type { ContractOptions } from './harness.js';

export function storeDispatchTests(_o: ContractOptions): void {
  // Filled in by the issue 11 work.
}
