/** Listener failures, sync or async, typed or wildcard, go to onListenerError and nowhere else. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TicketEvent } from '../../src/index.js';
import { STORES, customer, deferring, recordingService } from './event-fixtures.js';

/** Lets pending promise callbacks and Node's unhandled-rejection check run. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe.each(STORES)('listener errors ($name)', (kind) => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeEach(() => {
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
  });

  it('reports sync throws and async rejections of typed and wildcard listeners, per listener', async () => {
    const store = await kind.open();
    try {
      const reported: { error: unknown; event: TicketEvent }[] = [];
      const { desk } = recordingService(store, { onListenerError: (error, event) => reported.push({ error, event }) });
      const calls: string[] = [];
      desk.events.on('ticket.created', () => {
        calls.push('sync-throw');
        throw new Error('sync typed');
      });
      desk.events.on('ticket.created', async () => {
        calls.push('async-reject');
        await Promise.resolve();
        throw new Error('async typed');
      });
      desk.events.on('ticket.created', () => calls.push('typed-after'));
      desk.events.on('*', async () => {
        calls.push('wildcard-reject');
        throw new Error('async wildcard');
      });
      desk.events.on('*', () => {
        calls.push('wildcard-throw');
        throw new Error('sync wildcard');
      });
      desk.events.on('*', () => calls.push('wildcard-after'));

      const ticket = await desk.create(customer, { subject: 'Router down', body: 'No sync light' });
      await settle();

      expect(ticket.subject).toBe('Router down');
      expect(calls).toEqual(['sync-throw', 'async-reject', 'typed-after', 'wildcard-reject', 'wildcard-throw', 'wildcard-after']);
      expect(reported.map((r) => (r.error as Error).message).sort()).toEqual(
        ['async typed', 'async wildcard', 'sync typed', 'sync wildcard'],
      );
      for (const r of reported) {
        expect(r.event.type).toBe('ticket.created');
        expect(r.event.ticket.id).toBe(ticket.id);
      }
      expect(unhandled).toEqual([]);
      // The write committed: the ticket is there.
      expect((await desk.get(customer, ticket.id)).ticket.id).toBe(ticket.id);
    } finally {
      await kind.close(store);
    }
  });

  it('a throwing onListenerError reaches neither the caller nor the process', async () => {
    const store = await kind.open();
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const { desk } = recordingService(store, {
        onListenerError: () => {
          throw new Error('handler bug');
        },
      });
      desk.events.on('ticket.created', () => {
        throw new Error('sync');
      });
      desk.events.on('ticket.created', async () => Promise.reject(new Error('async')));
      const ticket = await desk.create(customer, { subject: 's', body: 'b' });
      await settle();
      expect(ticket.id).toBeTruthy();
      expect(unhandled).toEqual([]);
      expect(logged).toHaveBeenCalledTimes(2);
    } finally {
      logged.mockRestore();
      await kind.close(store);
    }
  });

  it('redelivered events get the same protection', async () => {
    const store = await kind.open();
    try {
      const reported: unknown[] = [];
      const { desk } = recordingService(store, { onListenerError: (error) => reported.push(error) });
      const deferred = recordingService(deferring(store)).desk;
      await deferred.create(customer, { subject: 's', body: 'b' });
      desk.events.on('ticket.created', async () => Promise.reject(new Error('late')));
      expect(await desk.flushEvents()).toBe(1);
      await settle();
      expect(reported.map((e) => (e as Error).message)).toEqual(['late']);
      expect(unhandled).toEqual([]);
    } finally {
      await kind.close(store);
    }
  });
});
