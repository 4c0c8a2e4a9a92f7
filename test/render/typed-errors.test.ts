import { describe, expect, test, vi } from 'vitest';
import { TicketError } from '../../src/errors.js';
import { escapeHtml, renderMarkdown, renderPlainText } from '../../src/render/markdown.js';

// The sanitisers stand in for anything deep inside micromark or jsdom that throws: a body
// containing `BOOM` makes the token pass (the usual path) throw a RangeError, as a stack
// overflow would, and one containing `DOOM` does the same in DOMPurify (the fallback,
// reached here through nested links).
vi.mock('../../src/render/sanitize-micromark.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/render/sanitize-micromark.js')>();
  return {
    ...actual,
    sanitizeMicromarkHtml: (html: string, maxLinks: number) => {
      if (html.includes('BOOM')) throw new RangeError('Maximum call stack size exceeded');
      return actual.sanitizeMicromarkHtml(html, maxLinks);
    },
  };
});
vi.mock('../../src/render/sanitize.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/render/sanitize.js')>();
  return {
    ...actual,
    sanitizeHtmlCapped: (html: string, maxLinks: number) => {
      if (html.includes('DOOM')) throw new RangeError('Maximum call stack size exceeded');
      return actual.sanitizeHtmlCapped(html, maxLinks);
    },
  };
});

function thrown(fn: () => unknown): TicketError {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e;
  }
  expect(TicketError.is(error, 'validation'), String(error)).toBe(true);
  return error as TicketError;
}

describe('exported helpers throw ValidationError, never TypeError or RangeError', () => {
  const wrong: Array<[string, unknown]> = [
    ['number', 42],
    ['null', null],
    ['undefined', undefined],
    ['object', {}],
    ['array', ['a']],
    ['boolean', true],
  ];
  for (const [type, value] of wrong) {
    test(`given ${type}`, () => {
      for (const fn of [renderMarkdown, renderPlainText, escapeHtml] as Array<(v: unknown) => string>) {
        const error = thrown(() => fn(value));
        expect(error.params).toEqual({ field: 'body', reason: 'not_a_string', type });
        expect(error.message).toMatch(/must be a string/);
      }
    });
  }

  test('a RangeError inside rendering becomes a validation error on the body, with the cause', () => {
    for (const body of ['a BOOM b', '[<https://a.example>](https://b.example) DOOM']) {
      const error = thrown(() => renderMarkdown(body));
      expect(error.params).toEqual({ field: 'body', reason: 'render_failed' });
      expect(error.cause).toBeInstanceOf(RangeError);
    }
    expect(renderMarkdown('fine')).toBe('<p>fine</p>');
    // The control: without DOOM the same nested links render (through DOMPurify).
    expect(renderMarkdown('[<https://a.example>](https://b.example) fine')).toContain('href="https://a.example"');
  });

  test('renderMarkdown refuses a body over maxMarkdownLength', () => {
    const error = thrown(() => renderMarkdown('abcd', { maxMarkdownLength: 3 }));
    expect(error.params).toEqual({ field: 'body', reason: 'markdown_too_long', max: 3, length: 4 });
    expect(error.message).toMatch(/at most 3/);
  });

  test('Markdown that expands to too much HTML is refused as too complex', () => {
    // Every footnote reference adds a back-link to the note: ~70 characters of HTML each.
    const body = `${'[^a] '.repeat(400)}\n\n[^a]: note`;
    const error = thrown(() => renderMarkdown(body, { maxMarkdownLength: 2048 }));
    expect(error.params).toEqual({ field: 'body', reason: 'markdown_too_complex', max: 8 * 2048 });
  });
});
