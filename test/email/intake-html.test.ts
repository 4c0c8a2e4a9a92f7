/**
 * HTML-only mail as plain text (src/email/html-to-text.ts): structure kept as lines,
 * nothing of the markup left, hostile input handled in one pass.
 */
import { describe, expect, it } from 'vitest';
import { decodeEntities, htmlToText } from '../../src/email/html-to-text.js';

describe('htmlToText', () => {
  it('paragraphs, line breaks and lists become lines', () => {
    expect(htmlToText('<p>One</p><p>Two<br>Three</p><ul><li>a</li><li>b</li></ul>')).toBe('One\n\nTwo\nThree\n\n- a\n- b');
  });

  it('drops script, style, head, comments and every attribute', () => {
    const html =
      '<html><head><title>T</title><style>p{}</style></head><body><!-- secret --><script>alert(1)</script>' +
      '<p onclick="x()" style="a>b">Hi <img src=x onerror=alert(1)>there</p><SCRIPT type="a">evil()</SCRIPT ></body></html>';
    expect(htmlToText(html)).toBe('Hi there');
  });

  it('decodes entities once: &amp;lt; stays the text "&lt;"', () => {
    expect(htmlToText('<p>a &lt; b &amp;&amp; c&nbsp;&gt; d &#x1F525; &#8364; &amp;lt; &bogus;</p>')).toBe('a < b && c > d 🔥 € &lt; &bogus;');
    expect(decodeEntities('&#0; &#xD800; &#1114112;')).toBe('\uFFFD \uFFFD \uFFFD');
  });

  it('blockquotes become > lines (nested: >>), so quote trimming sees them', () => {
    expect(htmlToText('<div>Reply</div><blockquote><p>Old</p><blockquote>Older</blockquote></blockquote>')).toBe(
      'Reply\n\n> Old\n\n>> Older',
    );
  });

  it('links keep their address when the text is not the address', () => {
    expect(htmlToText('<a href="https://x.example/a?b=1&amp;c=2">panel</a> <a href="mailto:s@d.example">s@d.example</a> <a href="javascript:alert(1)">x</a>')).toBe(
      'panel <https://x.example/a?b=1&c=2> s@d.example x',
    );
  });

  it('pre keeps its white space; table cells stay apart', () => {
    expect(htmlToText('<pre>a  b\n  c</pre><table><tr><td>1</td><td>2</td></tr></table>')).toBe('a  b\n  c\n\n1 2');
  });

  it('a lone < is text; an unclosed tag or quote ends the text without hanging', () => {
    expect(htmlToText('a < b and 3<4')).toBe('a < b and 3<4');
    expect(htmlToText('<p>ok</p><a href="never closed>rest')).toBe('ok');
    expect(htmlToText('<p>ok<script>never closed')).toBe('ok');
  });

  it('takes deep nesting and huge input in one pass', () => {
    const deep = '<div>'.repeat(200_000) + 'deep' + '</div>'.repeat(200_000);
    expect(htmlToText(deep)).toBe('deep');
    expect(htmlToText('<b>'.repeat(100_000) + 'text')).toBe('text');
    expect(htmlToText('< '.repeat(200_000)).length).toBe(2 * 200_000 - 1);
    expect(htmlToText('<a x="'.repeat(200_000))).toBe('');
    expect(htmlToText(`<p>${'&amp;'.repeat(200_000)}</p>`)).toBe('&'.repeat(200_000));
  });
});
