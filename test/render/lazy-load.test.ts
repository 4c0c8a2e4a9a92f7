import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { renderMarkdown, renderPlainText } from '../../src/render/markdown.js';
import { isMicromarkLoaded } from '../../src/render/micromark-loader.js';
import { isSanitizerLoaded, sanitizerWindowCount } from '../../src/render/sanitize.js';

/*
 * jsdom costs ~0.4 s to import, so it must load on the first render, not on import; and
 * micromark is ESM-only, so loading it at import time broke `require('ticketry')` on Node
 * versions without require(esm). Both load on the first Markdown render.
 * Vitest gives each test file its own module instances, so the flags below start fresh
 * here; the tests in this file run in order and the first must run before any render.
 */

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const markdownModule = fileURLToPath(new URL('../../src/render/markdown.ts', import.meta.url));
const packageEntry = fileURLToPath(new URL('../../src/index.ts', import.meta.url));

/*
 * Sees ES-module loads too: `require.cache` only lists CommonJS ones, and micromark is
 * ESM-only. A resolve hook (it runs on Node's loader thread) reports every resolved URL
 * over a MessagePort; `esmLoaded(pkg)` waits for the reports to arrive first.
 */
const ESM_PROBE = `
  const { register } = await import('node:module');
  const { MessageChannel } = await import('node:worker_threads');
  const channel = new MessageChannel();
  const resolved = [];
  channel.port1.on('message', (url) => resolved.push(url));
  channel.port1.unref();
  const hook = 'let port; export function initialize(data) { port = data.port; }' +
    'export async function resolve(specifier, context, next) { const r = await next(specifier, context); port.postMessage(r.url); return r; }';
  register('data:text/javascript,' + encodeURIComponent(hook), { data: { port: channel.port2 }, transferList: [channel.port2] });
  const esmLoaded = async (pkg) => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    return resolved.some((url) => url.includes('/node_modules/' + pkg + '/')) || loaded(pkg);
  };
`;

/**
 * Runs `body` in a fresh Node process (TypeScript through tsx) and returns what it prints
 * as JSON. A fresh process is the only place where Node's require cache is known clean.
 */
function runFresh(body: string): Record<string, unknown> {
  const script = `
    import { createRequire } from 'node:module';
    const require = createRequire(${JSON.stringify(repoRoot)});
    const loaded = (pkg) => Object.keys(require.cache).some((k) => k.includes('/node_modules/' + pkg + '/'));
    ${body}
  `;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  expect(child.stderr).toBe('');
  expect(child.status).toBe(0);
  return JSON.parse(child.stdout) as Record<string, unknown>;
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

  test('the first render loads it; later renders reuse the same window', () => {
    expect(renderMarkdown('**a**')).toBe('<p><strong>a</strong></p>');
    expect(isSanitizerLoaded()).toBe(true);
    expect(isMicromarkLoaded()).toBe(true);
    expect(sanitizerWindowCount()).toBe(1);
    expect(renderMarkdown('[x](https://e.example)')).toBe(
      '<p><a href="https://e.example" rel="nofollow noopener noreferrer" target="_blank">x</a></p>',
    );
    for (let i = 0; i < 20; i++) renderMarkdown(`item ${i}`);
    expect(sanitizerWindowCount()).toBe(1);
  });

  test('hooks are registered once: attributes are not duplicated after many renders', () => {
    expect(renderMarkdown('[x](https://e.example)')).toBe(
      '<p><a href="https://e.example" rel="nofollow noopener noreferrer" target="_blank">x</a></p>',
    );
  });

  test('importing markdown.ts in a fresh process leaves jsdom and dompurify unloaded', () => {
    const result = runFresh(`
      const m = await import(${JSON.stringify(markdownModule)});
      const afterImport = { jsdom: loaded('jsdom'), dompurify: loaded('dompurify') };
      const html = m.renderMarkdown('**a**');
      const afterRender = { jsdom: loaded('jsdom'), dompurify: loaded('dompurify') };
      console.log(JSON.stringify({ afterImport, html, afterRender }));
    `);
    expect(result).toEqual({
      afterImport: { jsdom: false, dompurify: false },
      html: '<p><strong>a</strong></p>',
      // The control: the probe does see the packages once they are loaded.
      afterRender: { jsdom: true, dompurify: true },
    });
  });

  test('importing the package in a fresh process loads neither jsdom nor micromark; rendering does', () => {
    const result = runFresh(`
      ${ESM_PROBE}
      const m = await import(${JSON.stringify(packageEntry)});
      const afterImport = { jsdom: await esmLoaded('jsdom'), micromark: await esmLoaded('micromark') };
      const plain = m.renderPlainText('**a**');
      const afterPlain = { jsdom: await esmLoaded('jsdom'), micromark: await esmLoaded('micromark') };
      const html = m.renderMarkdown('**a**');
      const afterRender = { jsdom: await esmLoaded('jsdom'), micromark: await esmLoaded('micromark') };
      console.log(JSON.stringify({ afterImport, plain, afterPlain, html, afterRender }));
    `);
    expect(result).toEqual({
      afterImport: { jsdom: false, micromark: false },
      plain: '<p>**a**</p>',
      afterPlain: { jsdom: false, micromark: false },
      html: '<p><strong>a</strong></p>',
      // The control: the probe does see both once a Markdown render has loaded them.
      afterRender: { jsdom: true, micromark: true },
    });
  });

  test('control: the ES-module probe sees micromark loaded by a static ESM import', () => {
    const result = runFresh(`
      ${ESM_PROBE}
      await import('micromark');
      console.log(JSON.stringify({ micromark: await esmLoaded('micromark') }));
    `);
    expect(result).toEqual({ micromark: true });
  });

  test('control: the probe also sees jsdom loaded by a static ESM import', () => {
    // Guards the test above against a probe that only notices createRequire loads: a
    // future static `import ... from 'jsdom'` in markdown.ts would be caught too.
    const result = runFresh(`
      await import('jsdom');
      console.log(JSON.stringify({ jsdom: loaded('jsdom') }));
    `);
    expect(result).toEqual({ jsdom: true });
  });
});
