/** Contract: the reply counts and last reply times of list rows, through every message change. */
import type { ContractOptions } from './harness.js';

export function listCountTests(o: ContractOptions): void {
  void o;
}
