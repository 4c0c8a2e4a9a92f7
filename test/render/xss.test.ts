import { createRequire } from 'node:module';
import { describe, expect, test } from 'vitest';
import { renderMarkdown } from '../../src/render/markdown.js';
import { sanitizeHtml, sanitizeHtmlCapped } from '../../src/render/sanitize.js';
import { sanitizeMicromarkHtml } from '../../src/render/sanitize-micromark.js';

/*
 * XSS vectors, checked two ways: the exact output where it is stable, and an independent
 * oracle that re-parses the output the way a browser would and walks every node. Checking
 * strings alone is not enough: escaped text may legitimately read "onerror=" or
 * "javascript:", and an attribute may hide behind odd quoting.
 */

// jsdom is reached through createRequire, not `import`, so that @types/jsdom (which pulls
// `lib: dom` into the whole program) never enters the type check.
interface OracleNode {
  readonly nodeType: number;
  readonly nodeName: string;
  readonly childNodes: Iterable<OracleNode>;
  readonly attributes?: Iterable<{ readonly name: string; readonly value: string }>;
  getAttribute?(name: string): string | null;
}
const { JSDOM } = createRequire(import.meta.url)('jsdom') as {
  JSDOM: new (html: string) => {
    window: { document: { createElement(tag: 'template'): { innerHTML: string; content: OracleNode } } };
  };
};
const oracleDocument = new JSDOM('').window.document;

const REL = 'nofollow noopener noreferrer';
const TAGS = new Set([
  'P', 'BR', 'HR', 'EM', 'STRONG', 'DEL', 'CODE', 'PRE', 'BLOCKQUOTE', 'SUP', 'UL', 'OL', 'LI',
  'INPUT', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'TABLE', 'THEAD', 'TBODY', 'TR', 'TH', 'TD', 'A',
]);
const ATTRS = new Set(['href', 'title', 'align', 'start', 'type', 'checked', 'disabled', 'class', 'rel', 'target']);

/** Fails unless `html`, parsed as a browser would, holds only the allowed shapes. */
function assertSafe(html: string): void {
  const template = oracleDocument.createElement('template');
  template.innerHTML = html;
  // Parsing and serialising again must give the same string; a difference is the
  // signature of mutation XSS.
  expect(template.innerHTML).toBe(html);
  const walk = (node: OracleNode): void => {
    // Only elements (1) and text (3): no comments, processing instructions or CDATA.
    expect([1, 3]).toContain(node.nodeType);
    if (node.nodeType === 1) {
      expect(TAGS, node.nodeName).toContain(node.nodeName);
      for (const attr of node.attributes ?? []) {
        expect(ATTRS, `${node.nodeName}[${attr.name}]`).toContain(attr.name);
      }
      const get = (name: string): string | null => node.getAttribute?.(name) ?? null;
      if (node.nodeName === 'A') {
        expect(get('href')).toMatch(/^(?:https?|mailto):/i);
        expect(get('rel')).toBe(REL);
        expect(get('target')).toBe('_blank');
      } else {
        expect(get('href')).toBeNull();
        expect(get('rel')).toBeNull();
        expect(get('target')).toBeNull();
      }
      if (node.nodeName === 'INPUT') {
        expect(get('type')).toBe('checkbox');
        expect(get('disabled')).toBe('');
      }
      const cls = get('class');
      if (cls !== null) {
        expect(node.nodeName).toBe('CODE');
        expect(cls).toMatch(/^language-[\w+#.-]+$/);
      }
    }
    for (const child of node.childNodes) walk(child);
  };
  for (const child of template.content.childNodes) walk(child);
  // Belt and braces on the string: no live tag of these kinds can appear, because text
  // has `<` escaped and the oracle above rejects them as elements.
  expect(html).not.toMatch(/<(?:script|style|iframe|svg|math|img|form|object|embed|base|meta|link)\b/i);
}

/** Vectors whose output contains no script-ish string at all, even as text. */
const silentVectors: Array<[name: string, markdown: string, expected: string]> = [
  ['javascript: link', '[x](javascript:alert(1))', '<p>x</p>'],
  ['upper-case JAVASCRIPT:', '[x](JAVASCRIPT:alert(1))', '<p>x</p>'],
  ['mixed-case JaVaScRiPt:', '[x](JaVaScRiPt:alert(1))', '<p>x</p>'],
  ['leading space', '[x]( javascript:alert(1))', '<p>x</p>'],
  ['tab entity inside the scheme', '[x](java&#x09;script:alert(1))', '<p>x</p>'],
  ['newline entity inside the scheme', '[x](java&#10;script:alert(1))', '<p>x</p>'],
  ['decimal entity for the first letter', '[x](&#106;avascript:alert(1))', '<p>x</p>'],
  [
    'every letter hex-entity encoded',
    '[x](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1))',
    '<p>x</p>',
  ],
  ['&colon; entity', '[x](javascript&colon;alert(1))', '<p>x</p>'],
  ['angle-bracket destination', '[x](<javascript:alert(1)>)', '<p>x</p>'],
  ['NUL inside the scheme', '[x](java\0script:alert(1))', '<p>x</p>'],
  ['template-literal call', '[x](javascript:alert`1`)', '<p>x</p>'],
  ['vbscript:', '[x](vbscript:msgbox(1))', '<p>x</p>'],
  ['data:text/html link', '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)', '<p>x</p>'],
  ['file: link', '[x](file:///etc/passwd)', '<p>x</p>'],
  ['reference link to javascript:', '[x][r]\n\n[r]: javascript:alert(1)', '<p>x</p>\n'],
  ['reference link to <JavaScript:> with title', '[x][r]\n\n[r]: <JavaScript:alert(1)> "t"', '<p>x</p>\n'],
  ['image with javascript: src', '![x](javascript:alert(1))', '<p>x</p>'],
  ['image with data: src', '![x](data:image/svg+xml;base64,PHN2Zy8+)', '<p>x</p>'],
  ['image with vbscript: src', '![x](vbscript:msgbox(1))', '<p>x</p>'],
];

/** Vectors that come out as visible, escaped text (which may well read "javascript:"). */
const escapedVectors: Array<[name: string, markdown: string, expected: string]> = [
  ['raw script block', '<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
  ['img onerror', '<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert(1)&gt;'],
  [
    'raw <a href="javascript:">',
    '<a href="javascript:alert(1)">x</a>',
    '<p>&lt;a href="javascript:alert(1)"&gt;x&lt;/a&gt;</p>',
  ],
  ['iframe', '<iframe src="https://evil.example"></iframe>', '&lt;iframe src="https://evil.example"&gt;&lt;/iframe&gt;'],
  ['svg onload', '<svg onload=alert(1)>', '&lt;svg onload=alert(1)&gt;'],
  ['style block', '<style>body{display:none}</style>', '&lt;style&gt;body{display:none}&lt;/style&gt;'],
  [
    'HTML comment',
    '<!-- <script>alert(1)</script> -->',
    '&lt;!-- &lt;script&gt;alert(1)&lt;/script&gt; --&gt;',
  ],
  ['autolink <javascript:...>', '<javascript:alert(1)>', '<p>javascript:alert(1)</p>'],
  [
    'form with input',
    '<form action="https://evil.example"><input name=a></form>',
    '&lt;form action="https://evil.example"&gt;&lt;input name=a&gt;&lt;/form&gt;',
  ],
  [
    'style attribute with javascript: url',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '&lt;div style="background:url(javascript:alert(1))"&gt;x&lt;/div&gt;',
  ],
  [
    'math/mglyph mutation XSS',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    '<p>&lt;math&gt;&lt;mtext&gt;&lt;table&gt;&lt;mglyph&gt;&lt;style&gt;&lt;img src=x onerror=alert(1)&gt;</p>',
  ],
  ['details ontoggle', '<details open ontoggle=alert(1)>', '&lt;details open ontoggle=alert(1)&gt;'],
  ['inline b onmouseover', 'hi <b onmouseover=alert(1)>x</b>', '<p>hi &lt;b onmouseover=alert(1)&gt;x&lt;/b&gt;</p>'],
  [
    'raw HTML as link text',
    '[<img src=x onerror=alert(1)>](https://e.example)',
    `<p><a href="https://e.example" rel="${REL}" target="_blank">&lt;img src=x onerror=alert(1)&gt;</a></p>`,
  ],
  [
    'quote breaking out of the URL',
    '[x](https://e.example"onmouseover="alert(1))',
    `<p><a href="https://e.example%22onmouseover=%22alert(1)" rel="${REL}" target="_blank">x</a></p>`,
  ],
  [
    'quote breaking out of the title',
    '[x](https://e.example "t\\" onmouseover=alert(1) x=\\"")',
    `<p><a href="https://e.example" title="t&quot; onmouseover=alert(1) x=&quot;" rel="${REL}" target="_blank">x</a></p>`,
  ],
  [
    'script inside a www autolink',
    'www.e.example/<script>',
    `<p><a href="http://www.e.example/" rel="${REL}" target="_blank">www.e.example/</a>&lt;script&gt;</p>`,
  ],
  ['script in inline code', '`<script>alert(1)</script>`', '<p><code>&lt;script&gt;alert(1)&lt;/script&gt;</code></p>'],
];

describe('renderMarkdown: XSS vectors', () => {
  test.each(silentVectors)('%s', (_name, markdown, expected) => {
    const html = renderMarkdown(markdown);
    expect(html).toBe(expected);
    assertSafe(html);
    expect(html).not.toMatch(/javascript:|vbscript:|data:|file:/i);
    expect(html).not.toMatch(/\son\w+\s*=/i);
  });

  test.each(escapedVectors)('%s', (_name, markdown, expected) => {
    const html = renderMarkdown(markdown);
    expect(html).toBe(expected);
    assertSafe(html);
  });

  test('https link survives with rel and target', () => {
    const html = renderMarkdown('[x](https://e.example/a)');
    expect(html).toBe(`<p><a href="https://e.example/a" rel="${REL}" target="_blank">x</a></p>`);
    assertSafe(html);
  });

  test('mailto link survives with rel and target', () => {
    const html = renderMarkdown('[x](mailto:help@e.example)');
    expect(html).toBe(`<p><a href="mailto:help@e.example" rel="${REL}" target="_blank">x</a></p>`);
    assertSafe(html);
  });

  test('a title holding markup is dropped', () => {
    expect(renderMarkdown('[x](https://e.example "<script>alert(1)</script>")')).toBe(
      `<p><a href="https://e.example" rel="${REL}" target="_blank">x</a></p>`,
    );
  });
});

/*
 * The same policy one layer down: raw HTML straight into sanitizeHtml, as if micromark had
 * let something through. Exact outputs pin the policy; the oracle checks the rest.
 */
const rawVectors: Array<[name: string, html: string, expected: string]> = [
  ['script element', '<p>a<script>alert(1)</script>b</p>', '<p>ab</p>'],
  ['img onerror', '<img src=x onerror=alert(1)>', ''],
  ['img with https src becomes a link', '<img src="https://e.example/i.png" alt="i" onerror="alert(1)">', `<a href="https://e.example/i.png" rel="${REL}" target="_blank">i</a>`],
  ['img with data: src keeps only alt', '<img src="data:image/png;base64,AAAA" alt="pic">', 'pic'],
  ['a href javascript:', '<a href="javascript:alert(1)">x</a>', 'x'],
  ['a href with tab in scheme', '<a href="java\tscript:alert(1)">x</a>', 'x'],
  ['a href with entity tab in scheme', '<a href="java&#x09;script:alert(1)">x</a>', 'x'],
  ['a href with entity newline in scheme', '<a href="java&#10;script:alert(1)">x</a>', 'x'],
  ['a href mixed case and spaces', '<a href="  JaVaScRiPt:alert(1)">x</a>', 'x'],
  ['a href fully entity-encoded', '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>', 'x'],
  ['a href vbscript:', '<a href="vbscript:msgbox(1)">x</a>', 'x'],
  ['a href data:text/html', '<a href="data:text/html,<script>alert(1)</script>">x</a>', 'x'],
  ['a href empty', '<a href="">x</a>', 'x'],
  ['a href relative', '<a href="/admin/delete?id=1">x</a>', 'x'],
  ['a href tab inside https', '<a href="ht\ttps://e.example">x</a>', 'x'],
  ['a with target _self and onclick', `<a href="https://e.example" target="_self" onclick="alert(1)">x</a>`, `<a href="https://e.example" rel="${REL}" target="_blank">x</a>`],
  ['a href with leading space kept https', '<a href=" https://e.example">x</a>', `<a href="https://e.example" rel="${REL}" target="_blank">x</a>`],
  ['iframe', '<iframe src="https://evil.example"></iframe>', ''],
  ['svg onload', '<svg onload=alert(1)><circle r=1></circle></svg>', ''],
  ['style element', '<style>*{color:red}</style><p>x</p>', '<p>x</p>'],
  ['style attribute', '<p style="color:red">x</p>', '<p>x</p>'],
  ['comment', '<p>a<!-- <script>alert(1)</script> -->b</p>', '<p>ab</p>'],
  ['form and text input', '<form action="https://evil.example"><input name="a" value="v"></form>', '<input type="checkbox" disabled="">'],
  ['enabled checkbox is disabled', '<input type="checkbox" checked>', '<input type="checkbox" checked="" disabled="">'],
  ['id, data-*, aria-* and class are stripped', '<p id="x" class="admin" data-x="1" aria-label="l">x</p>', '<p>x</p>'],
  ['class kept for a code language', '<pre><code class="language-ts">x</code></pre>', '<pre><code class="language-ts">x</code></pre>'],
  ['class on code not a language', '<code class="admin-button">x</code>', '<code>x</code>'],
  ['object and embed', '<object data="x.swf"></object><embed src="x.swf">', ''],
  ['base and meta', '<base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=https://evil.example">', ''],
  ['math mutation XSS', '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>', ''],
  ['noscript mutation XSS', '<noscript><p title="</noscript><img src=x onerror=alert(1)>">', '<p></p>'],
  ['nested link from an image in a link', `<a href="https://e.example"><img src="https://e.example/i.png" alt="i"></a>`, `<a href="https://e.example" rel="${REL}" target="_blank">i</a>`],
  ['unknown element keeps its text', '<marquee>hi</marquee><blink>x</blink>', 'hix'],
];

describe('sanitizeHtml: raw HTML vectors', () => {
  test.each(rawVectors)('%s', (_name, html, expected) => {
    const clean = sanitizeHtml(html);
    expect(clean).toBe(expected);
    assertSafe(clean);
    expect(clean).not.toMatch(/javascript:|vbscript:|data:/i);
    expect(clean).not.toMatch(/\son\w+\s*=/i);
  });
});

/*
 * The token pass (sanitize-micromark.ts) decides micromark-shaped HTML itself, without a
 * DOM: hostile values in exactly the shape it takes. Each must be taken (or the vector
 * tests nothing), give DOMPurify's result exactly, and be safe.
 */
const A = `rel="${REL}" target="_blank"`;
const tokenPassVectors: Array<[name: string, html: string, expected: string]> = [
  ['javascript: href', '<p><a href="javascript:alert(1)">x</a></p>', '<p>x</p>'],
  ['leading space, upper case', '<p><a href=" JAVASCRIPT:alert(1)">x</a></p>', '<p>x</p>'],
  ['tab inside the scheme', '<p><a href="java\tscript:alert(1)">x</a></p>', '<p>x</p>'],
  ['newline inside the scheme', '<p><a href="java\nscript:alert(1)">x</a></p>', '<p>x</p>'],
  ['CR inside the scheme', '<p><a href="java\rscript:alert(1)">x</a></p>', '<p>x</p>'],
  ['U+2028 before the scheme (trimmed, then refused)', '<p><a href="\u2028javascript:alert(1)">x</a></p>', '<p>x</p>'],
  ['NBSP before https (trimmed, kept)', '<p><a href="\u00a0https://e.example">x</a></p>', `<p><a href="https://e.example" ${A}>x</a></p>`],
  ['control character before the scheme', '<p><a href="\u0001https://e.example">x</a></p>', '<p>x</p>'],
  ['tab inside https', '<p><a href="ht\ttps://e.example">x</a></p>', '<p>x</p>'],
  ['data: image', '<p><img src="data:image/svg+xml,&lt;svg onload=alert(1)&gt;" alt="a" /></p>', '<p>a</p>'],
  ['vbscript: image, markup in alt', '<p><img src="vbscript:x" alt="&lt;img src=x onerror=alert(1)&gt;" /></p>', '<p>&lt;img src=x onerror=alert(1)&gt;</p>'],
  ['empty href (micromark\'s refused URL)', '<p><a href="">x</a></p>', '<p>x</p>'],
  ['fragment href (footnotes)', '<p><sup><a href="#fn-1" id="ref-1" data-footnote-ref="" aria-describedby="l">1</a></sup></p>', '<p><sup>1</sup></p>'],
  [
    'quotes in a title',
    '<p><a href="https://e.example" title="&quot; onmouseover=&quot;alert(1)">x</a></p>',
    `<p><a href="https://e.example" title="&quot; onmouseover=&quot;alert(1)" ${A}>x</a></p>`,
  ],
  [
    'markup in a title',
    '<p><a href="https://e.example" title="&lt;img src=x onerror=alert(1)&gt;">x</a></p>',
    `<p><a href="https://e.example" title="&lt;img src=x onerror=alert(1)&gt;" ${A}>x</a></p>`,
  ],
  ['comment breakout in a title', '<p><a href="https://e.example" title="--&gt;&lt;img src=x&gt;">x</a></p>', `<p><a href="https://e.example" ${A}>x</a></p>`],
  ['raw-text breakout in a title', '<p><a href="https://e.example" title="&lt;/style&gt;&lt;img src=x&gt;">x</a></p>', `<p><a href="https://e.example" ${A}>x</a></p>`],
  ['comment breakout in a URL drops the link', '<p><a href="https://e.example/--&gt;">x</a></p>', '<p>x</p>'],
  ['event handler and style attributes', '<p onclick="alert(1)" style="x"><em onmouseover="alert(1)">x</em></p>', '<p><em>x</em></p>'],
  ['ids, data-* and aria-*', '<h2 id="footnote-label" class="sr-only" data-x="1" aria-label="l">x</h2>', '<h2>x</h2>'],
  ['language class with a quote', '<pre><code class="language-js&quot; onclick=&quot;alert(1)">x</code></pre>', '<pre><code>x</code></pre>'],
  ['language class with a space', '<pre><code class="language-js x">x</code></pre>', '<pre><code>x</code></pre>'],
  ['class off code', '<p class="language-js">x</p>', '<p>x</p>'],
  ['text input', '<ul>\n<li><input type="text" name="a" /> x</li>\n</ul>', '<ul>\n<li><input type="checkbox" disabled=""> x</li>\n</ul>'],
  ['image in a link is its alt', '<p><a href="https://e.example"><img src="https://e.example/i.png" alt="i" /></a></p>', `<p><a href="https://e.example" ${A}>i</a></p>`],
  ['image in a refused link is its alt', '<p><a href="javascript:x"><img src="https://e.example/i.png" alt="i" /></a></p>', '<p>i</p>'],
  ['escaped markup stays text', '<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp;lt;b&amp;gt; &quot;</p>', '<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp;lt;b&amp;gt; "</p>'],
  ['U+2028, U+FEFF and lone surrogates in text', '<p>a\u2028b\ufeffc\ud800</p>', '<p>a\u2028b\ufeffc\ud800</p>'],
  ['footnote section unwrapped', '<section data-footnotes="" class="footnotes"><ol>\n<li id="fn-1">\n<p>n</p>\n</li>\n</ol>\n</section>', '<ol>\n<li>\n<p>n</p>\n</li>\n</ol>\n'],
];

describe('the token pass: hostile values in the shape it takes', () => {
  test.each(tokenPassVectors)('%s', (_name, html, expected) => {
    const fast = sanitizeMicromarkHtml(html, 500);
    expect(fast).toBeDefined();
    expect(fast!.html).toBe(expected);
    expect(fast).toEqual(sanitizeHtmlCapped(html, 500));
    assertSafe(fast!.html);
    expect(fast!.html).not.toMatch(/javascript:|vbscript:|data:/i);
  });

  test.each(rawVectors)('raw HTML vector %s: handed back, or decided exactly as above', (_name, html, expected) => {
    const fast = sanitizeMicromarkHtml(html, 500);
    if (fast !== undefined) expect(fast).toEqual({ html: expected, linksCapped: false });
  });
});

describe('assertSafe itself', () => {
  // The oracle must be able to fail, or the passes above mean nothing.
  test.each([
    ['<a href="javascript:alert(1)">x</a>'],
    ['<a href="https://e.example">x</a>'],
    ['<p onclick="x">x</p>'],
    ['<img src="https://e.example/i.png">'],
    ['<p style="color:red">x</p>'],
    ['<!-- c -->'],
    ['<code class="admin">x</code>'],
    ['<input type="text">'],
  ])('rejects %s', (html) => {
    expect(() => assertSafe(html)).toThrow();
  });
});
