/**
 * Appending to the store's many short lists (a ticket's thread and audit trail, a word's
 * postings, a subscriber's tickets) without V8's growth slack: a `push` onto a small
 * array reserves room for 16 more elements (about 130 bytes), which across hundreds of
 * thousands of lists is tens of megabytes. A short list is replaced by an exact-size copy
 * instead; a long one, where the copy would cost more than the slack, grows in place.
 */

/** Lists up to this length are copied on append. */
const COPY_UP_TO = 32;

/**
 * `list` with `item` appended: a new exact-size array while the list is short (or absent),
 * else `list` itself, pushed onto. The caller stores the result and, to undo, restores
 * `list` (when a new array came back) or pops (when `list` itself did).
 */
export function appended<T>(list: T[] | undefined, item: T): T[] {
  if (list === undefined) return [item];
  if (list.length >= COPY_UP_TO) {
    list.push(item);
    return list;
  }
  const out = new Array<T>(list.length + 1);
  for (let i = 0; i < list.length; i++) out[i] = list[i]!;
  out[list.length] = item;
  return out;
}
