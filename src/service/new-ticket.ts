/**
 * A ticket about to be opened (`create`, `split`): what the caller decides, and
 * everything every new ticket starts with — its id, times, version, flags, `attention`
 * and SLA clock. The number is drawn inside the transaction.
 */
import { EMPTY_SLA } from '../sla/sla-clock.js';
import { isDone } from '../status-machine.js';
import type { Actor, Ticket } from '../types.js';
import { attention } from './attention.js';
import type { ServiceContext } from './service-context.js';

/** What the operation opening a ticket decides. */
export type NewTicketFields = Pick<
  Ticket,
  | 'subject'
  | 'category'
  | 'department'
  | 'priority'
  | 'status'
  | 'subscriberId'
  | 'resellerId'
  | 'assigneeId'
  | 'firstResponseAt'
  | 'deadlineAt'
  | 'customerPriority'
  | 'waitingSince'
  | 'customerMessageAt'
  | 'addressedTo'
  | 'requesterResellerId'
> &
  Partial<Pick<Ticket, 'channel' | 'requesterEmail'>>;

/** A new, unnumbered ticket opened by `actor` at `now`. */
export function newTicket(ctx: ServiceContext, actor: Actor, fields: NewTicketFields, now: Date): Ticket {
  const { priority, status, department, firstResponseAt, deadlineAt } = fields;
  return {
    channel: 'web',
    requesterEmail: null,
    ...fields,
    id: ctx.id(),
    number: '',
    createdByType: actor.kind,
    createdById: actor.kind === 'system' ? null : actor.id,
    createdAt: now,
    updatedAt: now,
    statusChangedAt: now,
    version: 1,
    archived: false,
    deletedAt: null,
    resolvedAt: isDone(status) ? now : null,
    attention: attention(ctx.config, { priority, status, raised: false }),
    ...ctx.sla.compute(
      null,
      { priority, status, department, createdAt: now, firstResponseAt, deadlineAt, sla: EMPTY_SLA },
      now,
    ),
    mergedIntoId: null,
    lockedById: null,
    lockedByName: null,
    lockedUntil: null,
    raised: false,
  };
}
