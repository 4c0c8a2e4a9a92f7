/**
 * Rendering cost: an ordinary 2 KB staff reply through each path beside micromark alone,
 * every pathological shape at the largest Markdown body allowed, and the curve of time
 * against size for the costliest shapes. Run with `npx vitest bench --run
 * bench/render.bench.ts` (`RENDER_BENCH_ONLY=reply` for the ordinary reply alone, seconds
 * instead of minutes); results and what they mean are in bench/README.md ("Rendering").
 *
 * Before the groups, a table of p50 ratios against micromark alone is printed,
 * measured interleaved (one call of each path per round, `RENDER_BENCH_ROUNDS` rounds,
 * default 300), so that a shared machine's load shifts every path alike: the goal is
 * renderMarkdown and renderBody within 1.5x of micromark alone on the same body.
 *
 * The worst-case groups run each body a few times only (`RENDER_BENCH_ITERATIONS`,
 * default 3): they are about the order of magnitude, and one pass over all shapes already
 * takes a while. The in-thread `renderMarkdown` is measured there (pure cost, no message
 * passing); `renderBody` adds a round trip to the worker, measured in the first group.
 */
import { createRequire } from 'node:module';
import { bench, describe } from 'vitest';
import { renderMarkdown } from '../src/render/markdown.js';
import { getMarkdownToHtml } from '../src/render/micromark-loader.js';
import { renderBody } from '../src/render/render-body.js';
import { DEFAULT_RENDER_LIMITS } from '../src/render/render-limits.js';
import { sanitizeHtml } from '../src/render/sanitize.js';
import { warmUp } from '../src/render/warm-up.js';
import { PATHOLOGICAL_BODIES } from '../test/render/pathological-bodies.js';

const iterations = Number(process.env.RENDER_BENCH_ITERATIONS ?? 3);
const rounds = Number(process.env.RENDER_BENCH_ROUNDS ?? 300);
/** `RENDER_BENCH_ONLY=reply` runs the ordinary-reply group alone (seconds, not minutes). */
const onlyReply = process.env.RENDER_BENCH_ONLY === 'reply';
const heavyDescribe = onlyReply ? describe.skip : describe;
const heavy = { iterations, time: 0, warmupIterations: 1, warmupTime: 0 };
const max = DEFAULT_RENDER_LIMITS.maxMarkdownLength;

/**
 * An ordinary 2 KB staff reply, the mix: a table, lists, links, a quote, plus
 * headings, emphasis, inline and fenced code.
 */
const para = 'Some **bold**, _em_, `code`, [a link](https://e.example/x) and www.e.example. ';
const reply = [
  '## What we changed',
  para.repeat(9),
  '> On Monday you wrote:\n> The **mail server** stops answering after the nightly backup.\n> Can you check [the log](https://e.example/log)?',
  '- [x] restarted the backup job\n- [ ] move it to 03:00\n- check the disk: `df -h /var`',
  '1. open the panel\n2. go to *Mail* → *Queues*\n3. press **Flush**',
  '| service | status | since |\n|:--|:-:|--:|\n| smtp | up | 09:12 |\n| imap | up | 09:12 |\n| backup | paused | 02:00 |',
  '```sh\nsystemctl status postfix | grep -i "active"\n```',
  para.repeat(10),
  'Regards,  \nthe support team',
].join('\n\n');

// micromark alone, as the search-and-speed issue measures it: loaded, its GFM extensions
// built once, warm.
const { micromark } = createRequire(import.meta.url)('micromark') as { micromark: (s: string, o: object) => string };
const { gfm, gfmHtml } = createRequire(import.meta.url)('micromark-extension-gfm') as {
  gfm: () => object;
  gfmHtml: () => object;
};
const micromarkOptions = { extensions: [gfm()], htmlExtensions: [gfmHtml()] };

// Warm everything outside the measurements: micromark and jsdom in this thread (for the
// old path) and the render worker.
await warmUp({ inThread: true });
renderMarkdown(reply);
await renderBody('markdown', reply);

/** A path measured in the interleaved rounds. */
type Path = [name: string, run: () => unknown];

/** p50 wall and CPU milliseconds of each path, one call of each per round. */
async function interleavedP50(paths: Path[]): Promise<Array<{ wall: number; cpu: number }>> {
  const wall = paths.map(() => [] as number[]);
  const cpu = paths.map(() => [] as number[]);
  // The first rounds only warm the JIT; the next ones are kept.
  const warm = Math.ceil(rounds / 10);
  for (let round = -warm; round < rounds; round++) {
    for (let i = 0; i < paths.length; i++) {
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      await paths[i]![1]();
      const elapsed = performance.now() - started;
      const used = process.cpuUsage(cpuBefore);
      if (round < 0) continue;
      wall[i]!.push(elapsed);
      cpu[i]!.push((used.user + used.system) / 1000);
    }
  }
  const p50 = (samples: number[]) => samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)]!;
  return paths.map((_, i) => ({ wall: p50(wall[i]!), cpu: p50(cpu[i]!) }));
}

/**
 * The goal's table: p50 of each path and its ratio to micromark alone, in wall time and in
 * CPU time of the whole process (the worker thread included), which a loaded machine
 * distorts far less: a call preempted by another process costs wall time, not CPU time,
 * and so does the wait for the worker thread to be scheduled. The old path (DOMPurify on
 * jsdom, what every body took before) runs in a second pass with micromark again, so its
 * garbage does not land on the other paths' collections.
 */
async function ratioTable(): Promise<string> {
  const alone: Path = ['micromark alone', () => micromark(reply, micromarkOptions)];
  const paths: Path[] = [
    alone,
    ['renderMarkdown (in-thread)', () => renderMarkdown(reply)],
    ['renderBody (worker, round trip included)', () => renderBody('markdown', reply)],
  ];
  const oldPaths: Path[] = [alone, ['old path: micromark + DOMPurify on jsdom', () => sanitizeHtml(getMarkdownToHtml()(reply))]];
  const row = (name: string, { wall, cpu }: { wall: number; cpu: number }, base: { wall: number; cpu: number }) =>
    `| ${name} | ${wall.toFixed(3)} | ${(wall / base.wall).toFixed(2)}x | ${cpu.toFixed(3)} | ${(cpu / base.cpu).toFixed(2)}x |`;
  const measured = await interleavedP50(paths);
  const old = await interleavedP50(oldPaths);
  return [
    `p50 over ${rounds} interleaved rounds, ${reply.length}-character reply:`,
    '| path | p50 wall ms | wall / micromark | p50 CPU ms | CPU / micromark |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...paths.map(([name], i) => row(name, measured[i]!, measured[0]!)),
    row(`${oldPaths[1]![0]} (second pass)`, old[1]!, old[0]!),
  ].join('\n');
}

// Printed before the groups run (vitest bench runs no afterAll hooks).
console.log(await ratioTable());

describe(`ordinary reply (${reply.length} characters)`, () => {
  bench('micromark alone (GFM extensions built once, no sanitising)', () => {
    micromark(reply, micromarkOptions);
  });
  bench('old path: micromark + DOMPurify on jsdom, in-thread, no caps', () => {
    sanitizeHtml(getMarkdownToHtml()(reply));
  });
  bench('renderMarkdown: caps + micromark + sanitiser, in-thread', () => {
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
