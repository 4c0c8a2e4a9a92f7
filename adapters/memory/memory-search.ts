/**
 * A tenant's word index: for every word of a ticket's `searchText(number + ' ' + subject)`
 * and of its messages' `searchText(body)` (whatever their visibility), the tickets it
 * occurs in. A search looks up its rarest word (a prefix: every indexed word it begins)
 * and checks only those tickets with the reference matcher (`searchRankOf`) on the texts
 * cached at write time, so the index only has to hold a superset of the matches.
 *
 * Postings are appended to, never rewritten: an edit or a move posts the new words and
 * leaves the old ones (a stale entry costs one check, never a wrong answer). A rolled-back
 * write pops what it appended and removes the words it added, so the index is exactly as
 * before.
 */
import type { StoreSearch } from '../../src/store.js';
import { appended } from './memory-append.js';

function lowerBound(sorted: readonly string[], w: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < w) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class SearchIndex {
  /** word -> ids of tickets it occurred in (in posting order; may repeat). */
  readonly postings = new Map<string, string[]>();
  /** The words of `postings`, sorted (code-unit order: a prefix's words are contiguous). */
  readonly vocab: string[] = [];

  /** Posts the words of `text` (a `searchText` output) for ticket `id`. */
  add(text: string, id: string, undo: (() => void)[]): void {
    if (text === '') return;
    // Per word: the list before (undefined: a new word) and whether it was pushed onto in place.
    const changed: { w: string; before: string[] | undefined; inPlace: boolean }[] = [];
    for (const w of new Set(text.split(' '))) {
      const before = this.postings.get(w);
      if (before !== undefined && before[before.length - 1] === id) continue;
      const after = appended(before, id);
      if (after !== before) this.postings.set(w, after);
      if (before === undefined) this.vocab.splice(lowerBound(this.vocab, w), 0, w);
      changed.push({ w, before, inPlace: after === before });
    }
    if (changed.length === 0) return;
    undo.push(() => {
      for (let i = changed.length - 1; i >= 0; i--) {
        const { w, before, inPlace } = changed[i]!;
        if (inPlace) before!.pop();
        else if (before) this.postings.set(w, before);
        else {
          this.postings.delete(w);
          this.vocab.splice(lowerBound(this.vocab, w), 1);
        }
      }
    });
  }

  /**
   * The ids of the tickets that may contain every phrase (a superset: each holds the
   * search's rarest word), or `null` when no phrase has a word to look up (a caller scans).
   */
  candidates(search: StoreSearch): Iterable<string> | null {
    // No phrase: only the exact number can match (the caller looks it up).
    if (search.phrases.length === 0) return [];
    let best: string[][] | null = null;
    let bestCost = Infinity;
    for (const phrase of search.phrases) {
      phrase.words.forEach((w, i) => {
        // A word the indexer cannot have produced (a hand-built search) is no key.
        if (w === '' || w.includes(' ')) return;
        if (phrase.prefix && i === phrase.words.length - 1) {
          const lists: string[][] = [];
          let cost = 0;
          for (let j = lowerBound(this.vocab, w); j < this.vocab.length && this.vocab[j]!.startsWith(w); j++) {
            const list = this.postings.get(this.vocab[j]!)!;
            lists.push(list);
            cost += list.length;
            if (cost >= bestCost) return;
          }
          best = lists;
          bestCost = cost;
        } else {
          const list = this.postings.get(w) ?? [];
          if (list.length < bestCost) {
            best = [list];
            bestCost = list.length;
          }
        }
      });
    }
    if (best === null) return null;
    const lists: string[][] = best;
    return lists.length === 1 ? new Set(lists[0]) : new Set(lists.flat());
  }
}
