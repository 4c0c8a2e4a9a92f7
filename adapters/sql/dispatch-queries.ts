/**
 * The dispatcher's queue on the `outbox`: claims with a lease (`FOR UPDATE SKIP LOCKED`
 * where the dialect has it), outcomes fenced by the claim's attempt count, parked events
 * and their requeue.
 */
import { InternalError } from '../../src/errors.js';
import type { DispatchClaim, DispatchOutcome, ParkedEvent } from '../../src/store.js';
import type { QueryContext } from './query-context.js';

const notYet = (name: string) => new InternalError(`SQL ${name} is not implemented yet`);

export async function claimDispatch(
  _ctx: QueryContext,
  _tenantId: string,
  _now: Date,
  _leaseUntil: Date,
  _limit: number,
): Promise<DispatchClaim[]> {
  throw notYet('claimDispatch');
}

export async function finishDispatch(_ctx: QueryContext, _tenantId: string, _outcomes: readonly DispatchOutcome[]): Promise<void> {
  throw notYet('finishDispatch');
}

export async function listParked(_ctx: QueryContext, _tenantId: string, _limit: number, _after?: number): Promise<ParkedEvent[]> {
  throw notYet('listParked');
}

export async function requeueParked(_ctx: QueryContext, _tenantId: string, _ids: readonly string[] | null, _now: Date): Promise<number> {
  throw notYet('requeueParked');
}
