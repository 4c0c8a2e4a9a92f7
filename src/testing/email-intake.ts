/**
 * Contract: email intake (desk.ingestEmail): new tickets, threaded replies, duplicates, auto-replies, unknown senders.
 */
import type { ContractOptions } from './harness.js';

export function emailIntakeTests(_o: ContractOptions): void {
  // Filled in by the issue 11 work.
}
