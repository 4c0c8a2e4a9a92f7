import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TicketError } from '../../src/errors.js';
import { renderBody, stopRenderWorker } from '../../src/render/render-body.js';
import { DEFAULT_RENDER_LIMITS } from '../../src/render/render-limits.js';
import { startHeartbeat } from './heartbeat.js';
import { PATHOLOGICAL_BODIES } from './pathological-bodies.js';

/*
 * Every pathological shape at the largest Markdown body allowed goes through the path the
 * service uses (renderBody: caps, worker, time budget). Each must come back rendered or
 * refused with `validation`, and a heartbeat on this thread proves the event loop kept
 * running meanwhile. How long each takes is in the bench (bench/render.bench.ts), not
 * asserted here: the machine is shared.
 */

const limits = DEFAULT_RENDER_LIMITS;
const max = limits.maxMarkdownLength;
/** A fresh worker loads micromark and jsdom (~0.5-1.5 s) before its first body. */
const RESTART_ALLOWANCE_MS = 15_000;

beforeAll(async () => {
  // Start the worker outside the measurements.
  await renderBody('markdown', '**warm**');
});

afterAll(async () => {
  await stopRenderWorker();
});

describe(`pathological Markdown at the maximum size (${max} characters)`, () => {
  for (const { name, make } of PATHOLOGICAL_BODIES) {
    test(name, async () => {
      const body = make(max);
      expect(body.length).toBeLessThanOrEqual(max);
      expect(body.length).toBeGreaterThan(max * 0.7);
      const heartbeat = startHeartbeat();
      const started = performance.now();
      const outcome = await renderBody('markdown', body, limits).then(
        (html) => ({ html }),
        (error: unknown) => ({ error }),
      );
      const elapsed = performance.now() - started;
      const maxGap = heartbeat.stop();
      if ('error' in outcome) {
        expect(TicketError.is(outcome.error, 'validation'), String(outcome.error)).toBe(true);
        expect((outcome.error as TicketError).params).toMatchObject({ field: 'body' });
      } else {
        expect(typeof outcome.html).toBe('string');
        expect(outcome.html).not.toMatch(/<(?:script|img|iframe)\b/i);
      }
      expect(maxGap).toBeLessThan(limits.timeBudgetMs);
      expect(elapsed).toBeLessThan(limits.timeBudgetMs + RESTART_ALLOWANCE_MS);
    });
  }
});

describe('the cases of issue 8, at the sizes it reported', () => {
  // Each took seconds to minutes and some ended in a RangeError; now they render.
  const cases: Array<[name: string, size: number]> = [
    ['nested list', 8 * 1024],
    ['nested quote', 4 * 1024],
    ['autolink flood', 32 * 1024],
    ['link flood', 32 * 1024],
    ['star runs', 16 * 1024],
    ['bracket runs', 32 * 1024],
  ];
  // What these prove is that each renders (the caps keep its cost linear; without them
  // they took minutes), not how fast: a generous budget keeps a loaded machine from
  // turning a slow render into a refusal. Speed is in bench/render.bench.ts.
  const generous = { ...limits, timeBudgetMs: 20_000 };
  for (const [name, size] of cases) {
    test(`${name}, ${size / 1024} KB, renders`, async () => {
      const body = PATHOLOGICAL_BODIES.find((b) => b.name === name)!.make(size);
      const heartbeat = startHeartbeat();
      const html = await renderBody('markdown', body, generous);
      expect(heartbeat.stop()).toBeLessThan(limits.timeBudgetMs);
      expect(html.length).toBeGreaterThan(0);
    });
  }
});

test('a body longer than maxMarkdownLength is refused before any work', async () => {
  const heartbeat = startHeartbeat();
  const error = await renderBody('markdown', 'a'.repeat(max + 1)).catch((e: unknown) => e);
  expect(heartbeat.stop()).toBeLessThan(limits.timeBudgetMs);
  expect(TicketError.is(error, 'validation')).toBe(true);
  expect((error as TicketError).params).toEqual({
    field: 'body',
    reason: 'markdown_too_long',
    max,
    length: max + 1,
  });
});
