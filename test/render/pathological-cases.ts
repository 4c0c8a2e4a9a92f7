import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { TicketError } from '../../src/errors.js';
import { renderBody, stopRenderWorker } from '../../src/render/render-body.js';
import { DEFAULT_RENDER_LIMITS } from '../../src/render/render-limits.js';
import { startHeartbeat } from './heartbeat.js';
import { PATHOLOGICAL_BODIES } from './pathological-bodies.js';

/*
 * Every pathological shape at one size goes through the path the service uses
 * (renderBody with the default limits: caps, worker, time budget). Each must come back
 * rendered or refused with `validation`, and a heartbeat on this thread proves the event
 * loop kept running meanwhile. How long each takes is in the bench
 * (bench/render.bench.ts), not asserted here beyond the budget: the machine is shared.
 *
 * Registered by test/render/pathological.test.ts (`npm test`, a quarter of the maximum
 * size) and test/reliability/pathological-max.test.ts (the maximum size; both scales, so
 * `.ci/run` runs it).
 */

/** A fresh worker loads micromark and jsdom (~0.5-1.5 s) before its first body. */
const RESTART_ALLOWANCE_MS = 15_000;

/** What the shapes came to: the names rendered and the names refused, and the longest loop gap. */
export interface PathologicalTally {
  rendered: string[];
  refused: string[];
  maxGapMs: number;
}

/**
 * Registers one test per shape at `size` characters (at most the default
 * `maxMarkdownLength`), with the render worker started before the first and stopped after
 * the last. `report` gets the tally once every shape has run.
 */
export function pathologicalShapeTests(size: number, report?: (tally: PathologicalTally) => void): void {
  const limits = DEFAULT_RENDER_LIMITS;
  if (size > limits.maxMarkdownLength) throw new Error(`size ${size} is over maxMarkdownLength`);
  const tally: PathologicalTally = { rendered: [], refused: [], maxGapMs: 0 };

  beforeAll(async () => {
    // Start the worker outside the measurements.
    await renderBody('markdown', '**warm**');
  });

  afterAll(async () => {
    await stopRenderWorker();
    report?.(tally);
  });

  describe(`pathological Markdown at ${size} characters${size === limits.maxMarkdownLength ? ' (the maximum size)' : ''}`, () => {
    for (const { name, make } of PATHOLOGICAL_BODIES) {
      test(name, async () => {
        const body = make(size);
        expect(body.length).toBeLessThanOrEqual(size);
        expect(body.length).toBeGreaterThan(size * 0.7);
        const heartbeat = startHeartbeat();
        const started = performance.now();
        const outcome = await renderBody('markdown', body, limits).then(
          (html) => ({ html }),
          (error: unknown) => ({ error }),
        );
        const elapsed = performance.now() - started;
        const maxGap = heartbeat.stop();
        tally.maxGapMs = Math.max(tally.maxGapMs, maxGap);
        if ('error' in outcome) {
          expect(TicketError.is(outcome.error, 'validation'), String(outcome.error)).toBe(true);
          expect((outcome.error as TicketError).params).toMatchObject({ field: 'body' });
          tally.refused.push(name);
        } else {
          expect(typeof outcome.html).toBe('string');
          expect(outcome.html).not.toMatch(/<(?:script|img|iframe)\b/i);
          tally.rendered.push(name);
        }
        expect(maxGap).toBeLessThan(limits.timeBudgetMs);
        expect(elapsed).toBeLessThan(limits.timeBudgetMs + RESTART_ALLOWANCE_MS);
      });
    }
  });
}
