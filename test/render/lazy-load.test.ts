import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { RECORD_LOADED_MODULES, runFresh } from '../fresh-process.js';
import { renderMarkdown, renderPlainText } from '../../src/render/markdown.js';
import { isMicromarkLoaded } from '../../src/render/micromark-loader.js';
import { isSanitizerLoaded, sanitizeHtml, sanitizerWindowCount } from '../../src/render/sanitize.js';

/*
 * jsdom costs ~0.4 s to import, so it must load on the first render that needs it, not on
 * import; and micromark is ESM-only, so loading it at import time broke
 * `require('ticketry')` on Node versions without require(esm). micromark loads on the
 * first Markdown render; jsdom and DOMPurify only when a body reaches the DOM sanitiser
 * (micromark's ordinary output goes through the token pass of sanitize-micromark.ts).
 * Vitest gives each test file its own module instances, so the flags below start fresh
 * here; the tests in this file run in order and the first must run before any render.
 */

/** Markdown whose HTML the token pass hands to DOMPurify: an autolink inside a link. */
const NESTED_LINKS = '[<https://a.example>](https://b.example)';

const markdownModule = fileURLToPath(new URL('../../src/render/markdown.ts', import.meta.url));
const packageEntry = fileURLToPath(new URL('../../src/index.ts', import.meta.url));

/**
 * Runs `body` in a fresh Node process (TypeScript through tsx) and returns what it prints
 * as JSON. A fresh process is the only place where Node's require cache is known clean.
 */
function runFreshBody(body: string): Record<string, unknown> {
  return runFresh(`
    ${RECORD_LOADED_MODULES}
    const loaded = (pkg) => Object.keys(require.cache).some((k) => k.includes('/node_modules/' + pkg + '/'));
    // ES modules too (micromark is ESM-only): waits for the resolve hook's reports first.
    const esmLoaded = async (pkg) => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return resolved.some((url) => url.includes('/node_modules/' + pkg + '/')) || loaded(pkg);
    };
    ${body}
  `);
}

describe('lazy sanitiser', () => {
  test('importing the renderer creates no window (this process)', () => {
    expect(isSanitizerLoaded()).toBe(false);
    expect(sanitizerWindowCount()).toBe(0);
    expect(isMicromarkLoaded()).toBe(false);
  });

  test('renderPlainText never needs the sanitiser', () => {
    expect(renderPlainText('a\nb')).toBe('<p>a<br>b</p>');
    expect(isSanitizerLoaded()).toBe(false);
    expect(isMicromarkLoaded()).toBe(false);
  });

  test('the first render loads micromark; an ordinary body never needs the DOM sanitiser', () => {
    expect(renderMarkdown('**a**')).toBe('<p><strong>a</strong></p>');
    expect(isMicromarkLoaded()).toBe(true);
    expect(renderMarkdown('[x](https://e.example)')).toBe(
      '<p><a href="https://e.example" rel="nofollow noopener noreferrer" target="_blank">x</a></p>',
    );
    expect(isSanitizerLoaded()).toBe(false);
    expect(sanitizerWindowCount()).toBe(0);
  });

  test('a body the token pass cannot take loads the DOM sanitiser once; later ones reuse its window', () => {
    expect(renderMarkdown(NESTED_LINKS)).toContain('href="https://a.example"');
    expect(isSanitizerLoaded()).toBe(true);
    expect(sanitizerWindowCount()).toBe(1);
    for (let i = 0; i < 20; i++) renderMarkdown(`${NESTED_LINKS} ${i}`);
    expect(sanitizerWindowCount()).toBe(1);
  });

  test('hooks are registered once: attributes are not duplicated after many sanitiser calls', () => {
    for (let i = 0; i < 5; i++) {
      expect(sanitizeHtml('<a href="https://e.example">x</a>')).toBe(
        '<a href="https://e.example" rel="nofollow noopener noreferrer" target="_blank">x</a>',
      );
    }
  });

  test('importing markdown.ts in a fresh process leaves jsdom and dompurify unloaded, and so does an ordinary render', () => {
    const result = runFreshBody(`
      const m = await import(${JSON.stringify(markdownModule)});
      const afterImport = { jsdom: loaded('jsdom'), dompurify: loaded('dompurify') };
      const html = m.renderMarkdown('**a** [b](https://e.example)\\n\\n| x |\\n|---|\\n| 1 |');
      const afterRender = { jsdom: loaded('jsdom'), dompurify: loaded('dompurify') };
      m.renderMarkdown(${JSON.stringify(NESTED_LINKS)});
      const afterFallback = { jsdom: loaded('jsdom'), dompurify: loaded('dompurify') };
      console.log(JSON.stringify({ afterImport, html, afterRender, afterFallback }));
    `);
    expect(result).toEqual({
      afterImport: { jsdom: false, dompurify: false },
      html:
        '<p><strong>a</strong> <a href="https://e.example" rel="nofollow noopener noreferrer" target="_blank">b</a></p>\n' +
        '<table>\n<thead>\n<tr>\n<th>x</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n</tr>\n</tbody>\n</table>',
      afterRender: { jsdom: false, dompurify: false },
      // The control: the probe does see the packages once they are loaded.
      afterFallback: { jsdom: true, dompurify: true },
    });
  });

  test('importing the package in a fresh process loads neither jsdom nor micromark; rendering loads micromark', () => {
    const result = runFreshBody(`
            const m = await import(${JSON.stringify(packageEntry)});
      const afterImport = { jsdom: await esmLoaded('jsdom'), micromark: await esmLoaded('micromark') };
      const plain = m.renderPlainText('**a**');
      const afterPlain = { jsdom: await esmLoaded('jsdom'), micromark: await esmLoaded('micromark') };
      const html = m.renderMarkdown('**a**');
      const afterRender = { jsdom: await esmLoaded('jsdom'), micromark: await esmLoaded('micromark') };
      m.renderMarkdown(${JSON.stringify(NESTED_LINKS)});
      const afterFallback = { jsdom: await esmLoaded('jsdom'), micromark: await esmLoaded('micromark') };
      console.log(JSON.stringify({ afterImport, plain, afterPlain, html, afterRender, afterFallback }));
    `);
    expect(result).toEqual({
      afterImport: { jsdom: false, micromark: false },
      plain: '<p>**a**</p>',
      afterPlain: { jsdom: false, micromark: false },
      html: '<p><strong>a</strong></p>',
      afterRender: { jsdom: false, micromark: true },
      // The control: the probe does see jsdom once a body has needed it.
      afterFallback: { jsdom: true, micromark: true },
    });
  });

  test('control: the ES-module probe sees micromark loaded by a static ESM import', () => {
    const result = runFreshBody(`
            await import('micromark');
      console.log(JSON.stringify({ micromark: await esmLoaded('micromark') }));
    `);
    expect(result).toEqual({ micromark: true });
  });

  test('control: the probe also sees jsdom loaded by a static ESM import', () => {
    // Guards the test above against a probe that only notices createRequire loads: a
    // future static `import ... from 'jsdom'` in markdown.ts would be caught too.
    const result = runFreshBody(`
      await import('jsdom');
      console.log(JSON.stringify({ jsdom: loaded('jsdom') }));
    `);
    expect(result).toEqual({ jsdom: true });
  });
});
