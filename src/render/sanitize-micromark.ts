import { ALLOWED_ATTR, ALLOWED_TAGS, ALLOWED_URL, CODE_LANGUAGE_CLASS, LINK_REL } from './sanitize-policy.js';

/*
 * The sanitiser for micromark's own output: one linear pass over its tags and text, with
 * the same policy and the same result as DOMPurify on jsdom (sanitize.ts), at a small
 * fraction of the cost. Parsing a 2 KB reply's HTML into jsdom alone took as long as
 * micromark took to produce it (2.6 ms against 2.7 ms), so no tuning of DOMPurify could
 * bring a render near micromark's own time.
 *
 * Why a token pass is exact here. With `allowDangerousHtml: false` micromark writes every
 * tag itself, from a fixed set, always well nested, with `&`, `<`, `>` and `"` escaped in
 * text and attribute values. The pass accepts only that shape: text made of characters
 * other than `<`, `>` and NUL (CRs normalised as the parser does, but no form feed or CR
 * in leading whitespace, which DOMPurify puts back only in part) with `&` only in `&amp;`,
 * `&lt;`, `&gt;` and `&quot;`; tags `<name( attr="value")*( /)?>` and `</name>`, names
 * from the allowlist (plus `section`, dropped with its content kept, as DOMPurify does),
 * no `is` attribute (DOMPurify drops such an element whole), every close matching its
 * open; and only nestings a browser's HTML parser builds exactly as written (no block in
 * a paragraph, table parts only in their table, no link in a link, no newline right after
 * `<pre>`). For such input a browser's tokenizer sees exactly these tokens and its tree
 * builder exactly this tree, so deciding each tag and attribute here is deciding them on
 * the parsed DOM. Anything else returns `undefined` and the caller falls back to
 * DOMPurify: a micromark bug letting raw HTML through would land there too.
 *
 * The output is serialised as jsdom serialises (text escapes `&`, `<`, `>` and U+00A0;
 * attribute values also `"`; void elements without ` /`), so both paths give the same
 * string, which test/render/sanitize-micromark.test.ts checks on generated and
 * pathological bodies.
 */

/** Sanitised HTML and whether links were dropped for the cap. */
export interface SanitizedHtml {
  html: string;
  linksCapped: boolean;
}

const KEPT = new Set(ALLOWED_TAGS);
const ATTRIBUTES = new Set(ALLOWED_ATTR);
/** Dropped with their content kept (footnotes' wrapper). Any other unknown tag: fallback. */
const UNWRAPPED = new Set(['section']);
const VOID = new Set(['br', 'hr', 'img', 'input']);

/** Elements that close an open `<p>` in the HTML parser: allowed only where no `<p>` can be. */
const BLOCK = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'blockquote', 'pre', 'table', 'hr', 'section']);
const BLOCK_PARENTS = new Set(['', 'blockquote', 'li', 'section']);
/**
 * Table parts the parser rearranges anything else in (foster parenting): they hold only
 * their own children and whitespace.
 */
const TABLE_CONTEXT = new Set(['table', 'thead', 'tbody', 'tr']);
/** Elements with one fixed kind of parent. */
const ONLY_IN: Readonly<Record<string, ReadonlySet<string>>> = {
  li: new Set(['ul', 'ol']),
  thead: new Set(['table']),
  tbody: new Set(['table']),
  tr: new Set(['thead', 'tbody']),
  th: new Set(['tr']),
  td: new Set(['tr']),
};

const START_TAG = /^<([a-z][a-z0-9]*)((?: [a-z][a-z0-9-]*="[^"]*")*)( \/)?>$/;
const END_TAG = /^<\/([a-z][a-z0-9]*)>$/;
const ATTRIBUTE = / ([a-z][a-z0-9-]*)="([^"]*)"/g;
/** Anything in text or an attribute value that micromark would have escaped, or that the parser rewrites. */
const UNEXPECTED = /&(?!(?:amp|lt|gt|quot);)|[<>\0]/;
const ESCAPED = /&(?:amp|lt|gt|quot);/g;
const HTML_WHITESPACE = /^[\t\n\f ]*$/;
const LEADING_FF_OR_CR = /^[\t\n ]*[\f\r]/;

/*
 * DOMPurify's attribute checks, as it runs them with sanitize.ts's configuration: the
 * value trimmed, refused when it could break out of a comment or raw-text element, and,
 * for attributes not on its URI-safe list, checked against its URI pattern after removing
 * whitespace (an empty value passes). Copied from DOMPurify 3.4's source.
 */
const ATTR_VALUE_BREAKOUT = /((--!?|])>)|<\/(style|script|title|xmp|textarea|noscript|iframe|noembed|noframes)/i;
const URI_SAFE = new Set(['alt', 'class', 'title']);
const IS_ALLOWED_URI = /^(?:(?:(?:f|ht)tps?|mailto|tel|callto|sms|cid|xmpp|matrix):|[^a-z]|[a-z+.\-]+(?:[^a-z+.\-:]|$))/i;
const ATTR_WHITESPACE = /[\u0000-\u0020\u00A0\u1680\u180E\u2000-\u2029\u205F\u3000]/g;

/** An open element: its name and whether its tags are written out. */
interface Open {
  name: string;
  written: boolean;
}

/**
 * Sanitises micromark's HTML with the policy of `sanitizeHtmlCapped`, or says it cannot.
 * Linear in the length of `html`.
 *
 * @param source micromark's output (after `limitHtmlDepth`).
 * @param maxLinks How many links (images included, as they become links) to keep.
 * @returns The sanitised HTML, or `undefined` when `html` is not in the shape micromark
 *   writes: the caller must then use the DOM sanitiser.
 */
export function sanitizeMicromarkHtml(source: string, maxLinks: number): SanitizedHtml | undefined {
  // Leading whitespace is dropped by the parser before <body> and put back by DOMPurify
  // as written up to the first form feed, CR included: exact only without either (spaces
  // come first when micromark writes an indented raw-HTML block as text).
  if (LEADING_FF_OR_CR.test(source)) return undefined;
  // The parser's first step (a `&#13;` in the Markdown comes out as a bare CR).
  const html = source.includes('\r') ? source.replace(/\r\n?/g, '\n') : source;
  const stack: Open[] = [];
  let out = '';
  let links = 0;
  let linksCapped = false;
  let openLinks = 0; // `<a>` elements open, written or not
  let afterPre = false;
  let at = 0;
  while (at < html.length) {
    const lt = html.indexOf('<', at);
    const textEnd = lt < 0 ? html.length : lt;
    if (textEnd > at) {
      const text = html.slice(at, textEnd);
      if (UNEXPECTED.test(text)) return undefined;
      const parent = stack.length === 0 ? '' : stack[stack.length - 1]!.name;
      if (TABLE_CONTEXT.has(parent) && !HTML_WHITESPACE.test(text)) return undefined;
      // The parser drops a newline right after <pre>; micromark never writes one there.
      if (afterPre && text.startsWith('\n')) return undefined;
      out += textOut(text);
    }
    afterPre = false;
    if (lt < 0) break;
    // Attribute values have `>` escaped, so the first `>` ends the tag.
    const gt = html.indexOf('>', lt);
    if (gt < 0) return undefined;
    const tag = html.slice(lt, gt + 1);
    at = gt + 1;

    const end = END_TAG.exec(tag);
    if (end !== null) {
      const open = stack.pop();
      if (open === undefined || open.name !== end[1]) return undefined;
      if (open.name === 'a') openLinks -= 1;
      if (open.written) out += `</${open.name}>`;
      continue;
    }
    const start = START_TAG.exec(tag);
    if (start === null) return undefined;
    const name = start[1]!;
    if (!KEPT.has(name) && !UNWRAPPED.has(name)) return undefined;
    const isVoid = VOID.has(name);
    if (start[3] !== undefined && !isVoid) return undefined;
    const parent = stack.length === 0 ? '' : stack[stack.length - 1]!.name;
    if (BLOCK.has(name) && !BLOCK_PARENTS.has(parent)) return undefined;
    const onlyIn = ONLY_IN[name];
    if (onlyIn === undefined ? TABLE_CONTEXT.has(parent) : !onlyIn.has(parent)) return undefined;

    const attributes = keptAttributes(name, start[2]!);
    if (attributes === undefined) return undefined;

    if (name === 'img') {
      const src = attributes.get('src');
      const alt = attributes.get('alt') ?? '';
      // An image becomes a link to it, or its text inside a link or past the cap.
      if (src === undefined || openLinks > 0) {
        out += escapeText(alt);
      } else if (links < maxLinks) {
        links += 1;
        out += `<a href="${escapeAttribute(src)}" rel="${LINK_REL}" target="_blank">${escapeText(alt === '' ? src : alt)}</a>`;
      } else {
        linksCapped = true;
        out += escapeText(alt === '' ? src : alt);
      }
      continue;
    }
    if (name === 'a') {
      if (openLinks > 0) return undefined; // the parser would close the outer link
      openLinks += 1;
      let written = false;
      if (attributes.has('href')) {
        if (links < maxLinks) {
          links += 1;
          written = true;
          attributes.set('rel', LINK_REL);
          attributes.set('target', '_blank');
        } else {
          linksCapped = true;
        }
      }
      stack.push({ name, written });
      if (written) out += openTag(name, attributes);
      continue;
    }
    if (name === 'input') {
      // Only ever a disabled checkbox (GFM's task lists), whatever was written.
      attributes.set('type', 'checkbox');
      attributes.set('disabled', '');
    }
    const written = KEPT.has(name);
    if (written) out += openTag(name, attributes);
    if (!isVoid) stack.push({ name, written });
    afterPre = name === 'pre';
  }
  if (stack.length > 0) return undefined;
  return { html: out, linksCapped };
}

/**
 * The attributes DOMPurify and sanitize.ts's hooks keep on element `name`, in source
 * order, values decoded and trimmed; `undefined` for a malformed list (an unexpected
 * character, a repeated name) or one DOMPurify would not decide attribute by attribute
 * (`is`).
 */
function keptAttributes(name: string, list: string): Map<string, string> | undefined {
  const kept = new Map<string, string>();
  if (list === '') return kept;
  const seen = new Set<string>();
  for (const [, attribute, raw] of list.matchAll(ATTRIBUTE)) {
    if (seen.has(attribute!)) return undefined;
    // DOMPurify removes an element whose `is` it removes, content and all (RETURN_DOM).
    if (attribute === 'is') return undefined;
    seen.add(attribute!);
    if (UNEXPECTED.test(raw!)) return undefined;
    if (!ATTRIBUTES.has(attribute!)) continue;
    const value = decode(raw!).trim();
    if (attribute === 'href' || attribute === 'src') {
      if (!ALLOWED_URL.test(value)) continue;
    } else if (attribute === 'class') {
      if (name !== 'code' || !CODE_LANGUAGE_CLASS.test(value)) continue;
    }
    if (ATTR_VALUE_BREAKOUT.test(value)) continue;
    if (!URI_SAFE.has(attribute!) && value !== '' && !IS_ALLOWED_URI.test(value.replace(ATTR_WHITESPACE, ''))) continue;
    kept.set(attribute!, value);
  }
  return kept;
}

function openTag(name: string, attributes: ReadonlyMap<string, string>): string {
  let tag = `<${name}`;
  for (const [attribute, value] of attributes) tag += ` ${attribute}="${escapeAttribute(value)}"`;
  return `${tag}>`;
}

function decode(value: string): string {
  if (!value.includes('&')) return value;
  return value.replace(ESCAPED, (reference) =>
    reference === '&amp;' ? '&' : reference === '&lt;' ? '<' : reference === '&gt;' ? '>' : '"',
  );
}

/** micromark's escaped text as jsdom writes it: `"` bare, U+00A0 as `&nbsp;`. */
function textOut(text: string): string {
  if (!text.includes('&quot;') && !text.includes('\u00a0')) return text;
  return text.replace(/&quot;|\u00a0/g, (match) => (match === '&quot;' ? '"' : '&nbsp;'));
}

function escapeText(text: string): string {
  return text.replace(/[&<>\u00a0]/g, escapeOne);
}

function escapeAttribute(value: string): string {
  return value.replace(/["&<>\u00a0]/g, escapeOne);
}

function escapeOne(char: string): string {
  switch (char) {
    case '&':
      return '&amp;';
    case '<':
      return '&lt;';
    case '>':
      return '&gt;';
    case '"':
      return '&quot;';
    default:
      return '&nbsp;';
  }
}
