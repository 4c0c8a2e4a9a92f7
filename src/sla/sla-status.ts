/**
 * A ticket's SLA state as a host shows it: per target, whether its clock is running,
 * paused, met or missed, and the due time. Derived from the stored fields; no store access.
 */
import { PAUSED_STATUSES, isDone } from '../status-machine.js';
import { requireDate, requireObject } from '../guard.js';
import type { Ticket } from '../types.js';

/** Where one SLA target of a ticket stands. */
export interface SlaTargetStatus {
  /**
   * `none`: no target applies. `running`: the clock runs toward `dueAt`. `paused`: the
   * ticket waits (pending, on hold) with `remainingMinutes` left. `met` / `missed`: the
   * target was reached in time / late. `stopped`: resolved without a response (first
   * response only).
   */
  state: 'none' | 'running' | 'paused' | 'met' | 'missed' | 'stopped';
  dueAt: Date | null;
  /** Open minutes left while paused; negative when already overdue. */
  remainingMinutes: number | null;
  /** Whether the due time has passed (at `now`) or was claimed as breached by a scan. */
  breached: boolean;
}

/** The SLA state of both targets of `ticket` at `now`. */
export function slaStatus(
  ticket: Ticket,
  now: Date,
): { firstResponse: SlaTargetStatus; resolution: SlaTargetStatus; paused: boolean } {
  requireObject(ticket, 'ticket', 'slaStatus');
  requireObject(ticket.sla, 'ticket.sla', 'slaStatus');
  requireDate(now, 'now', 'slaStatus');
  const paused = PAUSED_STATUSES.includes(ticket.status);
  const target = (
    dueAt: Date | null,
    remaining: number | null,
    met: boolean | null,
    breachedAt: Date | null,
    reached: boolean,
  ): SlaTargetStatus => {
    const breached = breachedAt !== null || (dueAt !== null && dueAt <= now) || met === false;
    if (reached) {
      const state = met === null ? 'none' : met ? 'met' : 'missed';
      return { state, dueAt: null, remainingMinutes: null, breached };
    }
    if (dueAt) return { state: 'running', dueAt, remainingMinutes: null, breached };
    if (remaining !== null) {
      return { state: paused ? 'paused' : 'stopped', dueAt: null, remainingMinutes: remaining, breached: breached || remaining < 0 };
    }
    return { state: 'none', dueAt: null, remainingMinutes: null, breached };
  };
  return {
    paused,
    firstResponse: target(
      ticket.firstResponseDueAt,
      ticket.sla.firstResponseRemaining,
      ticket.sla.firstResponseMet,
      ticket.sla.firstResponseBreachedAt,
      ticket.firstResponseAt !== null,
    ),
    resolution: target(
      ticket.resolutionDueAt,
      ticket.sla.resolutionRemaining,
      ticket.sla.resolutionMet,
      ticket.sla.resolutionBreachedAt,
      isDone(ticket.status),
    ),
  };
}
