/**
 * What `npm pack` would publish: the build, README, LICENSE and package.json, and
 * nothing from the repository's sources, tests or tooling. Run by .ci/run after the
 * build: `node --test test/package/pack-contents.mjs`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';

const root = fileURLToPath(new URL('../../', import.meta.url));

it('the packed package holds dist, README, LICENSE and package.json only', () => {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
  const files = JSON.parse(out)[0].files.map((f) => f.path).sort();
  for (const must of ['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.cjs', 'dist/testing.js']) {
    assert.ok(files.includes(must), `${must} is not in the package`);
  }
  assert.deepEqual(files.filter((f) => !f.startsWith('dist/') && !['LICENSE', 'README.md', 'package.json'].includes(f)), []);
  assert.deepEqual(files.filter((f) => f.endsWith('.test.js') || f.includes('/test/')), []);
});
