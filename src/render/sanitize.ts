import { createRequire } from 'node:module';
import { isAbsolute } from 'node:path';
import { ALLOWED_ATTR, ALLOWED_TAGS, ALLOWED_URL, CODE_LANGUAGE_CLASS, LINK_REL } from './sanitize-policy.js';

/*
 * The HTML sanitiser behind message rendering: DOMPurify on a jsdom window.
 *
 * jsdom costs about 0.4 s to import and ~60 ms for its first window, so neither is
 * touched at import time: a host that never renders a body must not pay for it. Both are
 * loaded on the first `sanitizeHtml` call through `createRequire`, which keeps that call
 * synchronous (a dynamic `import()` would force every caller to be async). It resolves
 * from `import.meta.url` in ESM and from `__filename` in the CJS build (see
 * `createPurifier` for why not tsup's `import.meta.url` shim there).
 *
 * No types are imported from `jsdom`: `@types/jsdom` pulls `lib: dom` into the whole
 * program, which would change the globals every other file sees. The small structural
 * types below cover exactly what this file touches.
 */

/** The subset of a DOM node this file uses. */
interface DomNode {
  readonly nodeName: string;
  readonly parentNode: DomNode | null;
  readonly firstChild: DomNode | null;
  readonly nextSibling: DomNode | null;
  textContent: string | null;
  insertBefore(node: DomNode, child: DomNode | null): DomNode;
  replaceWith(...nodes: Array<DomNode | string>): void;
  remove(): void;
  replaceChildren(...nodes: Array<DomNode | string>): void;
}

/** The subset of a DOM element this file uses. */
interface DomElement extends DomNode {
  readonly ownerDocument: { createElement(tagName: string): DomElement };
  innerHTML: string;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  hasAttribute(name: string): boolean;
}

/** What DOMPurify hands an `uponSanitizeAttribute` hook. */
interface AttributeHookEvent {
  readonly attrName: string;
  readonly attrValue: string;
  keepAttr: boolean;
}

/** The subset of a DOMPurify instance this file uses. */
interface Purifier {
  setConfig(config: Record<string, unknown>): void;
  sanitize(dirty: string): DomElement;
  addHook(entryPoint: 'afterSanitizeAttributes', hook: (node: DomElement) => void): void;
  addHook(
    entryPoint: 'uponSanitizeAttribute',
    hook: (node: DomElement, event: AttributeHookEvent) => void,
  ): void;
}

/** The parts of the `jsdom` module used here. */
interface JsdomModule {
  JSDOM: new (html: string, options: { virtualConsole: unknown }) => { window: unknown };
  VirtualConsole: new () => unknown;
}

/**
 * DOMPurify's allowlist: the shared one (sanitize-policy.ts) plus `body`. Not content:
 * DOMPurify parses into a document and walks from its <body>. Leaving body off the list
 * makes it "remove" that root on every call, which deep-clones the whole tree first (2.4x
 * slower here, same output). Its attributes are never serialised.
 */
const PURIFY_TAGS = [...ALLOWED_TAGS, 'body'];

let purifier: Purifier | undefined;
let windowCount = 0;

/**
 * Sanitises an HTML fragment for display as a message body.
 *
 * Keeps only the formatting GFM produces (see the allowlists above): no script, style,
 * iframe, form, svg, `on*` or `style` attributes, ids, `data-*`/`aria-*` attributes or
 * comments. Link URLs must be absolute `http:`, `https:` or `mailto:`; a link whose URL
 * fails loses its `<a>` and keeps its text. Every link gets
 * `rel="nofollow noopener noreferrer"` and `target="_blank"`. Images are not embedded:
 * `<img>` with an allowed `src` becomes a link to it (text: its `alt`, else the URL),
 * any other `<img>` becomes its `alt` text. Task-list inputs are forced to disabled
 * checkboxes.
 *
 * Synchronous. The first call loads jsdom and DOMPurify and creates the one window all
 * later calls share. Each call holds ~12-15 KB until the current task (not microtask)
 * ends, so a batch of thousands in one task should yield to the event loop now and then
 * (`setImmediate`).
 *
 * @param html Untrusted HTML, typically micromark's output.
 * @returns Sanitised HTML, safe to insert into a page as-is.
 */
export function sanitizeHtml(html: string): string {
  return sanitizeHtmlCapped(html, Number.POSITIVE_INFINITY).html;
}

/**
 * `sanitizeHtml` with a cap on links: links (images included, as they become links)
 * beyond the first `maxLinks` are replaced by their text. Linear in the size of `html`
 * as long as its nesting is bounded (see `limitHtmlDepth`).
 *
 * @param html Untrusted HTML.
 * @param maxLinks How many links to keep.
 * @returns The sanitised HTML and whether links were dropped for the cap.
 */
export function sanitizeHtmlCapped(html: string, maxLinks: number): { html: string; linksCapped: boolean } {
  const body = getPurifier().sanitize(html);
  unembedImages(body);
  const linksCapped = unwrapLinks(body, maxLinks);
  const clean = body.innerHTML;
  // DOMPurify walks each call's fresh document with a NodeIterator, and jsdom tracks
  // iterators through WeakRefs. V8 keeps every WeakRef target alive until the current
  // task ends, so a loop rendering many bodies in one task (a bulk import, a batch
  // awaiting only resolved promises) would keep every parsed tree: ~480 KB per 2 KB body;
  // a default heap ran out after ~8,000 such renders. Emptying the body leaves only the
  // bare document, ~12-15 KB per call until the task ends.
  body.replaceChildren();
  return { html: clean, linksCapped };
}

/**
 * Loads jsdom and DOMPurify and creates the shared window now, if not done yet, and runs
 * one small body through them so that the first real call finds them warm.
 */
export function warmSanitizer(): void {
  if (purifier !== undefined) return;
  sanitizeHtml('<p><a href="https://e.example" title="t">warm</a> <img src="https://e.example/i.png" alt="i"></p>');
}

/**
 * Whether the first `sanitizeHtml` call has loaded jsdom and DOMPurify in this copy of the
 * module. For tests and for hosts measuring their cold start.
 *
 * @returns `false` until the first `sanitizeHtml` call, `true` after.
 */
export function isSanitizerLoaded(): boolean {
  return purifier !== undefined;
}

/**
 * How many jsdom windows this copy of the module has created: 0 before the first
 * `sanitizeHtml` call and 1 after it, however many calls follow. For tests.
 *
 * @returns The number of windows created so far.
 */
export function sanitizerWindowCount(): number {
  return windowCount;
}

function getPurifier(): Purifier {
  purifier ??= createPurifier();
  return purifier;
}

function createPurifier(): Purifier {
  // In the CJS build `import.meta.url` is tsup's shim, which returns an http: URL as soon
  // as a global `document` exists (a host's tests under a jsdom environment), and
  // createRequire rejects that. `__filename` is the real path there; in ESM it is
  // undeclared, and `typeof` is safe on an undeclared name. In a worker started from
  // `eval` code (the render worker run from source) it is the global '[worker eval]'.
  const load = createRequire(typeof __filename === 'string' && isAbsolute(__filename) ? __filename : import.meta.url);
  const { JSDOM, VirtualConsole } = load('jsdom') as JsdomModule;
  const createDOMPurify = load('dompurify') as (window: unknown) => Purifier;

  // A silent console: jsdom would otherwise print its complaints about untrusted input
  // (say, unparsable CSS in a `<style>` about to be removed) to the host's stdout.
  const { window } = new JSDOM('', { virtualConsole: new VirtualConsole() });
  windowCount += 1;
  const instance = createDOMPurify(window);

  // setConfig once: DOMPurify then skips re-parsing the config on every call.
  instance.setConfig({
    ALLOWED_TAGS: PURIFY_TAGS,
    ALLOWED_ATTR: [...ALLOWED_ATTR],
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
    ALLOW_UNKNOWN_PROTOCOLS: false,
    // Return the body so images and dead links can be rewritten before serialising.
    RETURN_DOM: true,
  });

  // Hooks are registered here, once per instance, so repeated calls never stack them.
  instance.addHook('uponSanitizeAttribute', (node, event) => {
    if (event.attrName === 'href' || event.attrName === 'src') {
      // Stricter than DOMPurify's own URL check, which still runs after this one: that
      // one admits relative URLs, an empty href (micromark's output for a refused URL)
      // and `data:` on img. Not done with ALLOWED_URI_REGEXP: DOMPurify tests that
      // against every attribute not on its URI-safe list, so it would also strip
      // `align="left"`, `start="3"` and `type="checkbox"`.
      event.keepAttr = ALLOWED_URL.test(event.attrValue);
    } else if (event.attrName === 'class') {
      event.keepAttr = node.nodeName === 'CODE' && CODE_LANGUAGE_CLASS.test(event.attrValue);
    }
  });
  instance.addHook('afterSanitizeAttributes', (node) => {
    if (node.nodeName === 'A' && node.hasAttribute('href')) {
      hardenLink(node);
    } else if (node.nodeName === 'INPUT') {
      // GFM only emits disabled checkboxes; anything else named input is made one, so a
      // body can never contain a live form control.
      node.setAttribute('type', 'checkbox');
      node.setAttribute('disabled', '');
    }
  });
  return instance;
}

function hardenLink(link: DomElement): void {
  link.setAttribute('rel', LINK_REL);
  link.setAttribute('target', '_blank');
}

/**
 * Replaces each image with a link to it. An embedded remote image loads as soon as the
 * message is viewed, telling whoever hosts the URL the reader's IP and when they read it
 * (a tracking pixel), may be blocked as mixed content on an https panel, and can be
 * swapped after the fact since only the URL is stored. A link keeps the information and
 * waits for a click. Runs on already-sanitised nodes, so `src` has passed the URL rule.
 */
function unembedImages(body: DomElement): void {
  for (const img of elementsNamed(body, 'IMG')) {
    const src = img.getAttribute('src');
    const alt = img.getAttribute('alt') ?? '';
    // Inside a link (`[![alt](img)](url)`) a second link would nest anchors; the outer
    // link already leads somewhere, so the image is reduced to its text.
    if (src === null || isInsideLink(img)) {
      img.replaceWith(alt);
      continue;
    }
    const link = img.ownerDocument.createElement('a');
    link.setAttribute('href', src);
    hardenLink(link);
    link.textContent = alt === '' ? src : alt;
    img.replaceWith(link);
  }
}

function isInsideLink(node: DomNode): boolean {
  for (let up = node.parentNode; up !== null; up = up.parentNode) {
    if (up.nodeName === 'A') return true;
  }
  return false;
}

/**
 * An `<a>` whose URL was refused is replaced by its contents, so no dead link remains;
 * so is every link after the first `maxLinks`.
 *
 * @returns Whether a link with a URL was unwrapped for the cap.
 */
function unwrapLinks(body: DomElement, maxLinks: number): boolean {
  let kept = 0;
  let capped = false;
  for (const link of elementsNamed(body, 'A')) {
    if (link.hasAttribute('href')) {
      if (kept < maxLinks) {
        kept += 1;
        continue;
      }
      capped = true;
    }
    const parent = link.parentNode;
    if (parent === null) continue;
    while (link.firstChild !== null) parent.insertBefore(link.firstChild, link);
    link.remove();
  }
  return capped;
}

/**
 * The elements named `nodeName` under `root`, in document order, as a plain array taken
 * before the caller changes the tree. Neither `getElementsByTagName` nor
 * `querySelectorAll`: spreading jsdom's live HTMLCollection runs a named-item lookup per
 * index (quadratic in the number of links: 8,000 links took 5.6 s to sanitise, 1.0 s now), and its selector
 * engine costs ~5 ms per query on a 2 KB body. A walk over `firstChild`/`nextSibling`
 * is linear and needs no stack.
 */
function elementsNamed(root: DomNode, nodeName: string): DomElement[] {
  const found: DomElement[] = [];
  let node = root.firstChild;
  while (node !== null) {
    if (node.nodeName === nodeName) found.push(node as DomElement);
    if (node.firstChild !== null) {
      node = node.firstChild;
      continue;
    }
    while (node !== null && node !== root && node.nextSibling === null) node = node.parentNode;
    if (node === null || node === root) break;
    node = node.nextSibling;
  }
  return found;
}
