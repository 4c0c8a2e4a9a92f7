/**
 * SLA clocks on tickets. Given a ticket before and after a change, computes the due times
 * and bookkeeping to store, so breach scans and sorts are index lookups.
 *
 * Model, per target (first response, resolution): the clock runs while the ticket is
 * unresolved and not paused (`pending`, `on_hold`). The ticket stores the open minutes the
 * clock has run (`sla.*Elapsed`) as of its last change (`sla.clockAt`); every change brings
 * them up to date, adding time only while the clock ran. The due time is the instant the
 * target's minutes minus the elapsed ones have passed from now, stored while the clock
 * runs and cleared while it stops (pause, resolution, first response met), so a priority
 * change, a pause, a deadline set and cleared, or a reopen all come out exact. Minutes
 * are counted on the ticket's calendar (the department's, else the policy's) for
 * business-time targets, and around the clock for calendar-time targets.
 */
import type { SlaConfig, TicketConfig } from '../config.js';
import { PAUSED_STATUSES, isDone } from '../status-machine.js';
import { addBusinessTime, businessMinutesBetween } from './business-time.js';
import { DEFAULT_CALENDAR, TWENTY_FOUR_SEVEN, type Calendar } from './calendar.js';
import { resolveDuration, type Duration, type ResolvedDuration } from './duration.js';
import { SLA_FIELDS, SLA_TARGETS, type SlaTarget } from './sla-fields.js';
import type { Ticket, TicketSlaState } from '../types.js';

export type { SlaTarget } from './sla-fields.js';

/** The ticket fields the SLA clock writes. */
export type SlaFields = Pick<Ticket, 'firstResponseDueAt' | 'resolutionDueAt' | 'sla'>;

/** The fields of a ticket the SLA clock reads. */
export type SlaInput = Pick<
  Ticket,
  'priority' | 'status' | 'department' | 'firstResponseAt' | 'deadlineAt' | 'createdAt'
> &
  Partial<SlaFields>;

/** SLA bookkeeping of a ticket that has never had a clock. */
export const EMPTY_SLA: TicketSlaState = {
  firstResponseElapsed: 0,
  resolutionElapsed: 0,
  clockAt: null,
  firstResponseRemaining: null,
  resolutionRemaining: null,
  firstResponseWarnAt: null,
  resolutionWarnAt: null,
  firstResponseWarnedAt: null,
  resolutionWarnedAt: null,
  firstResponseBreachedAt: null,
  resolutionBreachedAt: null,
  firstResponseMet: null,
  resolutionMet: null,
};

interface Target {
  minutes: number;
  calendar: Calendar;
}

type ClockState = 'running' | 'paused' | 'stopped';

function clockState(t: SlaInput, target: SlaTarget): ClockState {
  if (target === 'firstResponse' && t.firstResponseAt) return 'stopped';
  if (isDone(t.status)) return 'stopped';
  return PAUSED_STATUSES.includes(t.status) ? 'paused' : 'running';
}

/** Computes SLA clocks from a ticket's configuration. */
export class SlaClock {
  readonly #config: TicketConfig;
  readonly #sla: SlaConfig;

  constructor(config: TicketConfig) {
    this.#config = config;
    this.#sla = config.sla;
  }

  /** The calendar business-time targets of `department` count on. */
  calendarFor(department: string | null): Calendar {
    const dept = department ? this.#config.departments.find((d) => d.id === department) : undefined;
    return dept?.calendar ?? this.#sla.calendar ?? DEFAULT_CALENDAR;
  }

  /** The target for a ticket of this priority and department, or `null` when none applies. */
  #target(t: Pick<SlaInput, 'priority' | 'department'>, target: SlaTarget): Target | null {
    const duration = this.#sla.targets[t.priority]?.[target];
    if (!duration) return null;
    const { minutes, business } = this.#resolve(duration);
    return { minutes, calendar: business ? this.calendarFor(t.department) : TWENTY_FOUR_SEVEN };
  }

  /** Resolved durations, by the config's duration object, with the values they were resolved from. */
  readonly #resolved = new WeakMap<Duration, { values: [string, unknown][]; hoursPerDay: unknown; resolved: ResolvedDuration }>();

  /**
   * `resolveDuration(duration, hoursPerDay)`, validated and resolved once per duration of
   * the config (every ticket write asks for two or four): a cached result is used only
   * while the duration object still holds the same own values, so one changed in place
   * is resolved (and validated) again.
   */
  #resolve(duration: Duration): ResolvedDuration {
    const hoursPerDay = this.#sla.hoursPerDay;
    const cached = this.#resolved.get(duration);
    if (cached !== undefined && cached.hoursPerDay === hoursPerDay) {
      const keys = Object.keys(duration);
      if (keys.length === cached.values.length && cached.values.every(([k, v], i) => keys[i] === k && (duration as Record<string, unknown>)[k] === v)) {
        return cached.resolved;
      }
    }
    const resolved = resolveDuration(duration, hoursPerDay);
    this.#resolved.set(duration, { values: Object.entries(duration), hoursPerDay, resolved });
    return resolved;
  }

  /**
   * The SLA fields of `next`, a ticket as it will be after a change made at `now`;
   * `prev` is the ticket before (`null` for a new ticket).
   */
  compute(prev: SlaInput | null, next: SlaInput, now: Date): SlaFields {
    const sla: TicketSlaState = { ...EMPTY_SLA, ...(prev?.sla ?? {}), clockAt: now };
    const out: SlaFields = { firstResponseDueAt: null, resolutionDueAt: null, sla };
    for (const target of SLA_TARGETS) {
      this.#computeTarget(prev, next, now, target, out);
    }
    return out;
  }

  /** The calendar a target's clock counts on: the target's, else the department's business hours. */
  #countingCalendar(t: SlaInput, target: Target | null): Calendar {
    return target?.calendar ?? this.calendarFor(t.department);
  }

  #computeTarget(prev: SlaInput | null, next: SlaInput, now: Date, target: SlaTarget, out: SlaFields): void {
    const {
      due: dueKey,
      elapsed: elapsedKey,
      remaining: remainingKey,
      warnAt: warnKey,
      met: metKey,
    } = SLA_FIELDS[target];
    const sla = out.sla;

    const nextTarget = this.#target(next, target);
    const prevTarget = prev ? this.#target(prev, target) : null;
    const prevState = prev ? clockState(prev, target) : 'running';
    const nextState = clockState(next, target);

    // Open minutes this clock has run, brought up to now. Only running time counts, so a
    // pause, a stretch under a deadline or a priority without a target loses nothing.
    let elapsed = prev?.sla?.[elapsedKey] ?? 0;
    const since = prev?.sla?.clockAt;
    if (prev && prevState === 'running' && since) {
      elapsed += businessMinutesBetween(this.#countingCalendar(prev, prevTarget), since, now);
    }
    sla[elapsedKey] = elapsed;
    const remaining = nextTarget ? nextTarget.minutes - elapsed : null;
    const deadline = target === 'resolution' ? next.deadlineAt : null;

    // Record whether the target was met at the moment it was met: the first public staff
    // reply for first response, reaching resolved/closed for resolution.
    const metNow =
      target === 'firstResponse'
        ? next.firstResponseAt !== null && !prev?.firstResponseAt
        : nextState === 'stopped' && prevState !== 'stopped';
    if (metNow) {
      if (deadline) sla[metKey] = now.getTime() <= deadline.getTime();
      else if (remaining !== null) sla[metKey] = remaining >= 0;
    } else if (target === 'resolution' && prev && prevState === 'stopped' && nextState !== 'stopped') {
      // Reopened: the next resolution decides compliance.
      sla[metKey] = null;
    }

    if (nextState !== 'running') {
      out[dueKey] = null;
      sla[warnKey] = null;
      sla[remainingKey] = target === 'firstResponse' && next.firstResponseAt ? null : remaining;
      return;
    }
    sla[remainingKey] = null;
    const unchanged =
      prev !== null &&
      prevState === 'running' &&
      prevTarget?.minutes === nextTarget?.minutes &&
      prevTarget?.calendar === nextTarget?.calendar &&
      (target !== 'resolution' || prev.deadlineAt?.getTime() === next.deadlineAt?.getTime());
    if (unchanged) {
      // Nothing that moves the clock changed: the stored due time is still exact.
      out[dueKey] = prev[dueKey] ?? null;
      sla[warnKey] = prev.sla?.[warnKey] ?? null;
      return;
    }
    if (deadline) {
      out[dueKey] = deadline;
      const span = deadline.getTime() - next.createdAt.getTime();
      sla[warnKey] = new Date(next.createdAt.getTime() + Math.max(0, span) * this.#sla.warnAt);
      return;
    }
    if (!nextTarget || remaining === null) {
      out[dueKey] = null;
      sla[warnKey] = null;
      return;
    }
    const due = addBusinessTime(nextTarget.calendar, now, remaining);
    out[dueKey] = due;
    sla[warnKey] = addBusinessTime(nextTarget.calendar, due, -(1 - this.#sla.warnAt) * nextTarget.minutes);
  }
}
