/**
 * Where each SLA target keeps its state on a ticket: one table, `target × kind → field`,
 * read by the SLA clock, the service and every store (the memory store's alert claims,
 * the SQL alert queries), so a field is named in one place.
 */
import { requireObject, requireOneOf } from '../guard.js';
import type { Ticket, TicketSlaState } from '../types.js';

/** The two SLA targets a ticket is measured against. */
export type SlaTarget = 'firstResponse' | 'resolution';

/** The two alerts a target raises: a warning at a fraction of the target, a breach at its due time. */
export type SlaAlert = 'warning' | 'breach';

/** Every SLA target, in the order scans visit them. */
export const SLA_TARGETS: readonly SlaTarget[] = ['firstResponse', 'resolution'];

/** Every alert kind, in the order scans visit them (a warning precedes its breach). */
export const SLA_ALERTS: readonly SlaAlert[] = ['warning', 'breach'];

/** The fields one target uses. `due` is on the ticket itself; the rest live in `ticket.sla`. */
export interface SlaTargetFields {
  /** When the target is due (`null` once met, while paused, or without a target). */
  readonly due: 'firstResponseDueAt' | 'resolutionDueAt';
  /** Open minutes the clock has run, as of `sla.clockAt`. */
  readonly elapsed: keyof TicketSlaState & `${SlaTarget}Elapsed`;
  /** Open minutes left when the clock was paused. */
  readonly remaining: keyof TicketSlaState & `${SlaTarget}Remaining`;
  /** When the warning is due. */
  readonly warnAt: keyof TicketSlaState & `${SlaTarget}WarnAt`;
  /** When the warning was claimed (emitted once). */
  readonly warnedAt: keyof TicketSlaState & `${SlaTarget}WarnedAt`;
  /** When the breach was claimed (emitted once). */
  readonly breachedAt: keyof TicketSlaState & `${SlaTarget}BreachedAt`;
  /** Whether the target was met (`null` while undecided). */
  readonly met: keyof TicketSlaState & `${SlaTarget}Met`;
}

/** The fields of each target. */
export const SLA_FIELDS: { readonly [T in SlaTarget]: SlaTargetFields } = {
  firstResponse: {
    due: 'firstResponseDueAt',
    elapsed: 'firstResponseElapsed',
    remaining: 'firstResponseRemaining',
    warnAt: 'firstResponseWarnAt',
    warnedAt: 'firstResponseWarnedAt',
    breachedAt: 'firstResponseBreachedAt',
    met: 'firstResponseMet',
  },
  resolution: {
    due: 'resolutionDueAt',
    elapsed: 'resolutionElapsed',
    remaining: 'resolutionRemaining',
    warnAt: 'resolutionWarnAt',
    warnedAt: 'resolutionWarnedAt',
    breachedAt: 'resolutionBreachedAt',
    met: 'resolutionMet',
  },
};

/**
 * Where an alert is due and where its claim is recorded: a warning is due at
 * `sla.<target>WarnAt` and claimed in `sla.<target>WarnedAt`; a breach is due at
 * `<target>DueAt` (on the ticket) and claimed in `sla.<target>BreachedAt`.
 */
export interface SlaAlertFields {
  readonly due: { readonly on: 'ticket'; readonly field: SlaTargetFields['due'] } | { readonly on: 'sla'; readonly field: SlaTargetFields['warnAt'] };
  readonly claim: SlaTargetFields['warnedAt'] | SlaTargetFields['breachedAt'];
}

/** The fields of alert `kind` on `target`. */
export function slaAlertFields(target: SlaTarget, kind: SlaAlert): SlaAlertFields {
  requireOneOf(target, SLA_TARGETS, 'target', 'slaAlertFields');
  requireOneOf(kind, SLA_ALERTS, 'kind', 'slaAlertFields');
  const f = SLA_FIELDS[target];
  return kind === 'warning'
    ? { due: { on: 'sla', field: f.warnAt }, claim: f.warnedAt }
    : { due: { on: 'ticket', field: f.due }, claim: f.breachedAt };
}

/** When alert `kind` on `target` is due for `ticket`, or `null` if it is not pending. */
export function slaAlertDueAt(
  ticket: Pick<Ticket, 'firstResponseDueAt' | 'resolutionDueAt' | 'sla'>,
  target: SlaTarget,
  kind: SlaAlert,
): Date | null {
  const { due } = slaAlertFields(target, kind);
  requireObject(ticket, 'ticket', 'slaAlertDueAt');
  requireObject(ticket.sla, 'ticket.sla', 'slaAlertDueAt');
  return due.on === 'ticket' ? ticket[due.field] : ticket.sla[due.field];
}
