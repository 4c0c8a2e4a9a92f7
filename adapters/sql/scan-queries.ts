/**
 * The scheduled-work scans over `tickets`: SLA alert claims and the stale (auto-close)
 * scan. Written once for every dialect, in the form its capabilities allow.
 */
import { sql } from 'kysely';
import { SLA_ALERTS, SLA_TARGETS, slaAlertDueAt, slaAlertFields } from '../../src/sla/sla-fields.js';
import type { ScheduledWorkProbe, SlaAlertKind } from '../../src/store.js';
import type { Status, Ticket } from '../../src/types.js';
import { lockRows, type QueryContext } from './query-context.js';
import { SLA_COLUMNS, TICKET_COLUMNS, ticketFromRow } from './row-mappers.js';

/** The columns of an alert: where it is due and where its claim is recorded (from `sla-fields.ts`). */
function alertColumns(alert: SlaAlertKind): { due: 'first_response_due_at'; claim: 'sla_first_response_breached_at' } {
  const fields = slaAlertFields(alert.target, alert.kind);
  const due = fields.due.on === 'ticket' ? TICKET_COLUMNS[fields.due.field].column : SLA_COLUMNS[fields.due.field].column;
  // Typed as one representative pair of columns: every pair is a nullable timestamp.
  return { due, claim: SLA_COLUMNS[fields.claim].column } as ReturnType<typeof alertColumns>;
}

const byId = (a: Ticket, b: Ticket) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Claims up to `limit` due, unclaimed alerts, earliest due first (ids breaking ties), and
 * returns the claimed tickets in that order. Where the dialect has `SKIP LOCKED`, the
 * candidates are picked with it and the UPDATE re-checks the claim column, so concurrent
 * scanners never claim one ticket twice; without row locks the dialect's write
 * transactions serialise the scanners.
 */
export async function claimSlaAlerts(
  ctx: QueryContext,
  tenantId: string,
  alert: SlaAlertKind,
  now: Date,
  limit: number,
): Promise<Ticket[]> {
  const { due, claim } = alertColumns(alert);
  const at = ctx.hooks.toDate(now);
  const candidates = lockRows(
    ctx,
    ctx.db
      .selectFrom('tickets as c')
      .select('c.id')
      .where('c.tenant_id', '=', tenantId)
      .where('c.deleted_at', 'is', null)
      .where(`c.${due}`, '<=', at)
      .where(`c.${claim}`, 'is', null)
      .orderBy(`c.${due}`)
      .orderBy('c.id')
      .limit(limit),
    'skip',
  );
  const set = { [claim]: at, version: sql<number>`${sql.ref('version')} + 1` };
  let rows: Record<string, unknown>[];
  if (ctx.hooks.capabilities.returning) {
    // The candidates in a MATERIALIZED CTE: as a plain `IN (subquery … LIMIT … SKIP
    // LOCKED)` Postgres may run the subquery more than once and claim past the limit.
    rows = await ctx.db
      .with((cte) => cte('candidates').materialized(), () => candidates)
      .updateTable('tickets')
      .set(set)
      .where('tenant_id', '=', tenantId)
      .where('id', 'in', (eb) => eb.selectFrom('candidates').select('candidates.id'))
      .where(claim, 'is', null)
      .returningAll()
      .execute();
  } else {
    // Pick (and lock) the ids, update them, read them back: all in the caller's transaction.
    const ids = (await candidates.execute()).map((r) => r.id);
    if (ids.length === 0) return [];
    await ctx.db.updateTable('tickets').set(set).where('tenant_id', '=', tenantId).where('id', 'in', ids).where(claim, 'is', null).execute();
    rows = await ctx.db.selectFrom('tickets').selectAll().where('tenant_id', '=', tenantId).where('id', 'in', ids).execute();
  }
  // RETURNING gives no order: hand the claims back in the candidate scan's order.
  const dueAt = (t: Ticket) => slaAlertDueAt(t, alert.target, alert.kind)?.getTime() ?? 0;
  return rows.map((row) => ticketFromRow(ctx.hooks, row)).sort((a, b) => dueAt(a) - dueAt(b) || byId(a, b));
}

/** Non-deleted tickets in `statuses` unchanged since before `before`, oldest first (ids breaking ties). */
export async function listStale(
  ctx: QueryContext,
  tenantId: string,
  statuses: readonly Status[],
  before: Date,
  limit: number,
): Promise<Ticket[]> {
  if (statuses.length === 0) return [];
  const rows = await ctx.db
    .selectFrom('tickets as t')
    .selectAll('t')
    .where('t.tenant_id', '=', tenantId)
    .where('t.deleted_at', 'is', null)
    .where('t.status', 'in', [...statuses])
    .where('t.status_changed_at', '<', ctx.hooks.toDate(before))
    .orderBy('t.status_changed_at', 'asc')
    .orderBy('t.id', 'asc')
    .limit(limit)
    .execute();
  return rows.map((row) => ticketFromRow(ctx.hooks, row));
}

/**
 * What scheduled work has to do, in one read-only statement of `EXISTS` probes, each an
 * index seek (the claim indexes of the SLA alerts, `outbox_undelivered_idx`): an idle
 * `runScheduledWork` then opens no write transaction (on SQLite four `BEGIN IMMEDIATE`s
 * per call before).
 */
export async function probeScheduledWork(
  ctx: QueryContext,
  tenantId: string,
  now: Date,
  undeliveredBefore: Date,
): Promise<ScheduledWorkProbe> {
  const at = ctx.hooks.toDate(now);
  const alerts = SLA_ALERTS.flatMap((kind) => SLA_TARGETS.map((target) => ({ target, kind })));
  const row = await ctx.db
    .selectNoFrom((eb) => [
      ...alerts.map((alert, i) => {
        const { due, claim } = alertColumns(alert);
        return eb
          .exists(
            eb
              .selectFrom('tickets as c')
              .select(sql<number>`1`.as('one'))
              .where('c.tenant_id', '=', tenantId)
              .where('c.deleted_at', 'is', null)
              .where(`c.${due}`, '<=', at)
              .where(`c.${claim}`, 'is', null),
          )
          .as(`a${i}`);
      }),
      eb
        .exists(
          eb
            .selectFrom('outbox as o')
            .select(sql<number>`1`.as('one'))
            .where('o.tenant_id', '=', tenantId)
            .where('o.delivered_at', 'is', null)
            .where('o.created_at', '<', ctx.hooks.toDate(undeliveredBefore)),
        )
        .as('undelivered'),
    ])
    .executeTakeFirstOrThrow();
  // Postgres answers booleans, SQLite and MySQL 0/1 (sometimes as strings).
  const yes = (value: unknown) => value === true || Number(value) === 1;
  const fields = row as Record<string, unknown>;
  return { slaAlerts: alerts.filter((_, i) => yes(fields[`a${i}`])), undelivered: yes(fields.undelivered) };
}
