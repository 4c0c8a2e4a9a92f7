/** Registers the denial-of-service (linear cost) tests at the sizes the caller picks. */
import { emailCostCases } from './email-shapes.js';
import { assertLinear, formatCost, measureLinear, type CostCase, type CostResult } from './cost-ratio.js';
import { markdownCases, textCases } from './dos-cases.js';
import { listCases, writeCases } from './dos-service.js';
import { storeKinds } from './hostile-stores.js';
import { renderMarkdown } from '../../src/render/markdown.js';

export interface DosSizes {
  /** n for text, validation, search and mail handling (4n is measured too). */
  text: number;
  /** n for rendering Markdown on the test thread. */
  markdown: number;
  /**
   * Every pathological shape (true), or only the inline runs of dos-cases.ts (`RUN_SHAPES`:
   * the backtracking risks, cheap enough for npm test; block shapes take seconds at 64 KiB).
   */
  allMarkdownShapes: boolean;
  /** Shapes left out of `allMarkdownShapes` (none is open now: the `entities` flood renders in linear time). */
  exceptShapes?: readonly string[];
  /** n for a create / reply through the service on each store. */
  write: number;
  /** n for the list cases (tickets = n / 64). */
  list: number;
  /** Store kinds for the write and list cases (names as in hostile-stores.ts). */
  stores: readonly string[];
}

interface T {
  describe: (name: string, fn: () => void) => void;
  it: (name: string, fn: () => Promise<void>, timeout?: number) => void;
  afterAll: (fn: () => Promise<void>) => void;
  /** Called with each measurement (the reliability suite records them). */
  report?: (r: CostResult, group: string) => void;
}

function each<C>(t: T, group: string, cases: CostCase<C>[], n: number): void {
  for (const c of cases) {
    t.it(
      `${c.name}: t(${4 * n}) / t(${n})`,
      async () => {
        const r = await measureLinear(c, n);
        if (process.env.TICKETRY_DOS_REPORT) console.log(formatCost(r));
        t.report?.(r, group);
        assertLinear(r);
      },
      600_000,
    );
  }
}

/**
 * The inline-run shapes of dos-cases.ts (MORE_MARKDOWN) the short run renders, the
 * character-reference flood (`entities`) among them: it grew about n^1.5 over the small
 * sizes (t(4n)/t(n) 5-10 from 2 to 128 KiB: micromark's events for the whole body outgrew
 * V8's young generation) until long bodies were rendered in pieces (src/render/markdown-chunks.ts).
 */
const RUN_SHAPES = [
  'underscore runs', 'backtick ladder, capped at 200', 'backtick runs', 'unclosed link destinations', 'unclosed images', 'emphasis alternation',
  'unclosed HTML comments', 'unclosed angle autolinks', 'backslash escapes', 'one long word', 'brackets then a link', 'entities',
];

export function defineDosTests(t: T, sizes: DosSizes): void {
  t.describe(`linear cost: text, validation, search (${sizes.text} vs ${4 * sizes.text} characters)`, () => {
    each(t, 'text', textCases(), sizes.text);
  });
  t.describe(`linear cost: mail text handling (${sizes.text} vs ${4 * sizes.text})`, () => {
    each(t, 'mail', emailCostCases(), sizes.text);
  });
  t.describe(`linear cost: rendering Markdown, limits raised (${sizes.markdown} vs ${4 * sizes.markdown})`, () => {
    const cases = sizes.allMarkdownShapes
      ? markdownCases().filter((c) => !(sizes.exceptShapes ?? []).some((name) => c.name === `render Markdown: ${name}`))
      : markdownCases().filter((c, i, all) => RUN_SHAPES.some((name) => c.name === `render Markdown: ${name}`) && all.findIndex((o) => o.name === c.name) === i);
    each(t, 'markdown', cases, sizes.markdown);
    t.it('renderMarkdown is the function the service renders with', async () => {
      if (renderMarkdown('**a**') !== '<p><strong>a</strong></p>') throw new Error('unexpected render');
    });
  });
  for (const kind of storeKinds().filter((k) => sizes.stores.some((s) => k.name.startsWith(s)))) {
    const d = kind.skip === null ? t.describe : (name: string, fn: () => void) => t.describe(`${name} (${kind.skip})`, fn);
    d(`linear cost through the service: ${kind.name}`, () => {
      t.afterAll(() => kind.close());
      if (kind.skip !== null) {
        t.it('needs its server', async () => undefined);
        return;
      }
      // Opened by the first test, not at collection: a pool opened minutes before its first
      // query lost its connections in the reliability run (PG and MariaDB "unreachable").
      let opened: ReturnType<typeof kind.open> | undefined;
      // Cases are made per test (each needs the store open), measured like the others.
      for (const name of ['write', 'list'] as const) {
        const n = name === 'write' ? sizes.write : sizes.list;
        t.it(
          `${name} cases (${n} vs ${4 * n})`,
          async () => {
            const { store } = await (opened ??= kind.open());
            const cases = name === 'write' ? writeCases(store, 4 * n) : listCases(store);
            const failures: string[] = [];
            for (const c of cases as CostCase<unknown>[]) {
              const r = await measureLinear(c, n);
              if (process.env.TICKETRY_DOS_REPORT) console.log(`${kind.name}: ${formatCost(r)}`);
              t.report?.({ ...r, name: `${kind.name}: ${r.name}` }, name);
              try {
                assertLinear(r);
              } catch (err) {
                failures.push(String((err as Error).message));
              }
            }
            if (failures.length > 0) throw new Error(failures.join('\n'));
          },
          1_800_000,
        );
      }
    });
  }
}
