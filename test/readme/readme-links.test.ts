/**
 * README.md is read on npm, where only `dist/` (plus README, LICENSE, package.json) ships,
 * and in the repository. Every relative link must resolve to a file of the repository and
 * every `#anchor` to a heading; every repository path it names in code (`src/...`,
 * `test/...`) must exist, so a moved file does not leave the README stale.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
/** The README without its fenced code blocks (links and paths inside code are not links). */
const prose = readme.replace(/^(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1\s*$/gm, '');

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .replace(/\s/g, '-');
}

const anchors = new Set(
  [...readme.replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1\s*$/gm, '').matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => slug(m[1]!)),
);
const links = [...prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!);
const repoPaths = [...prose.matchAll(/`((?:\.ci|src|adapters|test|bench|examples)\/[^`\s]*)`/g)].map((m) => m[1]!);

describe('README.md links', () => {
  it('finds its links and repository paths', () => {
    expect(links.length).toBeGreaterThan(0);
    expect(repoPaths.length).toBeGreaterThan(0);
  });

  it.each(links.filter((l) => l.startsWith('#')))('anchor %s names a heading', (link) => {
    expect([...anchors]).toContain(link.slice(1));
  });

  it.each(links.filter((l) => !l.startsWith('#') && !/^[a-z][\w+.-]*:/i.test(l)))(
    'relative link %s resolves to a file of the repository',
    (link) => {
      expect(existsSync(path.join(root, decodeURI(link.split('#')[0]!)))).toBe(true);
    },
  );

  it('has no absolute links into this repository', () => {
    expect(links.filter((l) => /github\.com\/[^/]+\/ticketry\/(blob|tree)\//.test(l))).toEqual([]);
  });

  it.each([...new Set(repoPaths)])('repository path %s exists', (p) => {
    // `bench/*.bench.ts`: the folder before the first wildcard must exist.
    const fixed = p.split('*')[0]!;
    expect(existsSync(path.join(root, fixed)), `${p} is named in README.md but not in the repository`).toBe(true);
  });
});
