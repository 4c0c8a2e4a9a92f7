/**
 * One round of the dispatcher: claim due events with a lease, hand each to every handler
 * that has not yet succeeded for it, and record what became of it (delivered, retried at
 * a backoff, or parked), fenced by the claim so a stale claimer changes nothing.
 */
import type { ServiceContext } from '../service/service-context.js';
import type { DispatchClaim, DispatchOutcome } from '../store.js';
import { backoffMs, type ResolvedDispatcherOptions } from './dispatcher-options.js';
import type { TicketEvent } from './event-types.js';
import { fromOutbox } from './outbox-codec.js';

/** What one round did. */
export interface BatchResult {
  claimed: number;
  delivered: number;
  retried: number;
  parked: number;
  /** The earliest retry this round scheduled (on the service clock), or null. */
  nextRetryAt: Date | null;
}

/** The most of an error's text kept in `last_error`. */
const MAX_ERROR_TEXT = 2000;

/** Thrown into a handler's place when the batch has run out of its lease. */
class LeaseRunningOut extends Error {
  override readonly name = 'LeaseRunningOut';
}

const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : typeof error === 'string' ? error : JSON.stringify(error) ?? String(error);

/** Claims one batch, runs it, records the outcomes. */
export async function dispatchBatch(ctx: ServiceContext, options: ResolvedDispatcherOptions): Promise<BatchResult> {
  const now = ctx.clock();
  const leaseUntil = new Date(now.getTime() + options.leaseMs);
  const claims = await ctx.store.claimDispatch(ctx.tenantId, now, leaseUntil, options.batchSize);
  const result: BatchResult = { claimed: claims.length, delivered: 0, retried: 0, parked: 0, nextRetryAt: null };
  if (claims.length === 0) return result;

  // The batch must be recorded while its lease holds, or another instance may claim the
  // events again: a handler still running at 90% of the lease is given up on (it is
  // retried; its late success cannot be recorded). Real time, since the lease is too.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const leaseOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new LeaseRunningOut(`the batch ran out of its ${options.leaseMs} ms lease`)), options.leaseMs * 0.9);
  });
  leaseOut.catch(() => undefined);
  let outcomes: Handled[];
  try {
    outcomes = await mapLimit(claims, options.concurrency, (claim) => handleClaim(claim, options, leaseOut));
  } finally {
    clearTimeout(timer);
  }

  const at = ctx.clock();
  const finished: DispatchOutcome[] = outcomes.map((o) => {
    if (o.undecodable) {
      result.parked += 1;
      return { id: o.id, attempts: o.attempts, leaseUntil, handled: o.handled, result: 'parked', at, error: o.error };
    }
    if (o.error === undefined) {
      result.delivered += 1;
      return { id: o.id, attempts: o.attempts, leaseUntil, handled: o.handled, result: 'delivered', at };
    }
    if (o.attempts >= options.maxAttempts) {
      result.parked += 1;
      return { id: o.id, attempts: o.attempts, leaseUntil, handled: o.handled, result: 'parked', at, error: o.error };
    }
    const retryAt = new Date(at.getTime() + backoffMs(options.backoff, o.attempts));
    if (result.nextRetryAt === null || retryAt < result.nextRetryAt) result.nextRetryAt = retryAt;
    result.retried += 1;
    return { id: o.id, attempts: o.attempts, leaseUntil, handled: o.handled, result: 'retry', at, retryAt, error: o.error };
  });
  await ctx.store.finishDispatch(ctx.tenantId, finished);
  return result;
}

/** What handling one claimed event came to. */
interface Handled {
  id: string;
  attempts: number;
  handled: string[];
  /** The failures, as text; undefined when every handler has now succeeded. */
  error?: string;
  undecodable?: boolean;
}

async function handleClaim(claim: DispatchClaim, options: ResolvedDispatcherOptions, leaseOut: Promise<never>): Promise<Handled> {
  let event: TicketEvent;
  try {
    event = fromOutbox(claim);
  } catch (error) {
    // No handler can take it, and retrying cannot help: parked at once, for an operator.
    options.onError(error, null, null);
    return { id: claim.id, attempts: claim.attempts, handled: claim.handled, undecodable: true, error: clip(`undecodable payload: ${describe(error)}`) };
  }
  const handled = [...claim.handled];
  const failures: string[] = [];
  let first = true;
  for (const [name, handler] of Object.entries(options.handlers)) {
    if (handled.includes(name)) continue;
    // Each handler its own copy, so one cannot change what another is given: the decoded
    // event for the first, a fresh decode for each further one (as cheap as a deep copy,
    // and the dispatcher's hot path: no freezing, unlike the listeners' views).
    const copy = first ? event : fromOutbox(claim);
    first = false;
    try {
      await Promise.race([Promise.resolve().then(() => handler(copy)), leaseOut]);
      handled.push(name);
    } catch (error) {
      // The others still run: a failing webhook must not hold up the email.
      failures.push(`${name}: ${describe(error)}`);
      options.onError(error, fromOutbox(claim), name);
    }
  }
  return { id: claim.id, attempts: claim.attempts, handled, ...(failures.length > 0 ? { error: clip(failures.join('; ')) } : {}) };
}

const clip = (text: string): string => (text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT - 1)}…` : text);

/** `fn` over `items`, at most `limit` at once, results in input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await fn(items[i]!);
  });
  await Promise.all(lanes);
  return results;
}
