/**
 * Contract: exact event delivery through `desk.dispatcher`. Two instances draining at once
 * hand each event to each handler once; a throwing handler is retried with backoff and
 * the event parked after `maxAttempts` without holding up other events; a handler that
 * succeeded is not called again; parked events are listed and retried; an undecodable
 * payload is parked at once; a service without `dispatch: true` queues nothing.
 */
import type { TicketEvent } from '../events/event-types.js';
import type { DispatchHandler } from '../events/dispatcher-options.js';
import type { TicketService } from '../service/create-ticket-service.js';
import { assert, customer, operator, rejectsWith, withDesk, type ContractOptions } from './harness.js';
import { outboxEvent } from './rows.js';
import { within } from './store-harness.js';

/** Calls per handler per event id. */
class Calls {
  readonly byHandler = new Map<string, Map<string, number>>();
  record(handler: string, event: TicketEvent): void {
    const calls = this.byHandler.get(handler) ?? new Map<string, number>();
    this.byHandler.set(handler, calls);
    calls.set(event.eventId, (calls.get(event.eventId) ?? 0) + 1);
  }
  count(handler: string, eventId: string): number {
    return this.byHandler.get(handler)?.get(eventId) ?? 0;
  }
  /** Event ids `handler` was called for, each once per call. */
  ids(handler: string): string[] {
    return [...(this.byHandler.get(handler) ?? new Map<string, number>()).entries()].flatMap(([id, n]) => Array<string>(n).fill(id));
  }
}

/** Yields to the event loop `n` times (lets pending I/O and timers of 0 ms run). */
const ticks = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

export function dispatchTests(o: ContractOptions): void {
  const { describe, it } = o;
  const quiet = { onError: () => undefined };

  describe('dispatch', () => {
    it(
      'two instances draining at once hand every event to every handler exactly once, with its stable eventId',
      withDesk(
        o,
        async ({ desk, store, peer, events }) => {
          const other = peer({ store: o.secondStore ? await o.secondStore(store) : store });
          other.events.on('*', (_type, e) => events.push(e as TicketEvent));
          const c = customer();
          const staff = operator();
          for (let i = 0; i < 8; i++) {
            const t = await desk.create(c, { subject: `s${i}`, body: 'b' });
            await other.addReply(staff, t.id, { body: `reply ${i}` });
          }
          const calls = new Calls();
          const seen = new Map<string, TicketEvent>();
          const handlers = (tag: string): Record<string, DispatchHandler> => ({
            mail: (e) => {
              calls.record('mail', e);
              seen.set(e.eventId, e);
            },
            hook: async (e) => {
              await ticks(1);
              calls.record('hook', e);
              void tag;
            },
          });
          const a = desk.dispatcher({ handlers: handlers('a'), batchSize: 3, concurrency: 2, ...quiet });
          const b = other.dispatcher({ handlers: handlers('b'), batchSize: 3, concurrency: 2, ...quiet });
          const [ra, rb] = await Promise.all([a.drain(), b.drain()]);
          const emitted = events.map((e) => e.eventId);
          assert.ok(emitted.length >= 16, 'the writes emitted their events');
          assert.equal(ra.delivered + rb.delivered, emitted.length, 'every event delivered once in all');
          assert.deepStrictEqual([ra.retried + rb.retried, ra.parked + rb.parked], [0, 0]);
          for (const handler of ['mail', 'hook']) {
            assert.deepStrictEqual([...calls.ids(handler)].sort(), [...emitted].sort(), `${handler}: each event exactly once`);
          }
          const first = events[0]!;
          const handed = seen.get(first.eventId)!;
          assert.equal(handed.type, first.type);
          assert.equal(handed.ticket.id, first.ticket.id);
          assert.deepStrictEqual(handed.occurredAt, first.occurredAt, 'dates come back as Dates');
          assert.deepStrictEqual(await Promise.all([a.drain(), b.drain()]), [
            { delivered: 0, retried: 0, parked: 0 },
            { delivered: 0, retried: 0, parked: 0 },
          ]);
        },
        { dispatch: true },
      ),
    );

    it(
      'a throwing handler is retried with backoff and parked after maxAttempts, without holding up other events or calling a handler that succeeded again',
      withDesk(
        o,
        async ({ desk, clock, events }) => {
          const c = customer();
          const bad = await desk.create(c, { subject: 'webhook target is down', body: 'b' });
          const badEvent = events.find((e) => e.ticket.id === bad.id)!;
          let hookDown = true;
          const calls = new Calls();
          const errors: { handler: string | null; eventId: string | null }[] = [];
          const dispatcher = desk.dispatcher({
            handlers: {
              mail: (e) => calls.record('mail', e),
              hook: (e) => {
                calls.record('hook', e);
                if (hookDown && e.ticket.id === bad.id) throw new Error('502 from the webhook');
              },
            },
            maxAttempts: 3,
            backoff: { baseMs: 1000, maxMs: 60_000, jitter: 0 },
            onError: (_error, event, handler) => errors.push({ handler, eventId: event?.eventId ?? null }),
          });
          const good = await desk.create(c, { subject: 'fine', body: 'b' });
          const goodEvent = events.find((e) => e.ticket.id === good.id)!;

          assert.deepStrictEqual(await dispatcher.drain(), { delivered: 1, retried: 1, parked: 0 });
          assert.equal(calls.count('hook', goodEvent.eventId), 1, 'the other event went through at once');
          assert.deepStrictEqual(errors, [{ handler: 'hook', eventId: badEvent.eventId }]);
          assert.deepStrictEqual(await dispatcher.drain(), { delivered: 0, retried: 0, parked: 0 }, 'not due before its backoff');
          clock.advance(1000);
          assert.deepStrictEqual(await dispatcher.drain(), { delivered: 0, retried: 1, parked: 0 }, 'attempt 2 after 1 s');
          clock.advance(1999);
          assert.deepStrictEqual(await dispatcher.drain(), { delivered: 0, retried: 0, parked: 0 }, 'the wait doubled');
          clock.advance(1);
          assert.deepStrictEqual(await dispatcher.drain(), { delivered: 0, retried: 0, parked: 1 }, 'parked after 3 attempts');
          assert.equal(calls.count('hook', badEvent.eventId), 3);
          assert.equal(calls.count('mail', badEvent.eventId), 1, 'the handler that succeeded was not called again');
          clock.advance(3_600_000);
          assert.deepStrictEqual(await dispatcher.drain(), { delivered: 0, retried: 0, parked: 0 }, 'a parked event stays put');

          const { items, nextCursor } = await desk.listParkedEvents();
          assert.equal(nextCursor, null);
          assert.equal(items.length, 1);
          const [parked] = items;
          assert.equal(parked!.eventId, badEvent.eventId);
          assert.equal(parked!.type, badEvent.type);
          assert.equal(parked!.ticketId, bad.id);
          assert.equal(parked!.attempts, 3);
          assert.deepStrictEqual(parked!.handled, ['mail']);
          assert.match(parked!.lastError ?? '', /hook: Error: 502 from the webhook/);
          assert.equal(parked!.event?.eventId, badEvent.eventId);

          hookDown = false;
          assert.equal(await desk.retryParkedEvents([badEvent.eventId]), 1);
          assert.deepStrictEqual(await dispatcher.drain(), { delivered: 1, retried: 0, parked: 0 });
          assert.equal(calls.count('hook', badEvent.eventId), 4);
          assert.equal(calls.count('mail', badEvent.eventId), 1, 'still once after the retry');
          assert.deepStrictEqual((await desk.listParkedEvents()).items, []);
          assert.equal(await desk.retryParkedEvents(), 0);
        },
        { dispatch: true },
      ),
    );

    it(
      'lists parked events page by page with an opaque cursor and retries them all',
      withDesk(
        o,
        async ({ desk, events }) => {
          const c = customer();
          for (let i = 0; i < 5; i++) await desk.create(c, { subject: `p${i}`, body: 'b' });
          const failing = desk.dispatcher({ handlers: { hook: () => Promise.reject(new Error('down')) }, maxAttempts: 1, ...quiet });
          assert.deepStrictEqual(await failing.drain(), { delivered: 0, retried: 0, parked: 5 });
          const first = await desk.listParkedEvents({ limit: 2 });
          assert.ok(first.nextCursor);
          const second = await desk.listParkedEvents({ limit: 2, cursor: first.nextCursor });
          const third = await desk.listParkedEvents({ limit: 2, cursor: second.nextCursor });
          assert.equal(third.nextCursor, null);
          const listed = [...first.items, ...second.items, ...third.items].map((p) => p.eventId);
          assert.deepStrictEqual(listed, events.map((e) => e.eventId), 'every parked event once, oldest first');
          await rejectsWith(desk.listParkedEvents({ cursor: 'not-a-cursor' }), 'validation', { field: 'cursor' });
          await rejectsWith(desk.listParkedEvents({ limit: 201 }), 'validation', { field: 'limit' });
          await rejectsWith(desk.retryParkedEvents([''] as string[]), 'validation', { field: 'ids.0' });
          assert.equal(await desk.retryParkedEvents(), 5);
          const calls = new Calls();
          const working = desk.dispatcher({ handlers: { hook: (e) => calls.record('hook', e) } });
          assert.deepStrictEqual(await working.drain(), { delivered: 5, retried: 0, parked: 0 });
          assert.deepStrictEqual([...calls.ids('hook')].sort(), events.map((e) => e.eventId).sort());
        },
        { dispatch: true },
      ),
    );

    it(
      'an event whose payload cannot be decoded is parked at once and reported without an event',
      withDesk(
        o,
        async ({ desk, store, tenantId, clock }) => {
          const broken = outboxEvent(null, { payload: { codec: 'devalue', v: 99, data: '' }, dispatchAt: clock.now(), createdAt: clock.now() });
          await store.transaction((tx) => tx.insertOutbox(tenantId, broken));
          const reports: unknown[] = [];
          const calls = new Calls();
          const d = desk.dispatcher({ handlers: { mail: (e) => calls.record('mail', e) }, onError: (_e, event, handler) => reports.push([event, handler]) });
          assert.deepStrictEqual(await d.drain(), { delivered: 0, retried: 0, parked: 1 });
          assert.deepStrictEqual(reports, [[null, null]]);
          assert.deepStrictEqual(calls.ids('mail'), []);
          const [parked] = (await desk.listParkedEvents()).items;
          assert.equal(parked?.eventId, broken.id);
          assert.equal(parked?.event, null);
          assert.match(parked?.lastError ?? '', /undecodable/);
        },
        { dispatch: true },
      ),
    );

    it(
      'start() dispatches in the background and stop() waits for the event in hand',
      withDesk(
        o,
        async ({ desk, store, tenantId }) => {
          let release!: () => void;
          const gate = new Promise<void>((resolve) => (release = resolve));
          let started!: (e: TicketEvent) => void;
          const handling = new Promise<TicketEvent>((resolve) => (started = resolve));
          const d = desk.dispatcher({
            handlers: {
              slow: async (e) => {
                started(e);
                await gate;
              },
            },
            pollIntervalMs: 5,
          });
          d.start();
          d.start(); // a second start changes nothing
          assert.equal(d.running, true);
          const t = await desk.create(customer(), { subject: 'in hand', body: 'b' });
          const event = await within(20_000, handling, 'the started dispatcher picking up the event');
          assert.equal(event.ticket.id, t.id);
          let stopped = false;
          const stopping = d.stop().then(() => (stopped = true));
          await ticks(20);
          assert.equal(stopped, false, 'stop() waits for the handler in hand');
          release();
          await within(20_000, stopping, 'stop() after the handler finished');
          assert.equal(d.running, false);
          // Recorded as delivered: nothing is left to claim, whenever one looks.
          assert.deepStrictEqual(await store.claimDispatch(tenantId, new Date('2100-01-01'), new Date('2100-01-02'), 10), []);
        },
        { dispatch: true },
      ),
    );

    it(
      'each handler gets its own copy of the event: what one changes, the next and onError do not see',
      withDesk(
        o,
        async ({ desk }) => {
          const t = await desk.create(customer(), { subject: 'original', body: 'b' });
          const seen: string[] = [];
          let reported: string | undefined;
          const d = desk.dispatcher({
            handlers: {
              vandal: (e) => {
                seen.push(e.ticket.subject);
                (e.ticket as { subject: string }).subject = 'changed';
              },
              reader: (e) => {
                seen.push(e.ticket.subject);
                (e.ticket as { subject: string }).subject = 'changed again';
                throw new Error('fail after the change');
              },
            },
            onError: (_error, event) => (reported = event?.ticket.subject),
          });
          assert.deepStrictEqual(await d.drain(), { delivered: 0, retried: 1, parked: 0 });
          assert.deepStrictEqual(seen, ['original', 'original']);
          assert.equal(reported, 'original');
          assert.equal((await desk.get(operator(), t.id)).ticket.subject, 'original');
        },
        { dispatch: true },
      ),
    );

    it(
      'without dispatch: true nothing is queued, and desk.dispatcher refuses',
      withDesk(o, async ({ desk, store, tenantId }) => {
        await desk.create(customer(), { subject: 'plain', body: 'b' });
        assert.deepStrictEqual(await store.claimDispatch(tenantId, new Date('2100-01-01'), new Date('2100-01-02'), 10), []);
        const refused = await rejectsWith(Promise.resolve().then(() => desk.dispatcher({ handlers: { mail: () => undefined } })), 'config', {
          field: 'dispatch',
        });
        assert.match(refused.message, /dispatch: true/);
      }),
    );

    it(
      'refuses bad options with a ConfigError naming the option',
      withDesk(
        o,
        async ({ desk }) => {
          const make = (options: unknown) => Promise.resolve().then(() => (desk as TicketService).dispatcher(options as never));
          const ok = { handlers: { mail: () => undefined } };
          await rejectsWith(make({ handlers: {} }), 'config', { field: 'handlers' });
          await rejectsWith(make({ handlers: { mail: 'send' } }), 'config', { field: 'handlers.mail' });
          await rejectsWith(make({ ...ok, maxAttempts: 0 }), 'config', { field: 'maxAttempts' });
          await rejectsWith(make({ ...ok, batchSize: 1.5 }), 'config', { field: 'batchSize' });
          await rejectsWith(make({ ...ok, leaseMs: 10 }), 'config', { field: 'leaseMs' });
          await rejectsWith(make({ ...ok, backoff: { baseMs: 10, maxMs: 5 } }), 'config', { field: 'backoff.maxMs' });
          await rejectsWith(make({ ...ok, backoff: { jitter: 2 } }), 'config', { field: 'backoff.jitter' });
          await rejectsWith(make({ ...ok, pollInterval: 5 }), 'config', { field: 'pollInterval' });
          await rejectsWith(make({ ...ok, onError: 'log' }), 'config', { field: 'onError' });
          await rejectsWith(make(undefined), 'config');
        },
        { dispatch: true },
      ),
    );
  });
}
