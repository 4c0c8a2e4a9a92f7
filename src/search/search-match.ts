/**
 * The reference matcher: whether a text indexed by `searchText` contains a phrase, by the
 * rules of `search-query.ts`. The memory store searches with it; the SQL stores'
 * full-text queries must agree with it (the contract suite compares them).
 */
import type { StoreSearch, StoreSearchPhrase } from '../store.js';

/**
 * Whether `indexed` (the output of `searchText`) contains `phrase`: its words in a row,
 * the last one as a prefix when `phrase.prefix`. Linear in `indexed`.
 */
export function containsPhrase(indexed: string, phrase: StoreSearchPhrase): boolean {
  // ` w1 w2 … wn` in ` indexed `: a space before every word, and after the last one
  // unless it is a prefix.
  const needle = ` ${phrase.words.join(' ')}${phrase.prefix ? '' : ' '}`;
  return ` ${indexed} `.includes(needle);
}

/**
 * The `searchRank` of a ticket (see `StoreTicketSummary`), or `null` when it does not
 * match: `own` is `searchText(number + ' ' + subject)`, `bodies` the `searchText` of each
 * message body the scope may see.
 */
export function searchRankOf(
  search: StoreSearch,
  number: string,
  own: string,
  bodies: () => Iterable<string>,
): number | null {
  if (search.number !== '' && number.toLowerCase() === search.number.toLowerCase()) return 2;
  if (search.phrases.length === 0) return null;
  const missing = search.phrases.filter((phrase) => !containsPhrase(own, phrase));
  if (missing.length === 0) return 1;
  for (const phrase of missing) {
    let found = false;
    for (const body of bodies()) {
      if (containsPhrase(body, phrase)) {
        found = true;
        break;
      }
    }
    if (!found) return null;
  }
  return 0;
}
