/**
 * A tenant's word index: for every word of a ticket's `searchText(number + ' ' + subject)`
 * and of its messages' `searchText(body)` (whatever their visibility), the tickets it
 * occurs in. A search looks up its rarest word (a prefix: every indexed word it begins)
 * and checks only those tickets with the reference matcher (`searchRankOf`), so the index
 * only has to hold a superset of the matches.
 *
 * Postings are appended to, never rewritten: an edit or a move posts the new words and
 * leaves the old ones (a stale entry costs one check, never a wrong answer). A rolled-back
 * write pops what it appended and removes the words it added, so the index is exactly as
 * before.
 *
 * Compact, because a desk's messages post millions of times: a posting is the ticket's
 * number in its tenant (its row's `seq`, the order of insertion), a short list is an
 * exact-size array of them, and a list past `PACK_FROM` postings is packed as the
 * differences between neighbours, a variable-length integer each (one or two bytes for a
 * common word's postings, which mostly arrive in ticket order), in a `Uint8Array`.
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

/** Lists with this many postings are packed. */
const PACK_FROM = 32;

/** A long posting list: zigzag varints of the differences between neighbouring ordinals. */
export class PackedPostings {
  bytes: Uint8Array;
  /** Bytes in use. */
  size = 0;
  /** Postings held. */
  count = 0;
  /** The last ordinal posted (what the next difference is from). */
  last = 0;

  constructor(ordinals: readonly number[]) {
    this.bytes = new Uint8Array(ordinals.length * 2 + 16);
    for (const o of ordinals) this.push(o);
  }

  push(ordinal: number): void {
    if (this.size + 6 > this.bytes.length) {
      const grown = new Uint8Array(Math.ceil(this.bytes.length * 1.5) + 16);
      grown.set(this.bytes.subarray(0, this.size));
      this.bytes = grown;
    }
    const d = ordinal - this.last;
    // Zigzag: small negative differences (a posting for an older ticket) stay small.
    let z = d >= 0 ? d * 2 : -d * 2 - 1;
    while (z >= 0x80) {
      this.bytes[this.size++] = (z % 0x80) | 0x80;
      z = Math.floor(z / 0x80);
    }
    this.bytes[this.size++] = z;
    this.count += 1;
    this.last = ordinal;
  }

  /** Undoes the pushes since `mark()` returned `m`. */
  reset(m: { size: number; count: number; last: number }): void {
    this.size = m.size;
    this.count = m.count;
    this.last = m.last;
  }

  mark(): { size: number; count: number; last: number } {
    return { size: this.size, count: this.count, last: this.last };
  }

  *ordinals(): Generator<number> {
    let at = 0;
    let value = 0;
    while (at < this.size) {
      let z = 0;
      let scale = 1;
      let b: number;
      do {
        b = this.bytes[at++]!;
        z += (b & 0x7f) * scale;
        scale *= 0x80;
      } while (b & 0x80);
      value += z % 2 === 0 ? z / 2 : -(z + 1) / 2;
      yield value;
    }
  }
}

/**
 * A word's postings: ticket ordinals, one alone (most words, serial numbers and the like,
 * occur in one ticket), a few in an exact-size array, or many packed.
 */
export type Postings = number | number[] | PackedPostings;

const countOf = (p: Postings): number => (typeof p === 'number' ? 1 : Array.isArray(p) ? p.length : p.count);
const lastOf = (p: Postings): number | undefined =>
  typeof p === 'number' ? p : Array.isArray(p) ? p[p.length - 1] : p.count === 0 ? undefined : p.last;

export class SearchIndex {
  /** word -> the ordinals of the tickets it occurred in (in posting order; may repeat). */
  readonly postings = new Map<string, Postings>();
  /** The words of `postings`, sorted (code-unit order: a prefix's words are contiguous). */
  readonly vocab: string[] = [];
  /** ordinal -> ticket id (kept by `TenantData`: a ticket's ordinal is its row's `seq`) */
  readonly ids: string[] = [];

  /** The ids a word's postings name, in posting order. */
  *idsOf(p: Postings): Generator<string> {
    for (const o of typeof p === 'number' ? [p] : Array.isArray(p) ? p : p.ordinals()) yield this.ids[o]!;
  }

  /** Posts the words of `text` (a `searchText` output) for the ticket of ordinal `ordinal`. */
  add(text: string, ordinal: number, undo: (() => void)[]): void {
    if (text === '') return;
    // Per word: the list before (undefined: a new word), and the packed list's mark when pushed onto in place.
    const changed: { w: string; before: Postings | undefined; mark: ReturnType<PackedPostings['mark']> | null }[] = [];
    for (const w of new Set(text.split(' '))) {
      const before = this.postings.get(w);
      if (before !== undefined && lastOf(before) === ordinal) continue;
      if (before instanceof PackedPostings) {
        changed.push({ w, before, mark: before.mark() });
        before.push(ordinal);
        continue;
      }
      const after: Postings =
        before === undefined
          ? ordinal
          : typeof before === 'number'
            ? [before, ordinal]
            : before.length + 1 >= PACK_FROM
              ? new PackedPostings([...before, ordinal])
              : appended(before, ordinal);
      this.postings.set(w, after);
      if (before === undefined) this.vocab.splice(lowerBound(this.vocab, w), 0, w);
      changed.push({ w, before, mark: null });
    }
    if (changed.length === 0) return;
    undo.push(() => {
      for (let i = changed.length - 1; i >= 0; i--) {
        const { w, before, mark } = changed[i]!;
        if (mark) (before as PackedPostings).reset(mark);
        else if (before !== undefined) this.postings.set(w, before);
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
    let best: Postings[] | null = null;
    let bestCost = Infinity;
    for (const phrase of search.phrases) {
      phrase.words.forEach((w, i) => {
        // A word the indexer cannot have produced (a hand-built search) is no key.
        if (w === '' || w.includes(' ')) return;
        if (phrase.prefix && i === phrase.words.length - 1) {
          const lists: Postings[] = [];
          let cost = 0;
          for (let j = lowerBound(this.vocab, w); j < this.vocab.length && this.vocab[j]!.startsWith(w); j++) {
            const list = this.postings.get(this.vocab[j]!)!;
            lists.push(list);
            cost += countOf(list);
            if (cost >= bestCost) return;
          }
          best = lists;
          bestCost = cost;
        } else {
          const list = this.postings.get(w) ?? [];
          if (countOf(list) < bestCost) {
            best = [list];
            bestCost = countOf(list);
          }
        }
      });
    }
    if (best === null) return null;
    const ids = new Set<string>();
    for (const list of best as Postings[]) for (const id of this.idsOf(list)) ids.add(id);
    return ids;
  }
}
