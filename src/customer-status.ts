/**
 * The status a customer sees, as a label: BILLmanager's client list shows new / under
 * review / awaiting response / closed / archived, NoxPanel's Nuevo / Abierto. Hosts map
 * ticketry's status (and the archive flag) to their own labels with
 * `config.customerStatuses`: an ordered list of rules, the first that matches wins.
 *
 * The defaults depend only on what the customer can see anyway (status, archive, whether
 * staff have answered). `assigned` is there for portals that show assignment (NoxPanel's
 * Nuevo = open and unassigned): choosing it makes the label move when staff assign, which
 * is staff-only activity everywhere else in the customer's view.
 */
import { ValidationError } from './errors.js';
import { requireObject } from './guard.js';
import { STATUSES, type Status, type Ticket } from './types.js';
import { lazySchema } from './zod-loader.js';

/** One rule: a label and what a ticket must be to get it (absent conditions match anything). */
export interface CustomerStatusRule {
  /** What the portal shows: a key it translates (`under_review`) or the text itself (`Abierto`). */
  label: string;
  /** The ticket's status is one of these. */
  status?: readonly Status[];
  /** The ticket is (true) or is not (false) archived. */
  archived?: boolean;
  /**
   * Staff have (true) or have not (false) answered publicly yet (`firstResponseAt`; a
   * ticket staff opened counts as answered).
   */
  answered?: boolean;
  /**
   * The ticket has (true) or has no (false) assignee. Staff-only activity: with it the
   * customer's label changes when staff assign or unassign. Use it only when your portal
   * shows assignment anyway (NoxPanel's Nuevo / Abierto).
   */
  assigned?: boolean;
}

/** BILLmanager's client labels (seed 003), which never depend on staff-only activity. */
export const DEFAULT_CUSTOMER_STATUSES: readonly CustomerStatusRule[] = [
  { label: 'archived', archived: true },
  { label: 'new', status: ['open'] },
  { label: 'under_review', status: ['in_progress', 'on_hold'] },
  { label: 'awaiting_response', status: ['pending'] },
  { label: 'closed', status: ['resolved', 'closed'] },
];

/** The schema of `config.customerStatuses`. */
export const customerStatusesSchema = lazySchema((z) =>
  z
    .array(
      z.strictObject({
        label: z.string().min(1).max(64),
        status: z.array(z.enum(STATUSES as [Status, ...Status[]])).min(1).optional(),
        archived: z.boolean().optional(),
        answered: z.boolean().optional(),
        assigned: z.boolean().optional(),
      }),
    )
    .min(1)
    .max(50),
);

/** Whether `rule` has no condition, so it matches every ticket. */
export function isCatchAllStatusRule(rule: CustomerStatusRule): boolean {
  return (
    rule.status === undefined && rule.archived === undefined && rule.answered === undefined && rule.assigned === undefined
  );
}

/** The label of the first rule `ticket` matches; its status itself when none does. */
export function customerStatusLabel(
  rules: readonly CustomerStatusRule[],
  ticket: Pick<Ticket, 'status' | 'archived'> & Partial<Pick<Ticket, 'assigneeId' | 'firstResponseAt'>>,
): string {
  if (!Array.isArray(rules)) {
    throw new ValidationError('customerStatusLabel: rules must be an array (config.customerStatuses)', 'rules', {
      params: { helper: 'customerStatusLabel' },
    });
  }
  requireObject(ticket, 'ticket', 'customerStatusLabel');
  for (const rule of rules) {
    if (rule.status !== undefined && !rule.status.includes(ticket.status)) continue;
    if (rule.archived !== undefined && rule.archived !== ticket.archived) continue;
    if (rule.answered !== undefined && rule.answered !== Boolean(ticket.firstResponseAt)) continue;
    if (rule.assigned !== undefined && rule.assigned !== Boolean(ticket.assigneeId)) continue;
    return rule.label;
  }
  return ticket.status;
}
