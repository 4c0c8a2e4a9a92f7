/**
 * What a list row shows of a ticket's thread, kept on the ticket row (migration 006) so
 * a queue page is one index range scan: reply counts and the last reply time, once as
 * staff see them and once as the customer does (without internal notes and hidden
 * messages). Maintained in the write transaction of every message change.
 *
 * FOUNDATION STUB (issue 13): listTickets still counts with correlated subqueries.
 */
import type { Message } from '../../src/types.js';
import type { QueryContext } from './query-context.js';

/** Counts a message just inserted into its ticket's list columns. */
export async function countInsertedMessage(_ctx: QueryContext, _tenantId: string, _message: Message): Promise<void> {}

/** Recomputes the list columns of `ticketIds` from their messages (after a hide, an unhide, a merge or a split). */
export async function recountTickets(_ctx: QueryContext, _tenantId: string, _ticketIds: readonly string[]): Promise<void> {}
