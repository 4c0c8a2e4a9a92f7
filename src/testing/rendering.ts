/**
 * Contract: rendering through the service. A request that will be refused (an id out of
 * scope, a missing permission) never renders its body; hostile Markdown at the largest
 * size a caller may send is rendered or refused with `validation` in bounded time, and
 * the event loop keeps running meanwhile.
 */
import { TicketError } from '../errors.js';
import { assert, customer, operator, rejectsWith, resellerStaff, withDesk, type ContractOptions } from './harness.js';

/** Bodies whose cost grew faster than their size before rendering was bounded (issue 8). */
const HOSTILE: readonly { name: string; make: (size: number) => string }[] = [
  { name: 'nested list', make: (n) => `${'- '.repeat(Math.floor((n - 1) / 2))}a` },
  { name: 'nested quote', make: (n) => '>'.repeat(n) },
  { name: 'emphasis runs', make: (n) => `${'*'.repeat(Math.floor((n - 1) / 2))}a${'*'.repeat(Math.floor((n - 1) / 2))}` },
  { name: 'autolink flood', make: (n) => 'www.a.com '.repeat(Math.floor(n / 10)) },
  { name: 'bracket runs', make: (n) => `${'['.repeat(Math.floor(n / 2))}${']'.repeat(Math.floor(n / 2))}` },
];

export function renderingTests(o: ContractOptions): void {
  const { describe, it } = o;

  describe('rendering through the service', () => {
    it(
      'a reply to a ticket out of scope, or without permission, is refused before its body is rendered',
      withDesk(o, async ({ desk, directory }) => {
        const c = customer(undefined, 'r1');
        directory.addSubscriber(c.id, 'r1');
        const t = await desk.create(c, { subject: 's', body: 'b' });
        // Within every length limit, but rendering it is refused (it expands to too much
        // HTML): a validation error here means the body was rendered.
        const footnotes = 3 * Math.floor(desk.config.render.maxMarkdownLength / 16);
        const costly = `${'[^1]'.repeat(footnotes)}\n\n[^1]: note`;
        await rejectsWith(desk.addReply(resellerStaff('r2'), t.id, { body: costly }), 'not_found');
        await rejectsWith(desk.addReply(operator(), 'no-such-ticket', { body: costly }), 'not_found');
        await rejectsWith(desk.addReply(operator(['tickets.view']), t.id, { body: costly }), 'forbidden');
        const rendered = await rejectsWith(desk.addReply(operator(), t.id, { body: costly }), 'validation', { field: 'body' });
        // Refused as too costly either way: by its size once rendered, or (on a machine
        // too loaded to finish it in time) by the render's time budget.
        assert.ok(
          rendered.params.reason === 'markdown_too_complex' || rendered.params.reason === 'render_budget',
          `refused for ${String(rendered.params.reason)}`,
        );
        assert.equal((await desk.get(operator(), t.id)).messages.length, 1);
      }),
    );

    it(
      'hostile Markdown at the maximum size is rendered or refused in bounded time, without blocking the event loop',
      withDesk(o, async ({ desk }) => {
        const staff = operator();
        const t = await desk.create(customer(), { subject: 's', body: 'b' });
        const { maxMarkdownLength, timeBudgetMs } = desk.config.render;
        let last = performance.now();
        let worstGap = 0;
        const heartbeat = setInterval(() => {
          const now = performance.now();
          worstGap = Math.max(worstGap, now - last);
          last = now;
        }, 10);
        try {
          for (const shape of HOSTILE) {
            const body = shape.make(maxMarkdownLength);
            const started = performance.now();
            try {
              const reply = await desk.addReply(staff, t.id, { body, internal: true });
              assert.equal(reply.body, body, `${shape.name}: stored as written`);
            } catch (error) {
              assert.ok(TicketError.is(error, 'validation'), `${shape.name}: ${String(error)}`);
              assert.equal(error.field, 'body');
            }
            // Not a speed check (the benchmarks measure speed): a bound that only a render
            // running past its budget breaks, with room for a worker restart and a
            // saturated shared machine.
            assert.ok(performance.now() - started < timeBudgetMs * 5 + 5000, `${shape.name} took too long`);
          }
        } finally {
          clearInterval(heartbeat);
        }
        // The store's own work still runs on this thread; rendering never does.
        assert.ok(worstGap < timeBudgetMs, `the event loop stalled for ${Math.round(worstGap)} ms`);
      }),
    );
  });
}
