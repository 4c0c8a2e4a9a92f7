/**
 * A search's values as its statements bind them (`BoundSearch`), computed once from the
 * search and the scope: the exact number's key, each phrase's query to the full-text
 * index (with the scope's owner phrases, `owner-tokens.ts`) and the patterns a ticket's
 * own row is checked with. The SQL text of a search statement then depends only on the
 * dialect, the scope's shape, whether a number is searched and how many phrases there are
 * (`searchShape`), so it is compiled once per shape (`runCached`) and runs with each
 * search's own values (still planned with them on Postgres: `cachedPage` says why).
 */
import type { StoreScope, StoreSearch, StoreSearchPhrase } from '../../src/store.js';
import { ownerPhrases } from './owner-tokens.js';
import type { QueryContext } from './query-context.js';

/** How the dialect indexes and matches search texts (`capabilities.fullText`). */
export type FullText = QueryContext['hooks']['capabilities']['fullText'];

/** What a search's statements bind, and what their SQL text depends on. */
export interface BoundSearch {
  /** The search itself: the LIKE dialects' candidates read its phrases (those statements are never cached). */
  readonly search: StoreSearch;
  /** Whether a ticket number is searched (`search.number` is not empty). */
  readonly numbered: boolean;
  /** `numberKey(search.number)`: the exact-number match (`''` when none is searched). */
  readonly number: unknown;
  /** Per phrase, the full-text index's query for it and the scope's owner phrases (fts5, tsvector; none for LIKE). */
  readonly hits: readonly unknown[];
  /** What a ticket's own row is checked with (`ownTextMatches`): one tsquery of every phrase (tsvector), one LIKE pattern per phrase (else); none without phrases. */
  readonly own: readonly unknown[];
  /**
   * Per phrase, what one indexed row (a ticket's own text, a message's) is checked with
   * for that phrase alone (`rowMatches`): a tsquery (tsvector), a LIKE pattern (else).
   */
  readonly each: readonly unknown[];
  /** The index's query for an own text having every phrase, with the scope's owner phrases (fts5, tsvector; else none). */
  readonly ownIndex: readonly unknown[];
}

/** A tsvector/tsquery lexeme, quoted. */
export function lexeme(word: string): string {
  return `'${word.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** One phrase as a tsquery: `'w1' <-> 'w2':*`. */
function tsqueryOf(phrase: StoreSearchPhrase): string {
  const words = phrase.words.map(lexeme);
  if (phrase.prefix) words[words.length - 1] += ':*';
  return words.length === 1 ? words[0]! : `(${words.join(' <-> ')})`;
}

/** One phrase as an FTS5 query: `"w1 w2"*` (the words hold no quote). */
function ftsQueryOf(phrase: StoreSearchPhrase): string {
  return `"${phrase.words.join(' ').replace(/"/g, '""')}"${phrase.prefix ? '*' : ''}`;
}

/** One phrase as a LIKE pattern over a padded text: `% w1 w2 %`, or `% w1 w2%` for a prefix. */
export function likeOf(phrase: StoreSearchPhrase): string {
  const words = phrase.words.join(' ').replace(/[\\%_]/g, (c) => `\\${c}`);
  return `% ${words}${phrase.prefix ? '' : ' '}%`;
}

/** The full-text index's query for a text having every phrase: `'w1' & ('w2' <-> 'w3':*)` (tsvector), `"w1" AND "w2 w3"*` (fts5). */
export function indexQuery(fullText: 'fts5' | 'tsvector', phrases: readonly StoreSearchPhrase[]): string {
  return fullText === 'fts5' ? phrases.map(ftsQueryOf).join(' AND ') : phrases.map(tsqueryOf).join(' & ');
}

/** The `number_key` of a ticket: the exact-number match, folded like the reference. */
export function numberKey(number: string): string {
  return number.toLowerCase();
}

/** The values `search` binds for `scope`. */
export function boundSearch(fullText: FullText, scope: StoreScope, search: StoreSearch): BoundSearch {
  const owners = ownerPhrases(scope);
  const phrases = search.phrases;
  const own = phrases.length === 0 ? [] : fullText === 'tsvector' ? [indexQuery(fullText, phrases)] : phrases.map(likeOf);
  const indexed = fullText !== 'like' && phrases.length > 0;
  return {
    search,
    numbered: search.number !== '',
    number: numberKey(search.number),
    hits: fullText === 'like' ? [] : phrases.map((phrase) => indexQuery(fullText, ownersFirst(fullText, [phrase], owners))),
    own,
    each: phrases.map((phrase) => (fullText === 'tsvector' ? tsqueryOf(phrase) : likeOf(phrase))),
    ownIndex: indexed ? [indexQuery(fullText, ownersFirst(fullText, phrases, owners))] : [],
  };
}

/**
 * Phrases and the scope's owner phrases, in the order the index is asked for them. A GIN
 * index answers `<owner token> & 'word':*` faster than `'word':* & <owner token>`, though
 * both match the same rows: at 1.1M tickets, for a reseller's token (99,000 tickets) and a
 * word no subject holds, 0.33 ms against 7 ms in `ticket_search`; for `router`, in most
 * message bodies, 24 against 95 ms (PostgreSQL 15). FTS5 keeps the phrase first.
 */
function ownersFirst(
  fullText: 'fts5' | 'tsvector',
  phrases: readonly StoreSearchPhrase[],
  owners: readonly StoreSearchPhrase[],
): StoreSearchPhrase[] {
  return fullText === 'tsvector' ? [...owners, ...phrases] : [...phrases, ...owners];
}

/** What a bound search's statements' SQL text depends on besides the dialect and the scope's shape: for a statement's key. */
export function searchShape(bound: BoundSearch): string {
  const { numbered, search, hits, own, each, ownIndex } = bound;
  return `n${numbered ? 1 : 0} p${search.phrases.length} h${hits.length} o${own.length} e${each.length} i${ownIndex.length}`;
}

/**
 * What a search statement is for, and so which of a bound search's values it binds
 * (`searchFor`): a page by the index hits (`'hits'`: the number, the hits and the own
 * checks), a walk over the own texts (`'walk'`: the number and the own checks), the
 * exact-number step (`'number'`), the tickets of rank 2 and 1 from the own-text index
 * (`'own'`: the number, that index's query and the own checks), a walk over the tickets
 * a message matched (`'messages'`: the number and the per-phrase checks), a page driven
 * by the hits of one rare phrase (`{ driven: i }`: the number, that phrase's hits, the
 * own checks and the other phrases' checks), a walk over every ticket the search matches
 * in an order other than relevance (`'any'`: the number, the own checks for the rank, the
 * per-phrase checks).
 */
export type SearchUse = 'hits' | 'walk' | 'number' | 'own' | 'messages' | 'any' | { driven: number };

/**
 * `bound` with only the values a statement for `use` binds (`SearchUse`). A cached
 * statement must bind every argument it is given (`runCached`), and `searchArgs` gives
 * what is left here.
 */
export function searchFor(bound: BoundSearch, use: SearchUse): BoundSearch {
  if (typeof use === 'object') {
    const others = <T>(list: readonly T[]) => list.filter((_, i) => i !== use.driven);
    return { ...bound, hits: [bound.hits[use.driven]], each: others(bound.each), ownIndex: [] };
  }
  return {
    ...bound,
    hits: use === 'hits' ? bound.hits : [],
    own: use === 'hits' || use === 'walk' || use === 'own' || use === 'any' ? bound.own : [],
    each: use === 'messages' || use === 'any' ? bound.each : [],
    ownIndex: use === 'own' ? bound.ownIndex : [],
  };
}

/** A bound search's values in order (`number` if one is searched, `hits`, `own`, `each`, `ownIndex`): a cached statement's arguments. */
export function searchArgs(bound: BoundSearch): unknown[] {
  const values = [...bound.hits, ...bound.own, ...bound.each, ...bound.ownIndex];
  return bound.numbered ? [bound.number, ...values] : values;
}

/** The bound search `searchArgs` gave, its values taken from `args` at `from` (a cached statement's placeholders). */
export function searchFromArgs(bound: BoundSearch, args: readonly unknown[], from: number): BoundSearch {
  let next = from;
  const take = (n: number) => args.slice(next, (next += n));
  const number = bound.numbered ? take(1)[0] : bound.number;
  const hits = take(bound.hits.length);
  const own = take(bound.own.length);
  const each = take(bound.each.length);
  return { search: bound.search, numbered: bound.numbered, number, hits, own, each, ownIndex: take(bound.ownIndex.length) };
}
