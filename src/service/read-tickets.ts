/** `desk.get` and `desk.list`: a ticket with the thread the actor may see, and pages of tickets. */
import {
  toCustomerDetail,
  toCustomerSummary,
  type CustomerTicketDetail,
  type CustomerTicketSummary,
} from '../customer-view.js';
import { ValidationError } from '../errors.js';
import { decodeCursor, encodeCursor } from '../list-cursor.js';
import { checkCustomerFields } from '../permissions.js';
import { listQuerySchema, type ListQuery } from '../schemas.js';
import type { Actor, RequestContext, TicketDetail, TicketSort, TicketSummary } from '../types.js';
import { parseInput } from '../validate.js';
import { findReadable, parseActor, parseRequestContext, parseTicketRef, readScope, ticketNotFound } from './request-guards.js';
import type { ServiceContext } from './service-context.js';

/** The ticket `idOrNumber` with its thread as `actor` may see it. */
export async function getTicket(
  ctx: ServiceContext,
  actorInput: Actor,
  idOrNumber: string,
  contextInput: RequestContext = {},
): Promise<TicketDetail | CustomerTicketDetail> {
  const actor = parseActor(actorInput);
  parseRequestContext(contextInput);
  const scope = readScope(ctx, actor);
  const ref = parseTicketRef(idOrNumber);
  const ticket = await findReadable(ctx, scope, ref);
  if (!ticket) throw ticketNotFound(ref);
  const messages = await ctx.store.listMessages(scope, ticket.id);
  return actor.kind === 'customer' ? toCustomerDetail({ ticket, messages }) : { ticket, messages };
}

/** A page of the tickets `actor` may see, filtered and sorted by `query`. */
export async function listTickets(
  ctx: ServiceContext,
  actorInput: Actor,
  query: ListQuery = {},
  contextInput: RequestContext = {},
): Promise<{ items: (TicketSummary | CustomerTicketSummary)[]; nextCursor: string | null }> {
  const actor = parseActor(actorInput);
  parseRequestContext(contextInput);
  const q = parseInput(listQuerySchema, query, 'list query');
  const scope = readScope(ctx, actor);
  checkCustomerFields(actor, 'list', q);
  let assigneeId = q.assigneeId;
  if (assigneeId === 'me') {
    if (actor.kind !== 'staff') throw new ValidationError("assigneeId 'me' needs a staff actor", 'assigneeId');
    assigneeId = actor.id;
  }
  const sort: TicketSort = q.sort ?? (actor.kind === 'customer' ? 'newest' : 'queue');
  // The queue and update orders follow staff-only activity (internal notes, assignment,
  // attention), so a customer could watch them move: customers sort by creation only.
  if (actor.kind === 'customer' && sort !== 'newest' && sort !== 'oldest') {
    throw new ValidationError(`Customers sort by newest or oldest, not ${sort}`, 'sort', {
      params: { allowed: ['newest', 'oldest'] },
    });
  }
  const limit = q.limit ?? 50;
  const rows = await ctx.store.listTickets(scope, {
    ...(q.status ? { status: q.status } : {}),
    ...(q.priority ? { priority: q.priority } : {}),
    ...(q.category ? { category: q.category } : {}),
    ...(q.department ? { department: q.department } : {}),
    ...(assigneeId !== undefined ? { assigneeId } : {}),
    ...(q.subscriberId ? { subscriberId: q.subscriberId } : {}),
    ...(q.q ? { q: q.q } : {}),
    ...(q.archived !== undefined ? { archived: q.archived } : {}),
    ...(q.createdFrom ? { createdFrom: q.createdFrom } : {}),
    ...(q.createdTo ? { createdTo: q.createdTo } : {}),
    ...(q.cursor ? { after: decodeCursor(sort, q.cursor) } : {}),
    sort,
    limit: limit + 1,
  });
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  const nextCursor = rows.length > limit && last ? encodeCursor(sort, last) : null;
  return { items: actor.kind === 'customer' ? items.map(toCustomerSummary) : items, nextCursor };
}
