/**
 * Where a write's time goes: runs create and addReply through ticketry and through the
 * raw replay of their statements, alternating, on one seeded store (outside vitest, so
 * `node --cpu-prof` can profile it).
 *
 *   BENCH_TICKETS=10000 BENCH_STORES=sqlite npx tsx bench/write-profile.ts
 *   PROFILE_OUT=/tmp/create.cpuprofile BENCH_OPS=create npx tsx bench/write-profile.ts
 *
 * `PROFILE_OUT`: a CPU profile of the measured rounds only (not the seeding, the
 * recording or the module loading that `node --cpu-prof` would include), one file per
 * store and operation (`<name>.<store>.<op>.cpuprofile`), for Chrome's DevTools or
 * `speedscope`.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { renderBody } from '../src/render/render-body.js';
import { STAFF_BODY, openTarget } from './store-targets.js';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 10_000);
const ROUNDS = Number(process.env.PROFILE_ROUNDS ?? 200);
const kinds = (process.env.BENCH_STORES ?? 'sqlite').split(',') as ('sqlite' | 'postgres' | 'mysql')[];
process.env.BENCH_OPS ??= 'create,reply';
const PROFILE_OUT = process.env.PROFILE_OUT;

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

for (const kind of kinds) {
  const target = await openTarget({ kind, tickets: TICKETS, time: 1000, log: () => undefined });
  try {
    for (const pair of target.pairs) {
      await pair.options.setup();
      const rounds = pair.key === 'reply' ? Math.min(ROUNDS, pair.options.iterations + pair.options.warmupIterations) : ROUNDS;
      const times = { ticketry: [] as number[], raw: [] as number[], render: [] as number[] };
      const stop = await profile(`${kind}.${pair.key}`);
      for (let i = 0; i < rounds; i++) {
        for (const side of ['ticketry', 'raw'] as const) {
          const t0 = performance.now();
          await pair[side]();
          times[side].push(performance.now() - t0);
        }
        // The reply's render on its own (on the render worker, as addReply renders it).
        if (pair.key === 'reply') {
          const t0 = performance.now();
          await renderBody('markdown', STAFF_BODY);
          times.render.push(performance.now() - t0);
        }
      }
      await stop();
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
      console.log(
        `${target.name} ${pair.key}: ticketry median ${median(times.ticketry).toFixed(3)} ms mean ${mean(times.ticketry).toFixed(3)}; ` +
          `raw median ${median(times.raw).toFixed(3)} mean ${mean(times.raw).toFixed(3)}; ratio of medians ${(median(times.ticketry) / median(times.raw)).toFixed(2)}`,
      );
      if (times.render.length > 0) {
        // Without the render: each round's reply less the render timed beside it.
        const without = times.ticketry.map((t, i) => t - times.render[i]!);
        console.log(
          `${target.name} ${pair.key}: render median ${median(times.render).toFixed(3)} ms; ` +
            `reply less its render median ${median(without).toFixed(3)} ms, ratio to raw ${(median(without) / median(times.raw)).toFixed(2)}`,
        );
      }
    }
  } finally {
    await target.close();
  }
}
