import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { renderMarkdown, renderPlainText } from '../../src/render/markdown.js';
import { isSanitizerLoaded, sanitizerWindowCount } from '../../src/render/sanitize.js';

/*
 * jsdom costs ~0.4 s to import, so it must load on the first render, not on import.
 * Vitest gives each test file its own module instances, so the flags below start fresh
 * here; the tests in this file run in order and the first must run before any render.
 */

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const markdownModule = fileURLToPath(new URL('../../src/render/markdown.ts', import.meta.url));

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
  });

  test('renderPlainText never needs the sanitiser', () => {
    expect(renderPlainText('a\nb')).toBe('<p>a<br>b</p>');
    expect(isSanitizerLoaded()).toBe(false);
  });

  test('the first render loads it; later renders reuse the same window', () => {
    expect(renderMarkdown('**a**')).toBe('<p><strong>a</strong></p>');
    expect(isSanitizerLoaded()).toBe(true);
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
