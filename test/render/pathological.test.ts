import { describe, expect, test } from 'vitest';
import { TicketError } from '../../src/errors.js';
import { renderBody } from '../../src/render/render-body.js';
import { DEFAULT_RENDER_LIMITS } from '../../src/render/render-limits.js';
import { startHeartbeat } from './heartbeat.js';
import { PATHOLOGICAL_BODIES } from './pathological-bodies.js';
import { pathologicalShapeTests } from './pathological-cases.js';

/*
 * Every pathological shape through renderBody (caps, worker, time budget; the cases are in
 * pathological-cases.ts) at a quarter of the maximum Markdown size: rendered or refused
 * with `validation`, nothing dangerous in the HTML, the event loop free meanwhile. The
 * same shapes at the maximum size run in the reliability suite
 * (test/reliability/pathological-max.test.ts; `.ci/run` runs it), where a shape whose
 * cost grows faster than its length shows.
 */

const limits = DEFAULT_RENDER_LIMITS;
const max = limits.maxMarkdownLength;

pathologicalShapeTests(max / 4);

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
