/**
 * Contract: exact event delivery through desk.dispatcher (handlers, retries, parking, several instances).
 */
import type { ContractOptions } from './harness.js';

export function dispatchTests(_o: ContractOptions): void {
  // Filled in by the issue 11 work.
}
