/*
 * A nesting limit on micromark's HTML, applied before DOMPurify parses it. jsdom's tree
 * building walks every ancestor on each insert and removes subtrees recursively, so depth
 * costs quadratic time and, past a few thousand levels, the stack (measured: 2 KB of `>`
 * took 1 s in DOMPurify, 8 KB of mixed list and quote markers ended in a RangeError). The
 * Markdown caps already bound container nesting; this bounds everything else that nests
 * (emphasis runs, a table inside a deep quote) in one linear pass.
 *
 * micromark's output is well formed and every `<` in it starts a tag: text and attribute
 * values have `<`, `>` and `"` escaped. So a simple tag scanner is exact here; it would
 * not be on arbitrary HTML.
 */

/** Elements that never have content, so never add depth. */
const VOID = new Set(['br', 'hr', 'img', 'input']);
const TAG = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)[^>]*>/g;

/**
 * Drops the tags (not the text) of elements nested deeper than `maxDepth`, so their
 * content joins the nearest kept ancestor as plain text.
 *
 * @param html micromark's output.
 * @param maxDepth Deepest element nesting kept.
 * @returns The HTML with at most `maxDepth` levels, and whether anything was dropped.
 */
export function limitHtmlDepth(html: string, maxDepth: number): { html: string; flattened: boolean } {
  // `kept[i]`: whether the element open at depth i was kept.
  const kept: boolean[] = [];
  let keptDepth = 0;
  let flattened = false;
  const out = html.replace(TAG, (tag, closing: string, name: string) => {
    if (VOID.has(name.toLowerCase())) return tag;
    if (closing === '') {
      const keep = keptDepth < maxDepth;
      kept.push(keep);
      if (keep) keptDepth += 1;
      else flattened = true;
      return keep ? tag : '';
    }
    const keep = kept.pop() ?? false;
    if (keep) keptDepth -= 1;
    return keep ? tag : '';
  });
  return { html: flattened ? out : html, flattened };
}
