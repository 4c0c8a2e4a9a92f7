/**
 * The orphan sweep: blobs of this tenant that no attachment row refers to and that are
 * older than an hour are what a crash (between writing the files and committing their
 * message), a host transaction rolled back after ticketry's write, or a failed clean-up
 * left behind. Younger blobs are left alone: they may belong to a message being written
 * right now.
 *
 * Each run looks at a bounded number of keys, continuing where the previous run of this
 * service instance stopped and starting over after the last key, so a tenant with many
 * files is covered over several runs without any run listing them all.
 */
import { blobKey } from '../blobs/blob-key.js';
import type { BlobStore } from '../blobs/blob-store.js';
import type { ServiceContext } from '../service/service-context.js';

/** How old an unreferenced blob must be before the sweep removes it. */
export const ORPHAN_AFTER_MS = 60 * 60 * 1000;

/** Keys listed per page. */
const PAGE = 200;

/** Where each service instance's sweep stopped (the last key looked at). */
const cursors = new WeakMap<ServiceContext, string>();

/** The key prefix of this tenant's blobs: `<tenant hash>/`. */
export function tenantBlobPrefix(tenantId: string): string {
  return `${blobKey(tenantId, 'x', new Date(0)).split('/')[0]!}/`;
}

/**
 * Removes up to `limit` orphan blobs of the tenant, looking at no more than `10 × limit`
 * keys; returns how many it removed. Without a blob store there is nothing to sweep.
 *
 * @param now The scheduled work's instant: blobs written before `now - 1 hour` may go.
 */
export async function sweepOrphanBlobs(ctx: ServiceContext, now: Date, limit: number): Promise<number> {
  const blobs = ctx.blobs;
  if (!blobs) return 0;
  const prefix = tenantBlobPrefix(ctx.tenantId);
  const cutoff = now.getTime() - ORPHAN_AFTER_MS;
  const budget = limit * 10;
  let seen = 0;
  let removed = 0;
  let after = cursors.get(ctx);
  let wrapped = after === undefined;
  while (removed < limit && seen < budget) {
    const keys = await blobs.list(prefix, { ...(after !== undefined ? { after } : {}), limit: Math.min(PAGE, budget - seen) });
    if (keys.length === 0) {
      // The end: start over from the first key, once per run.
      if (wrapped) {
        after = undefined;
        break;
      }
      wrapped = true;
      after = undefined;
      continue;
    }
    seen += keys.length;
    after = keys[keys.length - 1];
    removed += await removeOrphans(ctx, blobs, keys, cutoff, limit - removed);
  }
  if (after === undefined) cursors.delete(ctx);
  else cursors.set(ctx, after);
  return removed;
}

/** Of `keys`, removes (up to `max`) those without a row written before `cutoff`. */
async function removeOrphans(ctx: ServiceContext, blobs: BlobStore, keys: readonly string[], cutoff: number, max: number): Promise<number> {
  const referenced = await ctx.store.attachmentKeysExist(ctx.tenantId, keys);
  let removed = 0;
  for (const key of keys) {
    if (removed >= max) break;
    if (referenced.has(key)) continue;
    const stat = await blobs.stat(key);
    if (!stat || stat.createdAt.getTime() > cutoff) continue;
    await blobs.delete(key);
    removed++;
  }
  return removed;
}
