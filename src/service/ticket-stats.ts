/** `desk.getStats`: counts, averages, backlog and SLA compliance within the actor's scope. */
import { statsQuerySchema, type StatsQuery } from '../schemas.js';
import { STATUSES, UNRESOLVED_STATUSES, type Actor, type RequestContext, type Status, type TicketStats } from '../types.js';
import { parseInput } from '../validate.js';
import { parseActor, parseRequestContext, readScope } from './request-guards.js';
import type { ServiceContext } from './service-context.js';

/** The stats of the tickets `actor` may see, optionally of those created in `[from, to)`. */
export async function getTicketStats(
  ctx: ServiceContext,
  actorInput: Actor,
  query: StatsQuery = {},
  contextInput: RequestContext = {},
): Promise<TicketStats> {
  const actor = parseActor(actorInput);
  parseRequestContext(contextInput);
  const q = parseInput(statsQuerySchema, query, 'stats query');
  const scope = readScope(ctx, actor);
  const stats = await ctx.store.getStats(scope, {
    ...(q.from ? { createdFrom: q.from } : {}),
    ...(q.to ? { createdTo: q.to } : {}),
    unresolved: UNRESOLVED_STATUSES,
    firstResponseOf: ['customer'],
  });
  const counts = Object.fromEntries(STATUSES.map((s) => [s, stats.counts[s] ?? 0])) as Record<Status, number>;
  return { ...stats, counts };
}
