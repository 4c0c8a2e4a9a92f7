/**
 * `desk.bulk`: one action over many tickets (BILLmanager takes a list of ids for close,
 * unblock, favorite and delete; ISPmanager archives several at once). Each ticket goes
 * through the single-ticket operation, in its own transaction, with its own checks,
 * audit entry and events: one refusal never undoes the others, and the result says, per
 * ticket and in input order, what happened.
 */
import { TicketError, ValidationError, type TicketErrorCode } from '../errors.js';
import { requireStaff, requireStaffPermission } from '../permissions.js';
import { idSchema, statusSchema } from '../schemas.js';
import type { Actor, RequestContext, Status, Ticket } from '../types.js';
import { parseInput } from '../validate.js';
import { lazySchema } from '../zod-loader.js';
import { archiveTicket } from './archive-ticket.js';
import { deleteTicket } from './delete-ticket.js';
import { favoriteTicket } from './favorites.js';
import { unlockTicket } from './lock-ticket.js';
import { parseActor, parseRequestContext, readScope } from './request-guards.js';
import type { ServiceContext } from './service-context.js';
import { updateTicket } from './update-ticket.js';

/** The actions a queue applies to many tickets at once. */
export type BulkAction =
  | { type: 'assign'; assigneeId: string | null }
  | { type: 'status'; status: Status }
  | { type: 'priority'; priority: string }
  | { type: 'close' }
  | { type: 'archive' }
  | { type: 'delete' }
  | { type: 'favorite'; on: boolean }
  /** BILLmanager's `ticket.unblock`: `force` releases other staff members' locks (needs `tickets.edit`). */
  | { type: 'unlock'; force?: boolean };

/**
 * What happened to one ticket of a bulk action: `ticket` is the ticket afterwards
 * (`null` for `delete` and `favorite`, and for customers, who never get the staff row),
 * or the error the single-ticket operation raised (`code`, `message`, `params` as on a
 * `TicketError`).
 */
export type BulkResult =
  | { ticketId: string; ok: true; ticket: Ticket | null }
  | { ticketId: string; ok: false; error: { code: TicketErrorCode; message: string; params?: Record<string, unknown> } };

/** At most this many ticket ids per call. */
export const MAX_BULK_TICKETS = 200;

/** The schema of a bulk action. */
export const bulkActionSchema = lazySchema((z) =>
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('assign'), assigneeId: idSchema().nullable() }),
    z.strictObject({ type: z.literal('status'), status: statusSchema() }),
    z.strictObject({ type: z.literal('priority'), priority: z.string().min(1).max(200) }),
    z.strictObject({ type: z.literal('close') }),
    z.strictObject({ type: z.literal('archive') }),
    z.strictObject({ type: z.literal('delete') }),
    z.strictObject({ type: z.literal('favorite'), on: z.boolean() }),
    z.strictObject({ type: z.literal('unlock'), force: z.boolean().optional() }),
  ]),
);

/** The ticket ids of a bulk call: 0 to 200 ids or numbers. */
export const bulkTicketIdsSchema = lazySchema((z) =>
  z.array(idSchema()).max(MAX_BULK_TICKETS, `at most ${MAX_BULK_TICKETS} tickets per call`),
);

/**
 * Applies `action` to each of `ticketIds` (duplicates collapsed, first occurrence kept)
 * and returns one result per distinct id, in input order. A malformed call (not an array,
 * more than 200 ids, an unknown action) and an action the actor may not take at all
 * (missing permission, a customer asking for a staff action) throw before any ticket is
 * touched. Per ticket, only ticketry's own errors (`TicketError`) become a failed result;
 * anything else (a bug, a host callback's own exception) propagates, leaving the tickets
 * done before it done.
 */
export async function bulkAction(
  ctx: ServiceContext,
  actorInput: Actor,
  ticketIdsInput: readonly string[],
  actionInput: BulkAction,
  contextInput: RequestContext = {},
): Promise<BulkResult[]> {
  const actor = parseActor(actorInput);
  const context = parseRequestContext(contextInput);
  const ticketIds = parseInput(bulkTicketIdsSchema, ticketIdsInput, 'bulk ticket ids', 'ticketIds');
  const action = parseInput(bulkActionSchema, actionInput, 'bulk action', 'action') as BulkAction;
  readScope(ctx, actor);
  checkBulkAllowed(ctx, actor, action);

  const results: BulkResult[] = [];
  for (const ticketId of [...new Set(ticketIds)]) {
    try {
      const ticket = await applyOne(ctx, actor, ticketId, action, context);
      results.push({ ticketId, ok: true, ticket: actor.kind === 'customer' ? null : ticket });
    } catch (err) {
      if (!TicketError.is(err)) throw err;
      const params = Object.keys(err.params).length > 0 ? { params: { ...err.params } } : {};
      results.push({ ticketId, ok: false, error: { code: err.code, message: err.message, ...params } });
    }
  }
  return results;
}

/**
 * What does not depend on the ticket, checked once: the permission the action needs and
 * the configured values it names. Customers may only archive (their own closed tickets).
 */
function checkBulkAllowed(ctx: ServiceContext, actor: Actor, action: BulkAction): void {
  if (action.type !== 'archive') requireStaff(actor, `${action.type} tickets in bulk`);
  switch (action.type) {
    case 'assign':
    case 'status':
    case 'priority':
    case 'close':
    case 'archive':
      requireStaffPermission(actor, 'tickets.edit', `${action.type} tickets`);
      break;
    case 'delete':
      requireStaffPermission(actor, 'tickets.delete', 'delete tickets');
      break;
    case 'favorite':
    case 'unlock':
      // Their own rules (whose lock, force) are the single operation's, per ticket.
      break;
  }
  if (action.type === 'priority' && !ctx.config.priorities.includes(action.priority)) {
    throw new ValidationError(
      `Unknown priority "${action.priority}"; use one of ${ctx.config.priorities.join(', ')}`,
      'action.priority',
    );
  }
}

/** The single-ticket operation `action` stands for; the ticket afterwards, if it returns one. */
async function applyOne(
  ctx: ServiceContext,
  actor: Actor,
  ticketId: string,
  action: BulkAction,
  context: RequestContext,
): Promise<Ticket | null> {
  switch (action.type) {
    case 'assign':
      return (await updateTicket(ctx, actor, ticketId, { assigneeId: action.assigneeId }, context)) as Ticket;
    case 'status':
      return (await updateTicket(ctx, actor, ticketId, { status: action.status }, context)) as Ticket;
    case 'priority':
      return (await updateTicket(ctx, actor, ticketId, { priority: action.priority }, context)) as Ticket;
    case 'close':
      return (await updateTicket(ctx, actor, ticketId, { status: 'closed' }, context)) as Ticket;
    case 'archive':
      return (await archiveTicket(ctx, actor, ticketId, true, context)) as Ticket;
    case 'delete':
      await deleteTicket(ctx, actor, ticketId, context);
      return null;
    case 'favorite':
      await favoriteTicket(ctx, actor, ticketId, action.on, context);
      return null;
    case 'unlock':
      return unlockTicket(ctx, actor, ticketId, action.force ? { force: true } : {}, context);
  }
}
