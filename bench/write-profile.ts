/**
 * Where a write's time goes: runs create and addReply through ticketry and through the
 * raw replay of their statements, alternating call by call, on one seeded store (outside
 * vitest, so it can be profiled), and prints the quantiles of both sides, wall and CPU
 * time, and their ratios.
 *
 *   BENCH_TICKETS=10000 BENCH_STORES=sqlite npx tsx bench/write-profile.ts
 *   PROFILE_OUT=/tmp/create.cpuprofile BENCH_OPS=create npx tsx bench/write-profile.ts
 *   PROFILE_BASE=/tmp/base PROFILE_MEMO_RENDER=1 npx tsx bench/write-profile.ts
 *
 * - `PROFILE_OUT`: a CPU profile of the measured rounds only (not the seeding, the
 *   recording or the module loading that `node --cpu-prof` would include), one file per
 *   store and operation (`<name>.<store>.<op>.cpuprofile`), for Chrome's DevTools or
 *   `speedscope`.
 * - `PROFILE_BASE`: another checkout of ticketry (say `git archive <commit> | tar -x -C
 *   /tmp/base` with a `node_modules` link): its bench targets are opened beside this
 *   tree's, each on its own seeded store, and every round runs ticketry and raw of both
 *   trees in turn (which tree goes first alternates): before/after on the same load.
 * - `PROFILE_MEMO_RENDER=1`: every tree's `renderBody` memoises Markdown bodies, so a
 *   staff reply is measured without its render (which the raw side does not do). Without
 *   it the render is timed beside each reply and subtracted.
 *
 * CPU time is `process.cpuUsage()` around each call: on a machine shared with other jobs
 * it leaves out the time the process waited for a core, which wall time does not (it
 * includes the process's other threads: GC helpers, the render worker when it renders).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { register } from 'node:module';
import type { BenchPair, BenchTarget, TargetOptions } from './store-targets.js';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 10_000);
const ROUNDS = Number(process.env.PROFILE_ROUNDS ?? 200);
const kinds = (process.env.BENCH_STORES ?? 'sqlite').split(',') as ('sqlite' | 'postgres' | 'mysql')[];
process.env.BENCH_OPS ??= 'create,reply';
const PROFILE_OUT = process.env.PROFILE_OUT;
const BASE = process.env.PROFILE_BASE;
const MEMO_RENDER = process.env.PROFILE_MEMO_RENDER === '1';

/**
 * A module hook memoising `renderBody('markdown', body)` in every tree's
 * `src/render/render-body.ts` (registered before any tree is imported).
 */
const MEMO_HOOK = `
export async function load(url, context, nextLoad) {
  const result = await nextLoad(url, context);
  if (!url.includes('/src/render/render-body.')) return result;
  const source = typeof result.source === 'string' ? result.source : Buffer.from(result.source).toString('utf8');
  return { ...result, source: source + \`
const memoRendered = new Map();
const renderUnmemoised = renderBody;
renderBody = function (kind, body, limits) {
  if (kind !== 'markdown') return renderUnmemoised(kind, body, limits);
  let html = memoRendered.get(body);
  if (html === undefined) memoRendered.set(body, (html = renderUnmemoised(kind, body, limits)));
  return html;
};
\` };
}`;
if (MEMO_RENDER) register(`data:text/javascript,${encodeURIComponent(MEMO_HOOK)}`, import.meta.url);

interface Tree {
  name: string;
  openTarget: (options: TargetOptions) => Promise<BenchTarget>;
  renderBody: (kind: 'markdown', body: string) => Promise<string>;
  staffBody: string;
}

async function loadTree(name: string, root: string): Promise<Tree> {
  const targets = (await import(`${root}/bench/store-targets.ts`)) as typeof import('./store-targets.js');
  const render = (await import(`${root}/src/render/render-body.ts`)) as typeof import('../src/render/render-body.js');
  return { name, openTarget: targets.openTarget, renderBody: render.renderBody, staffBody: targets.STAFF_BODY };
}

const trees: Tree[] = [await loadTree('this tree', new URL('..', import.meta.url).pathname.replace(/\/$/, ''))];
if (BASE) trees.unshift(await loadTree('base', BASE.replace(/\/$/, '')));

/** Starts the CPU profiler (when `PROFILE_OUT` is set); the returned function writes the profile. */
async function profile(label: string): Promise<() => Promise<void>> {
  if (!PROFILE_OUT) return async () => undefined;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  return async () => {
    const { profile: result } = await session.post('Profiler.stop');
    const file = PROFILE_OUT.replace(/\.cpuprofile$/, '') + `.${label}.cpuprofile`;
    writeFileSync(file, JSON.stringify(result));
    session.disconnect();
    console.log(`profile: ${file}`);
  };
}

const quantile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)]!;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Wall and CPU ms of one call. */
async function timed(call: () => Promise<unknown>, wall: number[], cpu: number[]): Promise<void> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await call();
  wall.push(performance.now() - t0);
  const c = process.cpuUsage(c0);
  cpu.push((c.user + c.system) / 1000);
}

interface Times {
  ticketry: { wall: number[]; cpu: number[] };
  raw: { wall: number[]; cpu: number[] };
  render: { wall: number[]; cpu: number[] };
}
const emptyTimes = (): Times => ({ ticketry: { wall: [], cpu: [] }, raw: { wall: [], cpu: [] }, render: { wall: [], cpu: [] } });

for (const kind of kinds) {
  const targets: BenchTarget[] = [];
  try {
    for (const tree of trees) targets.push(await tree.openTarget({ kind, tickets: TICKETS, time: 1000, log: () => undefined }));
    for (const key of process.env.BENCH_OPS.split(',')) {
      const pairs = targets.map((t) => t.pairs.find((p) => p.key === key)).filter((p): p is BenchPair => p !== undefined);
      if (pairs.length !== targets.length) continue;
      for (const pair of pairs) await pair.options.setup();
      const rounds =
        key === 'reply' ? Math.min(ROUNDS, ...pairs.map((p) => p.options.iterations + p.options.warmupIterations)) : ROUNDS;
      const times = pairs.map(emptyTimes);
      const stop = await profile(`${kind}.${key}`);
      for (let i = 0; i < rounds; i++) {
        // Which tree goes first alternates, so neither always runs right after the other.
        const order = i % 2 === 0 ? pairs.map((_, k) => k) : pairs.map((_, k) => pairs.length - 1 - k);
        for (const k of order) {
          for (const side of ['ticketry', 'raw'] as const) await timed(() => pairs[k]![side](), times[k]![side].wall, times[k]![side].cpu);
          // The reply's render on its own (on the render worker, as addReply renders it).
          if (key === 'reply' && !MEMO_RENDER) {
            await timed(() => trees[k]!.renderBody('markdown', trees[k]!.staffBody), times[k]!.render.wall, times[k]!.render.cpu);
          }
        }
      }
      await stop();
      // The first tenth (at most 10 rounds) warms up.
      const skip = Math.min(10, Math.floor(rounds / 10));
      console.log(`${targets[0]!.name} ${key}: ${rounds - skip} rounds, ${TICKETS} tickets${MEMO_RENDER && key === 'reply' ? ', render memoised' : ''}`);
      for (const measure of ['wall', 'cpu'] as const) {
        for (const p of [0.1, 0.25, 0.5]) {
          const own: number[] = [];
          const cells = pairs.map((_, k) => {
            const t = times[k]!;
            const mine = t.ticketry[measure].slice(skip).map((v, i) => v - (t.render[measure][skip + i] ?? 0));
            const raw = t.raw[measure].slice(skip);
            own.push(quantile(mine, p) - quantile(raw, p));
            return `${trees[k]!.name} ${quantile(mine, p).toFixed(3)} / ${quantile(raw, p).toFixed(3)} ms = ${(quantile(mine, p) / quantile(raw, p)).toFixed(2)}x`;
          });
          const change = pairs.length === 2 ? `; ticketry's own time this tree / base ${(own[1]! / own[0]!).toFixed(2)}` : '';
          console.log(`  ${measure.padEnd(4)} p${String(p * 100).padStart(2, '0')}  ${cells.join('   ')}${change}`);
        }
      }
      if (times[0]!.render.wall.length > 0) {
        console.log(
          `  (ticketry's reply less the render timed beside it in the same round: render median ${quantile(times.at(-1)!.render.wall, 0.5).toFixed(3)} ms wall, ` +
            `mean ${mean(times.at(-1)!.render.wall).toFixed(3)}; on a loaded machine the difference is noisy, PROFILE_MEMO_RENDER=1 leaves the render out instead)`,
        );
      }
    }
  } finally {
    for (const target of targets) await target.close();
  }
}
process.exit(0);
