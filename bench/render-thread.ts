/**
 * What rendering a short staff reply on the calling thread saves against the render
 * worker's round trip: `renderBody` on the benchmark's reply body (299 characters) with
 * the default `inThreadMaxLength` (rendered here) and with `inThreadMaxLength: 0` (sent
 * to the worker), alternating call by call; wall time quantiles of each.
 *
 *   npx tsx bench/render-thread.ts            # N=3000 calls each
 */
import { renderBody, stopRenderWorker } from '../src/render/render-body.js';
import { STAFF_BODY } from './store-targets.js';

const N = Number(process.env.N ?? 3000);
const sides = { 'in thread': {}, 'in the worker': { inThreadMaxLength: 0 } } as const;
const times: Record<string, number[]> = {};
for (let i = 0; i < 300; i++) for (const limits of Object.values(sides)) await renderBody('markdown', STAFF_BODY, limits);
for (let i = 0; i < N; i++) {
  const order = i % 2 === 0 ? Object.entries(sides) : Object.entries(sides).reverse();
  for (const [name, limits] of order) {
    const started = performance.now();
    await renderBody('markdown', STAFF_BODY, limits);
    (times[name] ??= []).push(performance.now() - started);
  }
}
const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)]!.toFixed(3);
for (const [name, xs] of Object.entries(times)) {
  console.log(`${name.padEnd(14)} p50 ${q(xs, 0.5)} ms  p90 ${q(xs, 0.9)}  p99 ${q(xs, 0.99)}`);
}
await stopRenderWorker();
