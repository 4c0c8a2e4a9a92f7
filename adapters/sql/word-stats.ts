/**
 * Which indexed words are common, as Postgres's own statistics say (`ANALYZE` of the
 * `tsvector` columns: `pg_stats.most_common_elems`, the words found in roughly one text
 * in a hundred or more of its sample), for a search to decide cheaply whether its
 * phrases could be in enough messages to walk for (`search-walk.ts`).
 *
 * Why: a walk over message matches is decided on a sample of the tickets it would read,
 * and on Postgres that sample costs about 4 ms at a million tickets (a lookup of every
 * sampled ticket's messages per phrase), which doubled the search for a rare word (3.4
 * to 7.5 ms p50). Counting a phrase's hits in the GIN index instead costs what its
 * postings cost (a common word's: tens of milliseconds). The statistics cost one small
 * catalogue read, kept for `STATS_TTL_MS` per store. Without statistics (a table never
 * analysed) no word is common: searches go by their hits, as before walks existed.
 */
import { sql, type Kysely } from 'kysely';
import type { StoreSearchPhrase } from '../../src/store.js';
import type { QueryContext, StatementCache } from './query-context.js';

/** How long a store keeps the statistics it read (`ANALYZE` runs far less often). */
export const STATS_TTL_MS = 5 * 60_000;

/** The common words of `ticket_search.vector` and `message_search.vector`, sorted. */
type CommonWords = readonly string[];

const kept = new WeakMap<StatementCache, { at: number; words: CommonWords }>();

/** The words Postgres's statistics list as common in the own texts or the message bodies, sorted. */
export async function commonWords(ctx: QueryContext): Promise<CommonWords> {
  const cache = ctx.statements;
  const hit = cache === undefined ? undefined : kept.get(cache);
  if (hit !== undefined && Date.now() - hit.at < STATS_TTL_MS) return hit.words;
  // Each table's physical name through its `tableoid` (the store's prefix and schema apply).
  const oid = (table: 'ticket_search' | 'message_search') =>
    (ctx.db as unknown as Kysely<Record<string, object>>).selectFrom(`${table} as x`).select(sql<number>`x.tableoid`.as('oid')).limit(1);
  const { rows } = await sql<{ words: string[] | null }>`
    select s.most_common_elems::text::text[] as words
    from pg_stats as s
    join pg_namespace as n on n.nspname = s.schemaname
    join pg_class as c on c.relnamespace = n.oid and c.relname = s.tablename
    where s.attname = 'vector' and c.oid in (${oid('ticket_search')}, ${oid('message_search')})`.execute(ctx.db);
  const words = [...new Set(rows.flatMap((row) => row.words ?? []))].sort();
  if (cache !== undefined) kept.set(cache, { at: Date.now(), words });
  return words;
}

/**
 * Whether `phrase` may be common: each of its words is a common word, its last (when a
 * prefix) begins one. A phrase with a word the statistics do not list is in fewer texts
 * than that word.
 */
export function mayBeCommon(phrase: StoreSearchPhrase, words: CommonWords): boolean {
  return phrase.words.every((word, i) => {
    const prefix = phrase.prefix && i === phrase.words.length - 1;
    let low = 0;
    let high = words.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (words[mid]! < word) low = mid + 1;
      else high = mid;
    }
    const next = words[low];
    return next !== undefined && (next === word || (prefix && next.startsWith(word)));
  });
}
