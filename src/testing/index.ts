/**
 * The store contract suite: every rule of ticketry's design, run through the service
 * against a store. ticketry's own stores run it; a third-party store certifies itself the
 * same way:
 *
 * ```ts
 * import { describe, it } from 'vitest';
 * import { runStoreContract } from 'ticketry/testing';
 * runStoreContract({ name: 'my store', createStore: () => myStore(), describe, it });
 * ```
 *
 * Assertions use `node:assert`, so any test runner with `describe`/`it` works.
 */
import { addressingTests } from './addressing.js';
import { atomicityTests } from './atomicity.js';
import { attachmentTests } from './attachments.js';
import { bulkTests } from './bulk.js';
import { customerViewTests } from './customer-view.js';
import { dispatchTests } from './dispatch.js';
import { emailIntakeTests } from './email-intake.js';
import { emailOutTests } from './email-out.js';
import type { TicketStore } from '../store.js';
import type { ContractOptions } from './harness.js';
import { lifecycleTests } from './lifecycle.js';
import { listTests } from './lists.js';
import { listCountTests } from './list-counts.js';
import { lockTests } from './locks.js';
import { mergeSplitTests } from './merge-split.js';
import { messageOpsTests } from './message-ops.js';
import { policyTests } from './policy.js';
import { renderingTests } from './rendering.js';
import { routingTests } from './routing.js';
import { ruleTests } from './rules.js';
import { scopeTests } from './scope.js';
import { searchTests } from './search.js';
import { serviceInputTests } from './service-inputs.js';
import { slaScanTests } from './sla-scans.js';
import { slaTests } from './sla.js';
import { staffStateTests } from './staff-state.js';
import { statsWindowTests } from './stats-windows.js';
import { storeInterfaceTests } from './store-interface.js';
import { threadTests } from './threads.js';
import { ticketTests } from './tickets.js';

export type { ContractOptions, TestFn } from './harness.js';
export type { BlobStoreFactory } from './attachment-blobs.js';
export { TestClock, TestDirectory } from './harness.js';
export { storeInterfaceTests } from './store-interface.js';
export { collectContract, type ContractRun } from './collect.js';
export {
  runBlobStoreContract,
  withBlobStore,
  chunksOf,
  readAll,
  readBlob,
  type BlobStoreContractOptions,
  type BlobKit,
} from './blob-store-contract.js';

/** Registers the whole contract suite for one store. */
export function runStoreContract<S extends TicketStore>(typed: ContractOptions<S>): void {
  // The suite only calls the store through TicketStore; S is for the host's callbacks.
  const options = typed as unknown as ContractOptions;
  options.describe(`store contract: ${options.name}`, () => {
    storeInterfaceTests(options);
    ticketTests(options);
    scopeTests(options);
    threadTests(options);
    ruleTests(options);
    listTests(options);
    atomicityTests(options);
    slaTests(options);
    slaScanTests(options);
    customerViewTests(options);
    serviceInputTests(options);
    renderingTests(options);
    messageOpsTests(options);
    mergeSplitTests(options);
    lockTests(options);
    staffStateTests(options);
    lifecycleTests(options);
    bulkTests(options);
    routingTests(options);
    policyTests(options);
    addressingTests(options);
    attachmentTests(options);
    dispatchTests(options);
    emailIntakeTests(options);
    emailOutTests(options);
    searchTests(options);
    statsWindowTests(options);
    listCountTests(options);
  });
}
