/**
 * Auto-close: a resolved or pending ticket with no customer answer for
 * `config.autoCloseAfterHours` is closed by the system, with a system note.
 */
import { notifyForStatus } from '../events/notify.js';
import { applyPatch } from '../service/apply-patch.js';
import { writeAudit, writeSystemNote } from '../service/records.js';
import type { ServiceContext } from '../service/service-context.js';
import { runWrite } from '../service/write.js';
import { AUTO_CLOSE_STATUSES } from '../status-machine.js';
import type { StoreScope } from '../store.js';
import type { Actor } from '../types.js';

const SYSTEM: Actor = { kind: 'system' };

/** Closes stale tickets (at most `limit`); returns the ids closed. */
export async function autoCloseStale(ctx: ServiceContext, now: Date, limit: number): Promise<string[]> {
  const hours = ctx.config.autoCloseAfterHours;
  if (hours === null) return [];
  const before = new Date(now.getTime() - hours * 3_600_000);
  const stale = await ctx.store.listStale(ctx.tenantId, AUTO_CLOSE_STATUSES, before, limit);
  const closed: string[] = [];
  for (const candidate of stale) {
    const id = await autoClose(ctx, candidate.id, before, hours, now);
    if (id) closed.push(id);
  }
  return closed;
}

async function autoClose(
  ctx: ServiceContext,
  ticketId: string,
  before: Date,
  hours: number,
  now: Date,
): Promise<string | null> {
  return runWrite(ctx, async (tx, events) => {
    const scope: StoreScope = { tenantId: ctx.tenantId, visibility: 'staff' };
    const ticket = await tx.lockTicket(scope, ticketId);
    // Re-check under the lock: another instance or a reply may have got there first.
    if (!ticket || !AUTO_CLOSE_STATUSES.includes(ticket.status) || ticket.statusChangedAt >= before) return null;
    const next = await applyPatch(ctx, tx, ticket, { updatedAt: now }, 'closed', now);
    await writeSystemNote(ctx, tx, ticket.id, { kind: 'auto_closed', afterHours: hours }, now);
    await writeAudit(ctx, tx, SYSTEM, ticket.id, 'auto_closed', {}, now, {
      status: { from: ticket.status, to: 'closed' },
    });
    await events.add('ticket.status_changed', next, SYSTEM, now, {
      from: ticket.status,
      to: 'closed',
      notify: notifyForStatus(next, SYSTEM, false),
    });
    return ticket.id;
  });
}
