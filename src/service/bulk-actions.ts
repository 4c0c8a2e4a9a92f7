/** `desk.bulk`: one staff action over many tickets, each on its own. (Helper L: stub from the foundation.) */
import type { TicketErrorCode } from '../errors.js';
import type { Actor, RequestContext, Status, Ticket } from '../types.js';
import type { ServiceContext } from './service-context.js';

/** The actions a queue applies to many tickets at once. */
export type BulkAction =
  | { type: 'assign'; assigneeId: string | null }
  | { type: 'status'; status: Status }
  | { type: 'priority'; priority: string }
  | { type: 'close' }
  | { type: 'archive' }
  | { type: 'delete' }
  | { type: 'favorite'; on: boolean }
  | { type: 'unlock' };

/** What happened to one ticket of a bulk action. */
export type BulkResult =
  | { ticketId: string; ok: true; ticket: Ticket | null }
  | { ticketId: string; ok: false; error: { code: TicketErrorCode; message: string; params?: Record<string, unknown> } };

export async function bulkAction(
  _ctx: ServiceContext,
  _actor: Actor,
  _ticketIds: readonly string[],
  _action: BulkAction,
  _context: RequestContext = {},
): Promise<BulkResult[]> {
  throw new Error('not implemented yet: bulk');
}
