/**
 * `attention`: the derived sort key that puts unresolved tickets of the configured
 * priority and above at the top of the staff queue, and a ticket staff raised by hand
 * above all of them.
 */
import type { TicketConfig } from '../config.js';
import { UNRESOLVED_STATUSES, type Ticket } from '../types.js';

/**
 * 0 for resolved tickets and priorities below `queueFirstPriority`, else the priority's
 * rank + 1; a raised unresolved ticket ranks above the highest priority.
 */
export function attention(config: TicketConfig, ticket: Pick<Ticket, 'priority' | 'status' | 'raised'>): number {
  if (!UNRESOLVED_STATUSES.includes(ticket.status)) return 0;
  if (ticket.raised) return config.priorities.length + 1;
  const rank = config.priorities.indexOf(ticket.priority);
  return rank >= config.priorities.indexOf(config.queueFirstPriority) ? rank + 1 : 0;
}
