/**
 * The checks every operation starts with: the actor and request context are well formed,
 * the ticket reference is a usable string, and the actor's read scope. Also the two
 * errors operations raise about a ticket (not found, changed by someone else).
 */
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import { requireStaffPermission, scopeFor } from '../permissions.js';
import { actorSchema, requestContextSchema } from '../schemas.js';
import type { StoreScope } from '../store.js';
import type { Actor, RequestContext, Ticket } from '../types.js';
import { parseInput } from '../validate.js';
import type { ServiceContext } from './service-context.js';

/** The actor, validated (hosts build it, but a bad one must fail closed). */
export function parseActor(actor: unknown): Actor {
  return parseInput(actorSchema, actor, 'actor', 'actor');
}

/** The request context for the audit trail, validated. */
export function parseRequestContext(context: unknown): RequestContext {
  // Most calls pass none: what the schema makes of an empty plain object is an empty
  // object, so that case skips the parse (every write starts with it).
  if (context === undefined || context === null || isEmptyContext(context)) return {};
  return parseInput(requestContextSchema, context, 'request context', 'context');
}

/** A plain object with no own keys and none of the context's fields reachable (inherited). */
function isEmptyContext(context: unknown): boolean {
  return (
    typeof context === 'object' &&
    Object.getPrototypeOf(context) === Object.prototype &&
    Object.keys(context as object).length === 0 &&
    !('ip' in (context as object)) &&
    !('userAgent' in (context as object)) &&
    !('requestId' in (context as object))
  );
}

/** A ticket id or number as given by the caller. */
export function parseTicketRef(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) {
    throw new ValidationError('A ticket id or number must be a non-empty string', 'ticketId');
  }
  // No id or number holds a NUL, and Postgres refuses one in a query with the driver's
  // text while the other stores answer "not found": the same answer everywhere instead.
  if (value.includes('\u0000')) {
    throw new ValidationError('A ticket id or number must not contain NUL (\\u0000) characters', 'ticketId');
  }
  return value;
}

/**
 * The ticket `ref` names, through `find` (a read or a locking read): by id or number as
 * given, else by the number spelled as the format spells it (`tkt-12` finds `TKT-12`).
 */
export async function findByRef(
  ctx: ServiceContext,
  ref: string,
  find: (ref: string) => Promise<Ticket | null>,
): Promise<Ticket | null> {
  const ticket = await find(ref);
  if (ticket) return ticket;
  const canonical = ctx.numbers.canonical(ref);
  return canonical !== null && canonical !== ref ? find(canonical) : null;
}

/**
 * The ticket `ref` names within `scope`, read outside a transaction: by id or number as
 * given, else by the number spelled as the format spells it, in one store call.
 */
export async function findReadable(ctx: ServiceContext, scope: StoreScope, ref: string): Promise<Ticket | null> {
  const canonical = ctx.numbers.canonical(ref);
  const refs = canonical !== null && canonical !== ref ? [ref, canonical] : [ref];
  // In ref order, so a match of the ref as given wins over the canonical spelling.
  const [ticket] = await ctx.store.findTickets(scope, refs);
  return ticket ?? null;
}

/** The read scope of `actor`, after checking staff may view tickets at all. */
export function readScope(ctx: ServiceContext, actor: Actor): StoreScope {
  requireStaffPermission(actor, 'tickets.view', 'view tickets');
  return scopeFor(ctx.tenantId, actor);
}

/** Out of scope and missing read the same, so existence does not leak. */
export function ticketNotFound(ref: string): NotFoundError {
  return new NotFoundError(`Ticket ${ref} not found`, { params: { ticket: ref } });
}

/** The ticket's version is not the one the caller (or the store) expected. */
export function staleTicket(ticket: Ticket, expected: number): ConflictError {
  return new ConflictError(
    `Ticket ${ticket.number} was changed by someone else (version ${ticket.version}, expected ${expected}); reload it and try again`,
    { params: { ticket: ticket.id, version: ticket.version, expectedVersion: expected } },
  );
}
