import { createRequire } from 'node:module';
import { describe, expect, test } from 'vitest';
import { renderMarkdown } from '../../src/render/markdown.js';
import { sanitizeHtml } from '../../src/render/sanitize.js';

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
