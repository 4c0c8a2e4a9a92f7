/**
 * The dispatcher's queue on the memory store: claims with a lease, outcomes fenced by
 * the claim's attempt count, parked events and their requeue. Each function runs under
 * the store's mutex (`MemoryStore.#write`), so a claim is atomic.
 */
import { InternalError } from '../../src/errors.js';
import type { DispatchClaim, DispatchOutcome, ParkedEvent } from '../../src/store.js';
import type { MemoryState } from './memory-state.js';

const notYet = (name: string) => new InternalError(`memoryStore.${name} is not implemented yet`);

export function claimDispatch(_state: MemoryState, _tenantId: string, _now: Date, _leaseUntil: Date, _limit: number): DispatchClaim[] {
  throw notYet('claimDispatch');
}

export function finishDispatch(_state: MemoryState, _tenantId: string, _outcomes: readonly DispatchOutcome[]): void {
  throw notYet('finishDispatch');
}

export function listParked(_state: MemoryState, _tenantId: string, _limit: number, _after?: number): ParkedEvent[] {
  throw notYet('listParked');
}

export function requeueParked(_state: MemoryState, _tenantId: string, _ids: readonly string[] | null, _now: Date): number {
  throw notYet('requeueParked');
}
