/**
 * When a search walks the list instead of gathering its hits.
 *
 * A search is normally driven by its index hits (`search-queries.ts`): every ticket that
 * has the words is looked up, ranked and sorted, so its cost grows with the tickets it
 * finds — a phrase in one subject in twenty is 50,000 tickets at a million. In relevance
 * order the first pages of such a search are the exact-number ticket (rank 2) and then
 * the newest tickets whose own number and subject have every phrase (rank 1). Those can
 * be found by walking the list newest first (the `(tenant, created_at, id)` index) and
 * checking each ticket's own text on its `ticket_search` row, stopping when the page is
 * full: the cost is the page divided by the share of tickets that match.
 *
 * The walk is tried when the scope has at least `DENSE_OWN_HITS` tickets whose own text
 * matches (counted from the index, and only that far; a reseller's or a customer's
 * tickets by their owner tokens, `owner-tokens.ts`), and it reads at most
 * `WALK_ROWS_PER_RESULT` index entries per row of the page (the tenant's tickets, or the
 * scope's subscriber's or reseller's, newest first; the scope's other conditions and the
 * filters apply to what it read, so they cannot make it read further). It answers only with a full page:
 * when the scope or the filters leave fewer matches than that within its budget, or the
 * page reaches past the rank-1 tickets, the list falls back to the hits. Either way the
 * page is exactly what the hits would give.
 */
import type { StoreListQuery, StoreScope } from '../../src/store.js';
import type { QueryContext } from './query-context.js';
import { ownHitsReach } from './search-queries.js';

/** How a list runs a search: by the hits, by a walk where one can answer, or as decided. */
export type SearchPlan = 'auto' | 'hits' | 'walk';

/** One step of a walk: the exact-number ticket, or a walk over the rank-1 tickets. */
export type WalkStep =
  | { rank: 2 }
  | { rank: 1; after: { at: Date; id: string } | undefined; rows: number };

/** Own-text hits in the tenant from which a search walks first. */
export const DENSE_OWN_HITS = 1000;

/** Index entries a walk reads at most per row of the page (2 % of them must be on the page). */
export const WALK_ROWS_PER_RESULT = 50;

/**
 * The steps of a walk for this list, or `null` when the hits should drive it: no search,
 * another sort than relevance, a page past the rank-1 tickets, the LIKE dialects (no
 * index to count from), or too few own-text hits to be worth walking for.
 */
export async function walkPlan(
  ctx: QueryContext,
  scope: StoreScope,
  q: StoreListQuery,
  plan: SearchPlan,
): Promise<WalkStep[] | null> {
  const search = q.search;
  if (plan === 'hits' || search === undefined || q.sort !== 'relevance' || search.phrases.length === 0) return null;
  if (ctx.hooks.capabilities.fullText === 'like') return null;
  const after = q.after;
  if (after !== undefined && (after.rank ?? 0) < 1) return null;
  if (plan === 'auto' && !(await ownHitsReach(ctx, scope, search.phrases, DENSE_OWN_HITS))) return null;
  const steps: WalkStep[] = [];
  if (after === undefined && search.number !== '') steps.push({ rank: 2 });
  const from = after?.rank === 1 && after.at !== null ? { at: after.at, id: after.id } : undefined;
  steps.push({ rank: 1, after: from, rows: WALK_ROWS_PER_RESULT * q.limit });
  return steps;
}
