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
 *
 * The same statistics say about how many texts have each common word
 * (`most_common_elem_freqs` times the table's rows): a walk over message matches that
 * has not filled its page goes on while the hits would read more (`estimatedTexts`).
 */
import { sql, type Kysely } from 'kysely';
import type { StoreSearchPhrase } from '../../src/store.js';
import type { QueryContext, StatementCache } from './query-context.js';

/** How long a store keeps the statistics it read (`ANALYZE` runs far less often). */
export const STATS_TTL_MS = 5 * 60_000;

/** The common words of `ticket_search.vector` and `message_search.vector`, sorted. */
type CommonWords = readonly string[];

/**
 * The common words of `ticket_search.vector` and `message_search.vector`, sorted, and
 * about how many texts (own texts and message bodies together) have each one.
 */
interface WordStats {
  readonly words: readonly string[];
  /** Per word of `words`: its share of each table's sampled rows times the table's rows, summed. */
  readonly texts: readonly number[];
}

const kept = new WeakMap<StatementCache, { at: number; stats: WordStats }>();

/** What Postgres's statistics say of the own texts' and message bodies' words (kept `STATS_TTL_MS` per store). */
async function wordStats(ctx: QueryContext): Promise<WordStats> {
  const cache = ctx.statements;
  const hit = cache === undefined ? undefined : kept.get(cache);
  if (hit !== undefined && Date.now() - hit.at < STATS_TTL_MS) return hit.stats;
  // Each table's physical name through its `tableoid` (the store's prefix and schema apply).
  const oid = (table: 'ticket_search' | 'message_search') =>
    (ctx.db as unknown as Kysely<Record<string, object>>).selectFrom(`${table} as x`).select(sql<number>`x.tableoid`.as('oid')).limit(1);
  const { rows } = await sql<{ words: string[] | null; freqs: number[] | null; rows: number | string }>`
    select s.most_common_elems::text::text[] as words, s.most_common_elem_freqs::float8[] as freqs, c.reltuples::float8 as rows
    from pg_stats as s
    join pg_namespace as n on n.nspname = s.schemaname
    join pg_class as c on c.relnamespace = n.oid and c.relname = s.tablename
    where s.attname = 'vector' and c.oid in (${oid('ticket_search')}, ${oid('message_search')})`.execute(ctx.db);
  const texts = new Map<string, number>();
  for (const row of rows) {
    // `most_common_elem_freqs` holds one share per word, then the least, the greatest and the nulls' share.
    (row.words ?? []).forEach((word, i) => {
      const share = Number(row.freqs?.[i] ?? 0);
      texts.set(word, (texts.get(word) ?? 0) + share * Math.max(0, Number(row.rows)));
    });
  }
  const words = [...texts.keys()].sort();
  const stats: WordStats = { words, texts: words.map((word) => Math.round(texts.get(word)!)) };
  if (cache !== undefined) kept.set(cache, { at: Date.now(), stats });
  return stats;
}

/** The words Postgres's statistics list as common in the own texts or the message bodies, sorted. */
export async function commonWords(ctx: QueryContext): Promise<CommonWords> {
  return (await wordStats(ctx)).words;
}

/**
 * About how many texts (own texts and message bodies) the index hits of `phrases` read,
 * as the statistics say: per phrase, the fewest of its words' texts (a prefix: every
 * listed word it begins, summed), summed over the phrases. A word the statistics do not
 * list counts 0 (it is in fewer texts than any listed word); without statistics, 0.
 */
export async function estimatedTexts(ctx: QueryContext, phrases: readonly StoreSearchPhrase[]): Promise<number> {
  const { words, texts } = await wordStats(ctx);
  let total = 0;
  for (const phrase of phrases) {
    let fewest = Infinity;
    phrase.words.forEach((word, i) => {
      const prefix = phrase.prefix && i === phrase.words.length - 1;
      let n = 0;
      for (let at = firstAtLeast(words, word); at < words.length; at++) {
        const listed = words[at]!;
        if (listed === word) n += texts[at]!;
        else if (prefix && listed.startsWith(word)) n += texts[at]!;
        else break;
      }
      fewest = Math.min(fewest, n);
    });
    total += fewest === Infinity ? 0 : fewest;
  }
  return total;
}

/** The index of the first of the sorted `words` that is not before `word`. */
function firstAtLeast(words: readonly string[], word: string): number {
  let low = 0;
  let high = words.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (words[mid]! < word) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * Whether `phrase` may be common: each of its words is a common word, its last (when a
 * prefix) begins one. A phrase with a word the statistics do not list is in fewer texts
 * than that word.
 */
export function mayBeCommon(phrase: StoreSearchPhrase, words: CommonWords): boolean {
  return phrase.words.every((word, i) => {
    const prefix = phrase.prefix && i === phrase.words.length - 1;
    const next = words[firstAtLeast(words, word)];
    return next !== undefined && (next === word || (prefix && next.startsWith(word)));
  });
}
