/**
 * `desk.runScheduledWork`: the periodic job a host runs (every minute, from any number of
 * instances): SLA alerts, auto-close, redelivery of events a crash left behind, and the
 * sweep of attachment files a crash left without a message.
 */
import { scheduledWorkOptionsSchema } from '../schemas.js';
import type { ServiceContext } from '../service/service-context.js';
import { parseInput } from '../validate.js';
import { autoCloseStale } from './auto-close.js';
import { redeliver } from './redeliver.js';
import { sendSlaAlerts } from './sla-alerts.js';
import { sweepOrphanBlobs } from './sweep-blobs.js';

/** What one `runScheduledWork` call did. */
export interface ScheduledWorkResult {
  warnings: number;
  breaches: number;
  autoClosed: string[];
  redelivered: number;
  /** Attachment files without a row, older than an hour, removed from the blob store (0 without one). */
  orphanBlobsRemoved: number;
}

/** How long an event may wait in the outbox before another instance redelivers it. */
const REDELIVER_AFTER_MS = 60_000;

/** Runs every scheduled job once, as the system actor. */
export async function runScheduledWork(
  ctx: ServiceContext,
  options: { now?: Date; limit?: number } = {},
): Promise<ScheduledWorkResult> {
  const o = parseInput(scheduledWorkOptionsSchema, options, 'scheduled work options');
  const now = o.now ?? ctx.clock();
  const limit = o.limit ?? 500;
  const undeliveredBefore = new Date(now.getTime() - REDELIVER_AFTER_MS);
  // Read only: with nothing due, the run opens no write transaction.
  const due = await ctx.store.probeScheduledWork(ctx.tenantId, now, undeliveredBefore);
  const { warnings, breaches } = due.slaAlerts.length > 0 ? await sendSlaAlerts(ctx, now, limit, due.slaAlerts) : { warnings: 0, breaches: 0 };
  const autoClosed = await autoCloseStale(ctx, now, limit);
  const redelivered = due.undelivered ? await redeliver(ctx, undeliveredBefore, limit) : 0;
  const orphanBlobsRemoved = await sweepOrphanBlobs(ctx, now, limit);
  return { warnings, breaches, autoClosed, redelivered, orphanBlobsRemoved };
}
