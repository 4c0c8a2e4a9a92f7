/**
 * A list query's `q`, parsed once by the core into the words every store looks up.
 *
 * - Every phrase must occur in the ticket: in its number and subject, or in one message
 *   body the actor may see (different phrases may be in different texts).
 * - A phrase is a `"quoted phrase"`, or outside quotes one whitespace-separated chunk
 *   (`T-1042`, `e-mail`, `网络故障`): its words one after the other.
 * - The last word of each phrase (a lone word is a phrase of one) matches any word it
 *   begins (`pay` finds `payment`) when it is at least `MIN_PREFIX` characters long;
 *   shorter words, and CJK characters, match whole words only.
 * - A `q` without any word (only punctuation) matches nothing.
 *
 * Bounded: at most `MAX_PHRASES` phrases of at most `MAX_PHRASE_WORDS` words are kept
 * (the rest of `q` is ignored), so no query can make a store evaluate an unbounded
 * expression.
 */
import type { StoreSearch, StoreSearchPhrase } from '../store.js';
import { isCjkWord, searchWords } from './search-text.js';

/** The shortest last word matched as a prefix. */
export const MIN_PREFIX = 3;
/** Phrases kept from one query. */
export const MAX_PHRASES = 8;
/** Words kept per phrase. */
export const MAX_PHRASE_WORDS = 16;

function phraseOf(words: string[]): StoreSearchPhrase {
  const kept = words.slice(0, MAX_PHRASE_WORDS);
  const last = kept[kept.length - 1]!;
  return { words: kept, prefix: last.length >= MIN_PREFIX && !isCjkWord(last) };
}

/** The search `q` asks for. `number` is `q` trimmed, for the exact ticket-number match. */
export function parseSearch(q: string): StoreSearch {
  const phrases: StoreSearchPhrase[] = [];
  // Quoted segments are phrases; between them, each whitespace-separated chunk is one
  // (`T-1042` is the words `t 1042` in a row, `网络故障` its four characters in a row).
  // An unclosed quote runs to the end.
  q.split('"').forEach((part, i) => {
    const chunks = i % 2 === 1 ? [part] : part.split(/\s+/u);
    for (const chunk of chunks) {
      const words = searchWords(chunk);
      if (words.length > 0) phrases.push(phraseOf(words));
    }
  });
  return { phrases: phrases.slice(0, MAX_PHRASES), number: q.trim() };
}
