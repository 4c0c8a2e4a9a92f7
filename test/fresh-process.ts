/**
 * Scripts run in a fresh Node process (TypeScript through tsx), the only place where
 * Node's module caches are known clean: for the tests that check what an import loads.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

/** The repository's root folder. */
export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

/**
 * Script lines that record every module the process loads from here on: `resolved` gets
 * each URL an `import` resolves (a resolve hook on Node's loader thread posts it back),
 * and `require` is a `createRequire` at the repository, whose `require.cache` holds the
 * CommonJS modules. Put it first in a script.
 */
export const RECORD_LOADED_MODULES = `
  import { createRequire, register } from 'node:module';
  import { MessageChannel } from 'node:worker_threads';
  const require = createRequire(${JSON.stringify(REPO_ROOT)});
  const channel = new MessageChannel();
  const resolved = [];
  channel.port1.on('message', (url) => resolved.push(url));
  channel.port1.unref();
  const hook = 'let port; export function initialize(data) { port = data.port; }' +
    'export async function resolve(specifier, context, next) { const r = await next(specifier, context); port.postMessage(r.url); return r; }';
  register('data:text/javascript,' + encodeURIComponent(hook), { data: { port: channel.port2 }, transferList: [channel.port2] });
`;

/**
 * Runs the ES-module `script` in a fresh process at the repository's root and returns
 * the JSON it printed; it must print nothing to stderr and exit 0.
 */
export function runFresh(script: string): Record<string, unknown> {
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  expect(child.stderr).toBe('');
  expect(child.status).toBe(0);
  return JSON.parse(child.stdout) as Record<string, unknown>;
}
