/**
 * The status a customer sees, as a label: BILLmanager's client list shows new / under
 * review / awaiting response / closed / archived, NoxPanel's Nuevo / Abierto. Hosts map
 * ticketry's status (and the archive flag) to their own labels with
 * `config.customerStatuses`: an ordered list of rules, the first that matches wins.
 */
import { z } from 'zod';
import { STATUSES, type Status, type Ticket } from './types.js';

/** One rule: a label and what a ticket must be to get it (absent conditions match anything). */
export interface CustomerStatusRule {
  label: string;
  /** The ticket's status is one of these. */
  status?: readonly Status[];
  /** The ticket is (true) or is not (false) archived. */
  archived?: boolean;
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
export const customerStatusesSchema = z
  .array(
    z.strictObject({
      label: z.string().min(1).max(64),
      status: z.array(z.enum(STATUSES as [Status, ...Status[]])).min(1).optional(),
      archived: z.boolean().optional(),
    }),
  )
  .min(1)
  .max(50);

/** The label of the first rule `ticket` matches; its status itself when none does. */
export function customerStatusLabel(
  rules: readonly CustomerStatusRule[],
  ticket: Pick<Ticket, 'status' | 'archived'>,
): string {
  for (const rule of rules) {
    if (rule.status !== undefined && !rule.status.includes(ticket.status)) continue;
    if (rule.archived !== undefined && rule.archived !== ticket.archived) continue;
    return rule.label;
  }
  return ticket.status;
}
