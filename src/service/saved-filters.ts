/** `desk.saveFilter` / `listFilters` / `deleteFilter`. (Helper S: stub from the foundation.) */
import type { ListQuery } from '../schemas.js';
import type { Actor, RequestContext, SavedFilter } from '../types.js';
import type { ServiceContext } from './service-context.js';

export async function saveFilter(
  _ctx: ServiceContext,
  _actor: Actor,
  _name: string,
  _query: ListQuery,
  _context: RequestContext = {},
): Promise<SavedFilter> {
  throw new Error('not implemented yet: saveFilter');
}

export async function listFilters(_ctx: ServiceContext, _actor: Actor, _context: RequestContext = {}): Promise<SavedFilter[]> {
  throw new Error('not implemented yet: listFilters');
}

export async function deleteFilter(
  _ctx: ServiceContext,
  _actor: Actor,
  _filterId: string,
  _context: RequestContext = {},
): Promise<void> {
  throw new Error('not implemented yet: deleteFilter');
}
