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
  const entries = ['index', 'schemas', 'memory', 'sqlite', 'postgres', 'mysql', 'blobs', 'email', 'http', 'testing'];
  const built = entries.flatMap((e) => [`dist/${e}.js`, `dist/${e}.cjs`, `dist/${e}.d.ts`, `dist/${e}.d.cts`]);
  for (const must of ['LICENSE', 'README.md', 'package.json', ...built]) {
    assert.ok(files.includes(must), `${must} is not in the package`);
  }
  assert.deepEqual(files.filter((f) => !f.startsWith('dist/') && !['LICENSE', 'README.md', 'package.json'].includes(f)), []);
  assert.deepEqual(files.filter((f) => f.endsWith('.test.js') || f.includes('/test/')), []);
  // Examples (the S3 blob store) are for copying from the repository, not shipped.
  assert.deepEqual(files.filter((f) => f.includes('example')), []);
});

it('every package.json export has its ESM and CJS files and types in the package', async () => {
  const { readFile } = await import('node:fs/promises');
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
  const files = new Set(JSON.parse(out)[0].files.map((f) => f.path));
  assert.ok(pkg.exports['./blobs'], 'ticketry/blobs is exported');
  for (const [entry, target] of Object.entries(pkg.exports)) {
    if (typeof target === 'string') continue;
    for (const condition of ['import', 'require']) {
      for (const path of [target[condition].types, target[condition].default]) {
        assert.ok(files.has(path.replace(/^\.\//, '')), `${entry} ${condition}: ${path} is not in the package`);
      }
    }
  }
});
