/**
 * `desk.saveFilter` / `listFilters` / `deleteFilter`: a staff member's named list queries
 * (BILLmanager's `ticket.setfilter`, kept until changed or reset). Each staff member sees
 * only their own, in their own tenant. Personal state, not a change to any ticket: no
 * audit entry or event.
 */
import { NotFoundError, ValidationError } from '../errors.js';
import { hasNul, idSchema, listQuerySchema, toWellFormed, type ListQuery } from '../schemas.js';
import type { Actor, RequestContext, SavedFilter } from '../types.js';
import { parseInput } from '../validate.js';
import { lazySchema } from '../zod-loader.js';
import { parseActor, parseRequestContext, readScope } from './request-guards.js';
import type { ServiceContext } from './service-context.js';
import { requireStaffMember } from './staff-member.js';
import { runWrite } from './write.js';

/** Longest stored query, as JSON: far more than any query the list schema accepts needs. */
const MAX_QUERY_JSON = 16_000;

/**
 * A filter's name: trimmed, 1–100 characters, no NUL; a lone surrogate becomes U+FFFD (text,
 * as src/schemas.ts treats names), so every store keeps the name it was given the same way.
 */
const filterNameSchema = lazySchema((z) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(100, 'is longer than 100 characters')
    .refine((s) => !hasNul(s), 'must not contain NUL (\\u0000) characters')
    .transform(toWellFormed),
);

/**
 * Saves `query` (a `list` query) under `name` for the acting staff member; a filter of
 * theirs with the same name is replaced (keeping its id and `createdAt`). The query is
 * checked as `list` checks it, and stored as JSON (dates as ISO strings), so it can be
 * passed back to `list` as it is. A `cursor` is refused: it names a position in one
 * listing, not a filter.
 */
export async function saveFilter(
  ctx: ServiceContext,
  actorInput: Actor,
  name: string,
  query: ListQuery,
  contextInput: RequestContext = {},
): Promise<SavedFilter> {
  const actor = parseActor(actorInput);
  parseRequestContext(contextInput);
  requireStaffMember(actor, 'save filters');
  readScope(ctx, actor);
  const filterName = parseInput(filterNameSchema, name, 'filter name', 'name');
  if (query === null || typeof query !== 'object' || Array.isArray(query)) {
    throw new ValidationError('query must be a list query object, e.g. { status: "open" }', 'query');
  }
  const parsed = parseInput(listQuerySchema, query, 'saved filter query', 'query');
  if (query.cursor !== undefined) {
    throw new ValidationError('A saved filter cannot hold a cursor: it is a position in one listing, not a filter', 'query.cursor');
  }
  // JSON as the stores keep it: Dates become ISO strings, undefined fields drop out. `q`
  // as parsed (trimmed, lone surrogates made U+FFFD: Postgres and MariaDB refused them in
  // the JSON column, memory and SQLite kept them); the rest as given, so `assigneeId: 'me'`
  // and a single status stay as written.
  const json = JSON.stringify(parsed.q === undefined ? query : { ...query, q: parsed.q }) as string | undefined;
  // A Date (or any object with a `toJSON`) has no own fields for the schema to refuse, but
  // is stored as a string: MariaDB then failed reading it back, the others kept a filter
  // that is no query.
  if (typeof json !== 'string' || !json.startsWith('{')) {
    throw new ValidationError('query must be a list query object, e.g. { status: "open" }', 'query');
  }
  if (json.length > MAX_QUERY_JSON) {
    throw new ValidationError(`query is longer than ${MAX_QUERY_JSON} characters as JSON`, 'query');
  }
  const stored = JSON.parse(json) as Record<string, unknown>;
  return runWrite(ctx, async (tx) => {
    const now = ctx.clock();
    return tx.saveFilter(ctx.tenantId, {
      id: ctx.id(),
      staffId: actor.id,
      name: filterName,
      query: stored,
      createdAt: now,
      updatedAt: now,
    });
  });
}

/** The acting staff member's saved filters, oldest first. */
export async function listFilters(
  ctx: ServiceContext,
  actorInput: Actor,
  contextInput: RequestContext = {},
): Promise<SavedFilter[]> {
  const actor = parseActor(actorInput);
  parseRequestContext(contextInput);
  requireStaffMember(actor, 'have saved filters');
  readScope(ctx, actor);
  return ctx.store.listFilters(ctx.tenantId, actor.id);
}

/** Deletes one of the acting staff member's filters; anyone else's reads as not found. */
export async function deleteFilter(
  ctx: ServiceContext,
  actorInput: Actor,
  filterId: string,
  contextInput: RequestContext = {},
): Promise<void> {
  const actor = parseActor(actorInput);
  parseRequestContext(contextInput);
  requireStaffMember(actor, 'delete saved filters');
  readScope(ctx, actor);
  const id = parseInput(idSchema, filterId, 'filter id', 'filterId');
  const deleted = await runWrite(ctx, (tx) => tx.deleteFilter(ctx.tenantId, actor.id, id));
  if (!deleted) throw new NotFoundError(`Saved filter ${id} not found`, { params: { filter: id } });
}
