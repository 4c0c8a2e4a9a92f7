/**
 * One subscriber's search, matched on their own texts instead of the index.
 *
 * The full-text indexes look up the last word of a phrase as a prefix (`router` finds
 * `routers`), and neither FTS5 nor a GIN index holds prefixes: a prefix is the merge of
 * the postings of every word it begins, in the whole index, before the owner tokens
 * (`owner-tokens.ts`) narrow anything. A customer with 14 tickets searching `router`,
 * a word in most message bodies, waited 80–115 ms at a million tickets while the index
 * read every message with it to keep 8 of theirs.
 *
 * A customer's own tickets are usually few (a customer of 14 tickets and 45 messages:
 * about 20,000 characters, folded in 2 ms). When the scope is one subscriber's and
 * holds at most `SUBSCRIBER_TICKETS` tickets with at most `SUBSCRIBER_MESSAGES` visible
 * messages of at most `SUBSCRIBER_CHARS` characters in all, their texts are read by key
 * (the subscriber index, then each ticket's messages) and matched in JavaScript by the
 * reference matcher the contract suite holds every store to (`src/search/search-match.ts`):
 * the cost follows the subscriber's texts, not the index. Otherwise the index decides,
 * as for every other scope.
 */
import { sql } from 'kysely';
import { searchRankOf } from '../../src/search/search-match.js';
import { searchText } from '../../src/search/search-text.js';
import type { StoreScope, StoreSearch } from '../../src/store.js';
import type { QueryContext } from './query-context.js';
import { ticketSearchText } from './search-queries.js';

/** The most tickets a subscriber may have for their search to be matched on their texts. */
export const SUBSCRIBER_TICKETS = 200;

/** The most visible messages those tickets may have. */
export const SUBSCRIBER_MESSAGES = 500;

/**
 * The most characters (bytes on MySQL) those messages may hold in all: folding them costs
 * about 0.1 ms per 1,000 characters (200,000: about 20 ms on a loaded 2-core machine,
 * what a common word costs through the index at a hundred thousand tickets).
 */
export const SUBSCRIBER_CHARS = 200_000;

/**
 * The ids of the scope's subscriber's tickets that `search` matches (by number, own text
 * or a message the scope may see), or `null` when the scope is not one subscriber's or
 * holds more than the limits above (then the index is asked). Deleted, archived and
 * merged tickets are among them: the list's scope and filters still apply.
 */
export async function subscriberMatches(ctx: QueryContext, scope: StoreScope, search: StoreSearch): Promise<string[] | null> {
  const subscriberId = scope.subscriberId;
  if (subscriberId === undefined) return null;
  const tickets = await ctx.db
    .selectFrom('tickets as t')
    .select(['t.id', 't.number', 't.subject'])
    .where('t.tenant_id', '=', scope.tenantId)
    .where('t.subscriber_id', '=', subscriberId)
    .limit(SUBSCRIBER_TICKETS + 1)
    .execute();
  if (tickets.length > SUBSCRIBER_TICKETS) return null;
  if (tickets.length === 0) return [];
  let visible = ctx.db
    .selectFrom('messages as m')
    .where('m.tenant_id', '=', scope.tenantId)
    .where('m.ticket_id', 'in', tickets.map((t) => t.id));
  if (scope.visibility === 'customer') {
    visible = visible.where('m.internal', '=', ctx.hooks.toBoolean(false)).where('m.hidden', '=', ctx.hooks.toBoolean(false));
  }
  const size = await visible
    .select((eb) => [eb.fn.countAll<number | string | bigint>().as('n'), sql<number | string | bigint>`coalesce(sum(length(${sql.ref('m.body')})), 0)`.as('chars')])
    .executeTakeFirst();
  if (Number(size?.n ?? 0) > SUBSCRIBER_MESSAGES || Number(size?.chars ?? 0) > SUBSCRIBER_CHARS) return null;
  const bodies = new Map<string, string[]>();
  if (search.phrases.length > 0) {
    for (const m of await visible.select(['m.ticket_id', 'm.body']).execute()) {
      const list = bodies.get(m.ticket_id);
      if (list === undefined) bodies.set(m.ticket_id, [m.body]);
      else list.push(m.body);
    }
  }
  const matched: string[] = [];
  for (const t of tickets) {
    // Bodies are folded only for the tickets whose own text lacks a phrase, and once.
    let texts: string[] | undefined;
    const folded = () => (texts ??= (bodies.get(t.id) ?? []).map(searchText));
    if (searchRankOf(search, t.number, ticketSearchText(t.number, t.subject), folded) !== null) matched.push(t.id);
  }
  return matched;
}
