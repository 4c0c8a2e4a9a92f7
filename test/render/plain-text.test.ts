import { describe, expect, test } from 'vitest';
import { escapeHtml, renderPlainText } from '../../src/render/markdown.js';

describe('escapeHtml', () => {
  test('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  test('escapes an existing reference again rather than trusting it', () => {
    expect(escapeHtml('&amp; &lt;')).toBe('&amp;amp; &amp;lt;');
  });

  test('leaves everything else alone', () => {
    expect(escapeHtml('Grüße 😀 `code` *x* \t\n')).toBe('Grüße 😀 `code` *x* \t\n');
    expect(escapeHtml('')).toBe('');
  });
});

describe('renderPlainText', () => {
  test('wraps the text in one paragraph', () => {
    expect(renderPlainText('Hello')).toBe('<p>Hello</p>');
  });

  test('escapes markup, so tags and scripts are shown, not run', () => {
    expect(renderPlainText('<script>alert("x")</script> & <img src=x onerror=\'y\'>')).toBe(
      '<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=&#39;y&#39;&gt;</p>',
    );
  });

  test('LF, CRLF and lone CR each become one <br>', () => {
    expect(renderPlainText('a\nb')).toBe('<p>a<br>b</p>');
    expect(renderPlainText('a\r\nb')).toBe('<p>a<br>b</p>');
    expect(renderPlainText('a\rb')).toBe('<p>a<br>b</p>');
    expect(renderPlainText('a\r\n\r\nb\n\rc')).toBe('<p>a<br><br>b<br><br>c</p>');
  });

  test('leading and trailing line breaks are kept as written', () => {
    expect(renderPlainText('\nHi\n')).toBe('<p><br>Hi<br></p>');
  });

  test('Markdown is not applied', () => {
    expect(renderPlainText('**x** _y_ [l](https://e.example) # h\n- item')).toBe(
      '<p>**x** _y_ [l](https://e.example) # h<br>- item</p>',
    );
  });

  test('URLs are not linkified', () => {
    expect(renderPlainText('see https://e.example/?a=1&b=2')).toBe(
      '<p>see https://e.example/?a=1&amp;b=2</p>',
    );
  });

  test('an empty body renders as an empty string; whitespace is kept', () => {
    expect(renderPlainText('')).toBe('');
    expect(renderPlainText('  ')).toBe('<p>  </p>');
  });
});
