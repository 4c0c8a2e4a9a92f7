/**
 * The store-level half of the contract suite: every rule of the store interface, checked
 * by calling the store directly, so a store bug cannot hide behind the service.
 */
import type { ContractOptions } from './harness.js';
import { storeAttachmentTests } from './store-attachments.js';
import { storeDispatchTests } from './store-dispatch.js';
import { storeOptionalTests } from './store-optional.js';
import { storeOutboxTests } from './store-outbox.js';
import { storeReadTests } from './store-reads.js';
import { storeScanTests } from './store-scans.js';
import { storeStaffToolTests } from './store-staff-tools.js';
import { storeStatsTests } from './store-stats.js';
import { storeUpdateTests } from './store-updates.js';
import { storeWriteTests } from './store-writes.js';

/** Registers the store-level contract tests (part of `runStoreContract`). */
export function storeInterfaceTests(options: ContractOptions): void {
  storeWriteTests(options);
  storeUpdateTests(options);
  storeReadTests(options);
  storeScanTests(options);
  storeOutboxTests(options);
  storeStatsTests(options);
  storeOptionalTests(options);
  storeStaffToolTests(options);
  storeAttachmentTests(options);
  storeDispatchTests(options);
}
