/**
 * The words a text is searched by, the same for every store: each store indexes the
 * output of `searchText` (Postgres `to_tsvector('simple', …)`, SQLite FTS5, the memory
 * store's matcher) and looks up the words of `parseSearch`, so all of them find the same
 * tickets for the same query.
 *
 * Folding: NFKD, combining marks dropped (so `é` is `e`, `Ärger` is `arger`), lower case as
 * `String#toLowerCase`. Words: runs of letters and digits; every other character
 * separates. Han, kana and Hangul characters are words of one character each (these
 * scripts do not separate words by spaces), so a search for a CJK phrase is a phrase of
 * single characters.
 */

/** One CJK character: a word on its own. */
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
/** A word: one CJK character, or a run of other letters and digits. */
const WORD = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]|(?:(?![\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}])[\p{L}\p{N}])+/gu;
const MARKS = /\p{M}+/gu;

/** Longest word kept, in characters: longer runs (a pasted hash, base64) are cut. */
export const MAX_WORD_LENGTH = 64;

/** Text with nothing outside ASCII, where folding is lower case and words are `[a-z0-9]+`. */
const ASCII = /^[\x00-\x7f]*$/;
const ASCII_WORD = /[a-z0-9]+/g;

/** The folded words of `text`, in order. Linear in the length of `text`. */
export function searchWords(text: string): string[] {
  // Most bodies are ASCII: NFKD and the mark removal leave ASCII as it is and it has no
  // CJK, so the Unicode path's words are exactly these (about 60 % of its time on a 1 KB body).
  const ascii = ASCII.test(text);
  const folded = ascii ? text.toLowerCase() : text.normalize('NFKD').replace(MARKS, '').toLowerCase();
  const words: string[] = [];
  for (const match of folded.matchAll(ascii ? ASCII_WORD : WORD)) {
    words.push(match[0].length > MAX_WORD_LENGTH ? match[0].slice(0, MAX_WORD_LENGTH) : match[0]);
  }
  return words;
}

/** `searchWords` without the ASCII fast path (for tests comparing the two). */
export function searchWordsUnicode(text: string): string[] {
  const folded = text.normalize('NFKD').replace(MARKS, '').toLowerCase();
  return [...folded.matchAll(WORD)].map((m) => (m[0].length > MAX_WORD_LENGTH ? m[0].slice(0, MAX_WORD_LENGTH) : m[0]));
}

/** The text a store indexes for `text`: its folded words joined by single spaces. */
export function searchText(text: string): string {
  return searchWords(text).join(' ');
}

/** Whether `word` is a single CJK character (never matched as a prefix). */
export function isCjkWord(word: string): boolean {
  return word.length <= 2 && CJK.test(word);
}
