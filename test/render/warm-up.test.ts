import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { RECORD_LOADED_MODULES, runFresh } from '../fresh-process.js';
import { TicketError } from '../../src/errors.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { sharedMarkdownWorker } from '../../src/render/markdown-worker.js';
import { isMicromarkLoaded } from '../../src/render/micromark-loader.js';
import { renderBody, stopRenderWorker } from '../../src/render/render-body.js';
import { isSanitizerLoaded, sanitizerWindowCount } from '../../src/render/sanitize.js';
import { warmUp } from '../../src/render/warm-up.js';

/*
 * warmUp() starts the render worker (which loads micromark, jsdom and DOMPurify before it
 * says it is ready) and, with `inThread`, loads them in this thread too. A render after it
 * must load nothing again: no second worker, no second window, no module resolved anew.
 * Vitest gives each test file its own module instances; the tests run in order.
 */

const packageEntry = fileURLToPath(new URL('../../src/index.ts', import.meta.url));

afterAll(async () => {
  await stopRenderWorker();
});

describe('warmUp', () => {
  test('starts the render worker once and loads micromark here; renders after it use them', async () => {
    const worker = sharedMarkdownWorker();
    expect(worker.starts).toBe(0);
    await warmUp();
    expect(worker.starts).toBe(1);
    // micromark here too, for the short bodies renderBody renders on this thread; never jsdom.
    expect(isMicromarkLoaded()).toBe(true);
    expect(isSanitizerLoaded()).toBe(false);

    expect(await renderBody('markdown', '**a** [b](https://e.example)')).toBe(
      '<p><strong>a</strong> <a href="https://e.example" rel="nofollow noopener noreferrer" target="_blank">b</a></p>',
    );
    // A body that needs DOMPurify in the worker: loaded there at start, not now.
    expect(await renderBody('markdown', '[<https://a.example>](https://b.example)')).toContain('https://a.example');
    expect(isSanitizerLoaded()).toBe(false);
    await warmUp();
    await Promise.all([warmUp(), renderBody('markdown', 'x'), warmUp()]);
    expect(worker.starts).toBe(1);
  });

  test('inThread loads micromark and the DOM sanitiser here; renderMarkdown then creates no second window', async () => {
    await warmUp({ inThread: true });
    expect(isMicromarkLoaded()).toBe(true);
    expect(isSanitizerLoaded()).toBe(true);
    expect(sanitizerWindowCount()).toBe(1);
    expect(renderMarkdown('[<https://a.example>](https://b.example)')).toContain('https://a.example');
    expect(renderMarkdown('**a**')).toBe('<p><strong>a</strong></p>');
    expect(sanitizerWindowCount()).toBe(1);
    expect(sharedMarkdownWorker().starts).toBe(1);
  });

  test('options that are not an object are a validation error, not a TypeError', async () => {
    for (const options of [null, 42, 'x', ['a']]) {
      const error = await warmUp(options as never).catch((e: unknown) => e);
      expect(TicketError.is(error, 'validation'), String(error)).toBe(true);
    }
  });

  test('after stopRenderWorker the next warmUp starts a new worker', async () => {
    await stopRenderWorker();
    await warmUp();
    expect(sharedMarkdownWorker().starts).toBe(2);
  });

  test('from the package, in a fresh process: renders after warmUp load no module anew', () => {
    // Every module loaded: ES modules through a resolve hook (it runs on Node's loader
    // thread and reports each resolved URL), CommonJS ones (jsdom and DOMPurify come
    // through createRequire) from require.cache. Anything the renders after warmUp
    // loaded would show up in the difference.
    const result = runFresh(`
      ${RECORD_LOADED_MODULES}
      const loaded = async () => {
        await new Promise((resolve) => setTimeout(resolve, 100));
        return new Set([...resolved.map((u) => decodeURIComponent(new URL(u).pathname)), ...Object.keys(require.cache)]);
      };
      const packages = (files) => ['jsdom', 'dompurify', 'micromark'].filter((p) => [...files].some((f) => f.includes('/node_modules/' + p + '/')));

      const m = await import(${JSON.stringify(packageEntry)});
      const afterImport = packages(await loaded());
      await m.warmUp({ inThread: true });
      const before = await loaded();
      const html = [
        m.renderMarkdown('**a** | b\\n\\n| x |\\n|---|\\n| 1 |'),
        m.renderMarkdown('[<https://a.example>](https://b.example)'),
        await m.renderBody('markdown', '> quote [l](https://e.example)'),
      ];
      const newly = [...(await loaded())].filter((f) => !before.has(f));
      await m.stopRenderWorker();
      console.log(JSON.stringify({ afterImport, afterWarmUp: packages(before), rendered: html.every((h) => h.startsWith('<')), newly }));
    `);
    expect(result).toEqual({
      afterImport: [],
      // The control: the probe sees what warmUp loaded.
      afterWarmUp: ['jsdom', 'dompurify', 'micromark'],
      rendered: true,
      newly: [],
    });
  });
});
