/** Contract: stats over any window, equal to an independent count. */
import type { ContractOptions } from './harness.js';

export function statsWindowTests(o: ContractOptions): void {
  void o;
}
