/**
 * Routing rules (`config.routing`): a category sends a ticket to a department and/or an
 * assignee, on create and on category change. (Helper R: stub from the foundation.)
 */
import type { Changes } from '../events/event-types.js';
import type { StoreTx, TicketPatch } from '../store.js';
import type { Ticket } from '../types.js';
import type { ServiceContext } from './service-context.js';

/** What a rule did: the fields it set and the audit changes that say which rule. */
export interface RoutingResult {
  fields: Pick<TicketPatch, 'department' | 'assigneeId'>;
  changes: Changes;
}

/**
 * Applies the first routing rule matching `ticket`'s category, leaving the fields the
 * caller named explicitly (`explicit`) alone; `null` when no rule applies.
 */
export async function routeTicket(
  _ctx: ServiceContext,
  _tx: StoreTx,
  _ticket: Ticket,
  _explicit: { department: boolean; assigneeId: boolean },
): Promise<RoutingResult | null> {
  return null;
}
