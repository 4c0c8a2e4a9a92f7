/** Contract: full-text search: phrases, prefixes, folding, CJK, visibility, ranking and paging. */
import type { ContractOptions } from './harness.js';

export function searchTests(o: ContractOptions): void {
  void o;
}
