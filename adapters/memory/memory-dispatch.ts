/**
 * The dispatcher's queue on the memory store: claims with a lease, outcomes fenced by
 * the claim's attempt count, parked events and their requeue. Each function runs under
 * the store's mutex (`MemoryStore.#write`), so a claim is atomic.
 */
import type { DispatchClaim, DispatchOutcome, ParkedEvent } from '../../src/store.js';
import { copy, key, type DispatchRow, type MemoryState } from './memory-state.js';

/** The event of `row` as the outbox holds it (a copy). */
function eventOf(state: MemoryState, row: DispatchRow) {
  const { tenantId: _t, deliveredAt: _d, ...event } = state.outbox.get(key(row.tenantId, row.id))!;
  return copy(event);
}

export function claimDispatch(state: MemoryState, tenantId: string, now: Date, leaseUntil: Date, limit: number): DispatchClaim[] {
  const due: DispatchRow[] = [];
  for (const k of state.queued) {
    const row = state.dispatch.get(k)!;
    if (row.tenantId === tenantId && row.dispatchAt! <= now) due.push(row);
  }
  // Earliest due first, insertion order breaking ties.
  due.sort((a, b) => a.dispatchAt!.getTime() - b.dispatchAt!.getTime() || a.position - b.position);
  return due.slice(0, limit).map((row) => {
    row.attempts += 1;
    row.dispatchAt = new Date(leaseUntil.getTime());
    return { ...eventOf(state, row), attempts: row.attempts, handled: [...row.handled] };
  });
}

export function finishDispatch(state: MemoryState, tenantId: string, outcomes: readonly DispatchOutcome[]): void {
  for (const outcome of outcomes) {
    const k = key(tenantId, outcome.id);
    const row = state.dispatch.get(k);
    // Fenced: only the latest claim, while it still holds the event, decides.
    if (!row || row.attempts !== outcome.attempts || row.dispatchAt?.getTime() !== outcome.leaseUntil.getTime()) continue;
    row.handled = [...outcome.handled];
    if (outcome.result === 'delivered') {
      row.dispatchAt = null;
      row.dispatchedAt = new Date(outcome.at.getTime());
      state.queued.delete(k);
    } else if (outcome.result === 'retry') {
      row.dispatchAt = new Date((outcome.retryAt ?? outcome.at).getTime());
      row.lastError = outcome.error ?? null;
    } else {
      row.dispatchAt = null;
      row.parkedAt = new Date(outcome.at.getTime());
      row.lastError = outcome.error ?? null;
      state.queued.delete(k);
    }
  }
}

export function listParked(state: MemoryState, tenantId: string, limit: number, after?: number): ParkedEvent[] {
  return [...state.dispatch.values()]
    .filter((row) => row.tenantId === tenantId && row.parkedAt !== null && (after === undefined || row.position > after))
    .sort((a, b) => a.position - b.position)
    .slice(0, limit)
    .map((row) => ({
      ...eventOf(state, row),
      position: row.position,
      attempts: row.attempts,
      handled: [...row.handled],
      parkedAt: new Date(row.parkedAt!.getTime()),
      lastError: row.lastError,
    }));
}

export function requeueParked(state: MemoryState, tenantId: string, ids: readonly string[] | null, now: Date): number {
  const rows =
    ids === null
      ? [...state.dispatch.values()].filter((row) => row.tenantId === tenantId)
      : ids.map((id) => state.dispatch.get(key(tenantId, id))).filter((row): row is DispatchRow => row !== undefined);
  let count = 0;
  for (const row of new Set(rows)) {
    if (row.parkedAt === null) continue;
    row.parkedAt = null;
    row.attempts = 0;
    row.dispatchAt = new Date(now.getTime());
    state.queued.add(key(tenantId, row.id));
    count += 1;
  }
  return count;
}
