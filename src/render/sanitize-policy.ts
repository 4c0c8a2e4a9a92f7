/*
 * What a rendered message body may contain, shared by the two sanitisers: DOMPurify on a
 * jsdom window (sanitize.ts, any HTML) and the token pass over micromark's own output
 * (sanitize-micromark.ts, the usual path). Both must give the same result for the same
 * input; test/render/sanitize-micromark.test.ts compares them.
 */

/** `rel` put on every surviving link: no referrer, no `window.opener`, no SEO credit. */
export const LINK_REL = 'nofollow noopener noreferrer';

/**
 * Only absolute http(s) and mailto URLs survive. Relative and fragment URLs are dropped
 * too: the HTML is rendered once and stored, then shown in panels, reseller sites and
 * e-mails with different base URLs, so a relative link would point somewhere different in
 * each (and could aim a click at the host panel's own endpoints). The value is tested
 * trimmed, as-is otherwise, so a control character or space inside the scheme
 * (`java\tscript:`, `ht\ttps:`) fails rather than being forgiven.
 */
export const ALLOWED_URL = /^(?:https?|mailto):/i;

/** `class` is kept only for a fenced code block's language, for host-side highlighters. */
export const CODE_LANGUAGE_CLASS = /^language-[\w+#.-]+$/;

/**
 * The elements GFM produces, nothing else. `img` is admitted only so that the pass after
 * sanitising can turn it into a link (an embedded remote image is a tracking pixel);
 * `sup` keeps a footnote number superscript. Footnote `section`s, ids and fragment links
 * are dropped: every message on a thread page would reuse the same ids, so the jumps
 * could not work anyway.
 */
export const ALLOWED_TAGS: readonly string[] = [
  'p', 'br', 'hr', 'em', 'strong', 'del', 'code', 'pre', 'blockquote', 'sup',
  'ul', 'ol', 'li', 'input',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'table', 'thead', 'tbody', 'tr', 'th', 'td',
  'a', 'img',
];

/** Attributes GFM output uses; `class` is narrowed to code languages, URLs to `ALLOWED_URL`. */
export const ALLOWED_ATTR: readonly string[] = [
  'href', 'title', 'src', 'alt', 'align', 'start', 'type', 'checked', 'disabled', 'class',
];
