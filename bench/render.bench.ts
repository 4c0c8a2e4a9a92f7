/**
 * Rendering cost: an ordinary 2 KB staff reply through each path, every pathological
 * shape at the largest Markdown body allowed, and the curve of time against size for the
 * costliest shapes. Run with `npx vitest bench --run bench/render.bench.ts`; results and
 * what they mean are in bench/README.md ("Rendering").
 *
 * The worst-case groups run each body a few times only (`RENDER_BENCH_ITERATIONS`,
 * default 3): they are about the order of magnitude, and one pass over all shapes already
 * takes a while. The in-thread `renderMarkdown` is measured there (pure cost, no message
 * passing); `renderBody` adds a round trip to the worker, measured in the first group.
 */
import { createRequire } from 'node:module';
import { afterAll, bench, describe } from 'vitest';
import { renderMarkdown } from '../src/render/markdown.js';
import { getMarkdownToHtml } from '../src/render/micromark-loader.js';
import { renderBody, stopRenderWorker } from '../src/render/render-body.js';
import { DEFAULT_RENDER_LIMITS } from '../src/render/render-limits.js';
import { sanitizeHtml } from '../src/render/sanitize.js';
import { PATHOLOGICAL_BODIES } from '../test/render/pathological-bodies.js';

const iterations = Number(process.env.RENDER_BENCH_ITERATIONS ?? 3);
/** `RENDER_BENCH_ONLY=reply` runs the ordinary-reply group alone (seconds, not minutes). */
const onlyReply = process.env.RENDER_BENCH_ONLY === 'reply';
const heavyDescribe = onlyReply ? describe.skip : describe;
const heavy = { iterations, time: 0, warmupIterations: 1, warmupTime: 0 };
const max = DEFAULT_RENDER_LIMITS.maxMarkdownLength;

/** The 2 KB reply of test/render/memory.test.ts: every everyday construct once or twice. */
const para = 'Some **bold**, _em_, `code`, [a link](https://e.example/x) and www.e.example. ';
const reply = [
  '# Title',
  para.repeat(12),
  '- [x] one\n- [ ] two',
  '| a | b |\n|--|--|\n| 1 | 2 |',
  '```js\nconst a = "<b>";\n```',
  para.repeat(12),
].join('\n\n');

// micromark alone, as the search-and-speed issue measures it: loaded and warm.
const { micromark } = createRequire(import.meta.url)('micromark') as { micromark: (s: string, o: object) => string };
const { gfm, gfmHtml } = createRequire(import.meta.url)('micromark-extension-gfm') as {
  gfm: () => object;
  gfmHtml: () => object;
};
const micromarkOptions = { extensions: [gfm()], htmlExtensions: [gfmHtml()] };

// Warm everything outside the measurements: jsdom, micromark, the worker.
renderMarkdown(reply);
await renderBody('markdown', reply);

afterAll(async () => {
  await stopRenderWorker();
});

describe(`ordinary reply (${reply.length} characters)`, () => {
  bench('micromark alone (no sanitising)', () => {
    micromark(reply, micromarkOptions);
  });
  bench('old path: micromark + sanitizeHtml, in-thread, no caps', () => {
    sanitizeHtml(getMarkdownToHtml()(reply));
  });
  bench('renderMarkdown: caps + micromark + sanitizer, in-thread', () => {
    renderMarkdown(reply);
  });
  bench('renderBody: the same in the worker, with the time budget', async () => {
    await renderBody('markdown', reply);
  });
  bench('renderBody: 10 replies one after another (all 10)', async () => {
    for (let i = 0; i < 10; i++) await renderBody('markdown', reply);
  });
  bench('renderBody, a one-character body: the round trip alone', async () => {
    await renderBody('markdown', 'x');
  });
  bench('renderBody: 8 replies in flight at once (all 8)', async () => {
    await Promise.all(Array.from({ length: 8 }, () => renderBody('markdown', reply)));
  });
  bench('renderBody, plain text (customer path)', async () => {
    await renderBody('plain', reply);
  });
});

heavyDescribe(`every shape at the maximum Markdown size (${max} characters), renderMarkdown in-thread`, () => {
  for (const { name, make } of PATHOLOGICAL_BODIES) {
    const body = make(max);
    bench(
      name,
      () => {
        try {
          renderMarkdown(body);
        } catch {
          // Refused (too complex): the time to refuse is what is measured.
        }
      },
      heavy,
    );
  }
});

const CURVE_SHAPES = ['task list', 'headings', 'mixed delimiters', 'emphasis flood', 'bracket runs', 'nested list', 'prose (control)'];
const CURVE_SIZES = [4096, 8192, 16_384, 32_768];
for (const shape of CURVE_SHAPES) {
  const { make } = PATHOLOGICAL_BODIES.find((b) => b.name === shape)!;
  heavyDescribe(`curve: ${shape}`, () => {
    for (const size of CURVE_SIZES) {
      const body = make(size);
      bench(`${size} characters`, () => {
        renderMarkdown(body);
      }, heavy);
    }
  });
}
