/**
 * Contract: email out (desk.emailFor): recipients, threading headers, templates, never an internal note to a customer.
 */
import type { ContractOptions } from './harness.js';

export function emailOutTests(_o: ContractOptions): void {
  // Filled in by the issue 11 work.
}
