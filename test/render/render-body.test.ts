import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { TicketError } from '../../src/errors.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { sharedMarkdownWorker } from '../../src/render/markdown-worker.js';
import { DEFAULT_RENDER_LIMITS } from '../../src/render/render-limits.js';
import { renderBody, stopRenderWorker } from '../../src/render/render-body.js';
import { startHeartbeat } from './heartbeat.js';
import { PATHOLOGICAL_BODIES } from './pathological-bodies.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const renderBodyModule = fileURLToPath(new URL('../../src/render/render-body.ts', import.meta.url));
const slow = PATHOLOGICAL_BODIES.find((b) => b.name === 'mixed delimiters')!.make(32 * 1024);
/** Every Markdown body to the worker, however short. */
const inWorker = { inThreadMaxLength: 0 };

afterAll(async () => {
  await stopRenderWorker();
});

async function refusal(promise: Promise<unknown>): Promise<TicketError> {
  const error = await promise.then(
    () => new Error('expected a refusal'),
    (e: unknown) => e,
  );
  expect(TicketError.is(error, 'validation'), String(error)).toBe(true);
  return error as TicketError;
}

describe('renderBody: plain text', () => {
  test('is escaped on the calling thread, limited by maxBodyLength', async () => {
    expect(await renderBody('plain', '<b>hi</b>\n**x**')).toBe('<p>&lt;b&gt;hi&lt;/b&gt;<br>**x**</p>');
    const error = await refusal(renderBody('plain', 'abcd', { maxBodyLength: 3 }));
    expect(error.params).toEqual({ field: 'body', reason: 'body_too_long', max: 3, length: 4 });
    // Plain text may be longer than the Markdown limit.
    expect(await renderBody('plain', 'a'.repeat(40_000), { maxMarkdownLength: 100 })).toHaveLength(40_007);
  });

  test('a non-string body is a validation error, not a TypeError', async () => {
    for (const kind of ['plain', 'markdown'] as const) {
      for (const body of [42, null, undefined, {}, ['a']]) {
        const error = await refusal(renderBody(kind, body as never));
        expect(error.params).toMatchObject({ field: 'body', reason: 'not_a_string' });
      }
    }
  });

  test('an unknown kind is a validation error', async () => {
    const error = await refusal(renderBody('html' as never, 'x'));
    expect(error.params).toMatchObject({ field: 'kind' });
  });
});

describe('renderBody: short Markdown on the calling thread', () => {
  const outcome = (promise: Promise<string>) =>
    promise.then(
      (html) => ({ html }),
      (e: unknown) => ({ error: TicketError.is(e) ? { code: e.code, params: e.params } : String(e) }),
    );

  test('gives what the worker gives, for ordinary and hostile bodies up to the limit', async () => {
    const max = DEFAULT_RENDER_LIMITS.inThreadMaxLength;
    const bodies = [
      '**a** _b_ ~~c~~ [d](https://e.example) ![i](https://e.example/i.png)',
      '# T\n\n- [x] one\n- [ ] two\n\n| a | b |\n|:-|-:|\n| 1 | 2 |',
      '```js\nconst a = "<b>";\n```\n\n> quote\n\n<script>alert(1)</script> [x](javascript:alert(1))',
      ...PATHOLOGICAL_BODIES.flatMap(({ make }) => [make(300), make(max)].filter((b) => b.length <= max)),
    ];
    expect(bodies.length).toBeGreaterThan(PATHOLOGICAL_BODIES.length);
    for (const body of bodies) {
      expect(await outcome(renderBody('markdown', body)), body.slice(0, 60)).toEqual(await outcome(renderBody('markdown', body, inWorker)));
    }
    // Limits apply the same way on this thread.
    expect(await renderBody('markdown', '[a](https://e.example/a) [b](https://e.example/b)', { maxLinks: 1 })).toBe(
      await renderBody('markdown', '[a](https://e.example/a) [b](https://e.example/b)', { maxLinks: 1, ...inWorker }),
    );
  });

  test('starts no worker; a longer body, or one whose HTML needs DOMPurify, goes to the worker', async () => {
    await stopRenderWorker();
    const worker = sharedMarkdownWorker();
    const starts = worker.starts;
    expect(await renderBody('markdown', 'We found **CRC errors** on your line; see [the guide](https://e.example/dsl).')).toBe(
      '<p>We found <strong>CRC errors</strong> on your line; see <a href="https://e.example/dsl" rel="nofollow noopener noreferrer" target="_blank">the guide</a>.</p>',
    );
    expect(await renderBody('markdown', `**${'a'.repeat(2000)}**`, { inThreadMaxLength: 2004 })).toMatch(/^<p><strong>a/);
    expect(worker.starts).toBe(starts);
    // One character over the limit: the worker.
    expect(await renderBody('markdown', `**${'a'.repeat(2000)}**`, { inThreadMaxLength: 2003 })).toMatch(/^<p><strong>a/);
    expect(worker.starts).toBe(starts + 1);
    await stopRenderWorker();
    // A link inside a link's text: the token pass leaves it to DOMPurify, in the worker.
    const nested = '[<https://a.example>](https://b.example)';
    expect(await renderBody('markdown', nested)).toBe(renderMarkdown(nested));
    expect(worker.starts).toBe(starts + 2);
  });
});

describe('renderBody: Markdown in the worker', () => {
  // Short bodies render on the calling thread (see the next describe); these send every
  // body to the worker.
  test('gives the same HTML as renderMarkdown', async () => {
    const bodies = [
      '**a** _b_ ~~c~~ [d](https://e.example) ![i](https://e.example/i.png)',
      '# T\n\n- [x] one\n- [ ] two\n\n| a | b |\n|:-|-:|\n| 1 | 2 |',
      '```js\nconst a = "<b>";\n```\n\n> quote\n\n<script>alert(1)</script> [x](javascript:alert(1))',
    ];
    for (const body of bodies) expect(await renderBody('markdown', body, inWorker)).toBe(renderMarkdown(body));
    expect(await renderBody('markdown', '   \n', inWorker)).toBe('');
  });

  test('limits are passed to the worker', async () => {
    const html = await renderBody('markdown', '[a](https://e.example/a) [b](https://e.example/b)', { maxLinks: 1, ...inWorker });
    expect(html).toBe(
      '<p><a href="https://e.example/a" rel="nofollow noopener noreferrer" target="_blank">a</a> b</p>\n' +
        '<p><em>Formatting simplified: links beyond the first 1 shown as text.</em></p>',
    );
    const error = await refusal(renderBody('markdown', 'abcd', { maxMarkdownLength: 3, ...inWorker }));
    expect(error.params).toEqual({ field: 'body', reason: 'markdown_too_long', max: 3, length: 4 });
  });

  test('a body over the time budget is refused, the loop stays free, the next body gets a new worker', async () => {
    await renderBody('markdown', 'warm');
    const startsBefore = sharedMarkdownWorker().starts;
    const heartbeat = startHeartbeat();
    const error = await refusal(renderBody('markdown', slow, { timeBudgetMs: 50 }));
    const gap = heartbeat.stop();
    expect(error.params).toEqual({ field: 'body', reason: 'render_budget', budgetMs: 50 });
    expect(error.message).toMatch(/took longer than 50 ms/);
    expect(gap).toBeLessThan(1000);
    expect(await renderBody('markdown', '*after*', inWorker)).toBe('<p><em>after</em></p>');
    expect(sharedMarkdownWorker().starts).toBe(startsBefore + 1);
  });

  test('concurrent bodies are all answered, in order, and one overrun fails only itself', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        i === 5 ? renderBody('markdown', slow, { timeBudgetMs: 50 }) : renderBody('markdown', `**${i}**`, inWorker),
      ),
    );
    results.forEach((result, i) => {
      if (i === 5) {
        expect(result.status).toBe('rejected');
        expect(TicketError.is((result as PromiseRejectedResult).reason, 'validation')).toBe(true);
      } else {
        expect(result).toEqual({ status: 'fulfilled', value: `<p><strong>${i}</strong></p>` });
      }
    });
  });

  test('the worker does not keep a process alive', () => {
    // A fresh process renders and then simply ends: no stopRenderWorker, no exit().
    const script = `
      const { renderBody } = await import(${JSON.stringify(renderBodyModule)});
      console.log(await renderBody('markdown', '**done**'));
    `;
    const started = Date.now();
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    expect(child.stdout.trim()).toBe('<p><strong>done</strong></p>');
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});

test('a body whose answer waits behind a blocked event loop is not refused for the delay', async () => {
  await renderBody('markdown', 'warm');
  const pending = renderBody('markdown', '*quick*', { timeBudgetMs: 100, ...inWorker });
  // Block this thread past the budget from a timer callback, while the worker answers
  // within it. (On Node 20 this also holds without the setImmediate deferral in
  // markdown-worker.ts, since the budget timer is only seen as due on the next loop turn,
  // after the answer is read; the deferral keeps it so if timer processing changes.)
  await new Promise<void>((resolve) => {
    setTimeout(() => {
      const until = performance.now() + 400;
      while (performance.now() < until) {
        // busy wait
      }
      resolve();
    }, 1);
  });
  expect(await pending).toBe('<p><em>quick</em></p>');
});

test('stopping the worker refuses what is in flight as unavailable; the next body starts a new one', async () => {
  await renderBody('markdown', 'warm');
  const inFlight = renderBody('markdown', slow).catch((e: unknown) => e);
  const waiting = renderBody('markdown', '*waiting*', inWorker).catch((e: unknown) => e);
  await new Promise((resolve) => setTimeout(resolve, 20));
  await stopRenderWorker();
  for (const error of [await inFlight, await waiting]) {
    expect(TicketError.is(error, 'unavailable'), String(error)).toBe(true);
  }
  expect(await renderBody('markdown', '*again*', inWorker)).toBe('<p><em>again</em></p>');
});
