/**
 * SLA warnings and breaches: claims the tickets whose warn or due time has come (each
 * exactly once across instances), records a breach as a missed target, and announces it.
 */
import { notifySla } from '../events/notify.js';
import { SLA_ALERTS, SLA_FIELDS, SLA_TARGETS, type SlaTarget } from '../sla/sla-fields.js';
import type { SlaAlertKind, StoreTx } from '../store.js';
import type { Actor, Ticket } from '../types.js';
import { staleTicket } from '../service/request-guards.js';
import { writeAudit } from '../service/records.js';
import type { ServiceContext } from '../service/service-context.js';
import { runWrite } from '../service/write.js';

const SYSTEM: Actor = { kind: 'system' };

/**
 * Claims and announces the due SLA alerts among `alerts` (default: all), one write
 * transaction per alert; returns how many warnings and breaches.
 */
export async function sendSlaAlerts(
  ctx: ServiceContext,
  now: Date,
  limit: number,
  alerts: readonly SlaAlertKind[] = SLA_ALERTS.flatMap((kind) => SLA_TARGETS.map((target) => ({ target, kind }))),
): Promise<{ warnings: number; breaches: number }> {
  const result = { warnings: 0, breaches: 0 };
  for (const { kind, target } of alerts) {
    const n = await runWrite(ctx, async (tx, events) => {
      const claimed = await tx.claimSlaAlerts(ctx.tenantId, { target, kind }, now, limit);
      for (let ticket of claimed) {
        if (kind === 'breach') ticket = await markMissed(ctx, tx, ticket, target);
        const dueAt = alertDue(ticket, target, now);
        await writeAudit(ctx, tx, SYSTEM, ticket.id, kind === 'warning' ? 'sla_warning' : 'sla_breached', {}, now, {
          [target]: { from: null, to: dueAt },
        });
        await events.add(kind === 'warning' ? 'sla.warning' : 'sla.breached', ticket, SYSTEM, now, {
          target,
          dueAt,
          notify: notifySla(ticket),
        });
      }
      return claimed.length;
    });
    if (kind === 'warning') result.warnings += n;
    else result.breaches += n;
  }
  return result;
}

/** A breached target can no longer be met: record it, so compliance counts it as missed. */
async function markMissed(ctx: ServiceContext, tx: StoreTx, ticket: Ticket, target: SlaTarget): Promise<Ticket> {
  const metKey = SLA_FIELDS[target].met;
  if (ticket.sla[metKey] === false) return ticket;
  const sla = { ...ticket.sla, [metKey]: false };
  const ok = await tx.updateTicket(ctx.tenantId, ticket.id, ticket.version, { sla });
  if (!ok) throw staleTicket(ticket, ticket.version);
  return { ...ticket, sla, version: ticket.version + 1 };
}

/** When the target breaches (or breached): the `dueAt` of both alert kinds. */
function alertDue(ticket: Ticket, target: SlaTarget, now: Date): Date {
  return ticket[SLA_FIELDS[target].due] ?? now;
}
