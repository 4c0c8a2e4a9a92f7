import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkReadmeBlocks, extractBlocks, packageEntries } from './readme-blocks.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const readme = readFileSync(new URL('README.md', `file://${root}`), 'utf8');

describe('README.md code blocks', () => {
  const results = checkReadmeBlocks(root, readme);

  it('finds the ts blocks and every package entry', () => {
    expect(results.length).toBeGreaterThan(10);
    const entries = packageEntries(root);
    for (const spec of ['ticketry', 'ticketry/memory', 'ticketry/sqlite', 'ticketry/postgres', 'ticketry/testing']) {
      expect(entries[spec], spec).toMatch(/\.ts$/);
    }
  });

  for (const { block, errors } of results) {
    it(`README.md:${block.line} (${block.heading}) type-checks under strict`, () => {
      expect(errors, errors.join('\n')).toEqual([]);
    });
  }
});

describe('the README block checker', () => {
  it('reports a block that does not compile, with its README line', () => {
    const md = ['# t', '', '```ts', "const n: number = 'x';", '```', ''].join('\n');
    const [result] = checkReadmeBlocks(root, md);
    expect(result!.errors.join('\n')).toMatch(/^README\.md:4: TS2322/);
  });

  it('sees the package types of every entry (a block on `any` would pass vacuously)', () => {
    const entries = {
      ticketry: 'createTicketService',
      'ticketry/memory': 'memoryStore',
      'ticketry/sqlite': 'sqliteStore',
      'ticketry/postgres': 'postgresStore',
      'ticketry/testing': 'runStoreContract',
    };
    const code = Object.entries(entries).flatMap(([spec, name], i) => [
      `import { ${name} } from '${spec}';`,
      `const v${i}: number = ${name};`,
    ]);
    const [result] = checkReadmeBlocks(root, ['```ts', ...code, '```'].join('\n'));
    const assignErrors = result!.errors.filter((e) => e.includes('TS2322'));
    expect(assignErrors, result!.errors.join('\n')).toHaveLength(Object.keys(entries).length);
  });

  it('applies the ts-prelude comment before a block', () => {
    const md = ['<!-- ts-prelude', 'declare const desk: { n: number };', '-->', '```ts', 'const x: number = desk.n;', '```'].join('\n');
    expect(extractBlocks(md)[0]!.prelude).toContain('declare const desk');
    expect(checkReadmeBlocks(root, md)[0]!.errors).toEqual([]);
  });
});
