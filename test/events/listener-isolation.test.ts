/** Listeners get their own frozen copy: they cannot change the caller's result or each other's view. */
import { describe, expect, it } from 'vitest';
import type { TicketEvent } from '../../src/index.js';
import { STORES, customer, recordingService, staff } from './event-fixtures.js';

describe.each(STORES)('listener isolation ($name)', (kind) => {
  it('a mutating listener changes neither the returned ticket or message nor what the next listener sees', async () => {
    const store = await kind.open();
    try {
      const errors: unknown[] = [];
      const { desk } = recordingService(store, { onListenerError: (error) => errors.push(error) });
      const t = await desk.create(customer, { subject: 's', body: 'b' });

      // Each mutation in its own listener: in strict code the first assignment throws.
      const mutations: ((e: TicketEvent & { message?: { body: string } }) => void)[] = [
        (e) => ((e.ticket.sla as unknown as Record<string, unknown>).x = 1),
        (e) => ((e.ticket as { status: string }).status = 'closed'),
        (e) => e.ticket.createdAt.setTime(0), // freezing cannot stop this; a copy per listener does
        (e) => {
          if (e.message) e.message.body = 'rewritten';
        },
      ];
      for (const mutate of mutations) {
        desk.events.on('ticket.updated', (e) => mutate(e));
        desk.events.on('ticket.replied', (e) => mutate(e));
      }
      const seen: TicketEvent[] = [];
      desk.events.on('*', (_type, e) => seen.push(structuredClone(e) as TicketEvent));

      const updated = await desk.update(staff, t.id, { priority: 'high' });
      const message = await desk.addReply(staff, t.id, { body: 'On it' });

      expect(updated.sla).not.toHaveProperty('x');
      expect(updated.status).toBe('open');
      expect(updated.createdAt.getTime()).toBe(t.createdAt.getTime());
      expect(message.body).toBe('On it');

      const [updatedEvent, repliedEvent] = [seen.find((e) => e.type === 'ticket.updated'), seen.find((e) => e.type === 'ticket.replied')];
      expect(updatedEvent!.ticket.sla).not.toHaveProperty('x');
      expect(updatedEvent!.ticket.status).toBe('open');
      expect(updatedEvent!.ticket.createdAt.getTime()).toBe(t.createdAt.getTime());
      expect(updatedEvent!.ticket).toEqual(updated);
      // addReply may also hand back the updated ticket next to the message; compare the message.
      const { ticket: replyTicket, ...replyMessage } = message as typeof message & { ticket?: { sla: object; status: string } };
      expect(repliedEvent!.type === 'ticket.replied' && repliedEvent!.message).toEqual(replyMessage);
      if (replyTicket) {
        expect(replyTicket.sla).not.toHaveProperty('x');
        expect(replyTicket.status).toBe('pending');
      }

      // The assignments threw (frozen data) and were reported; setTime on a copy does not throw.
      const typeErrors = errors.filter((e) => e instanceof TypeError);
      expect(typeErrors.length).toBe(5); // sla.x and status on both events, body on the reply
      // What was stored is untouched too.
      const detail = await desk.get(staff, t.id);
      expect(detail.ticket.sla).not.toHaveProperty('x');
      expect(detail.messages.find((m) => m.id === message.id)!.body).toBe('On it');
    } finally {
      await kind.close(store);
    }
  });

  it('an event handed to a listener is deep-frozen', async () => {
    const store = await kind.open();
    try {
      const { desk } = recordingService(store);
      let received: TicketEvent | undefined;
      desk.events.on('*', (_type, e) => (received = e as TicketEvent));
      await desk.create(customer, { subject: 's', body: 'b' });
      expect(Object.isFrozen(received)).toBe(true);
      expect(Object.isFrozen(received!.ticket)).toBe(true);
      expect(Object.isFrozen(received!.ticket.sla)).toBe(true);
      expect(Object.isFrozen(received!.notify.staffIds)).toBe(true);
      expect(received!.type === 'ticket.created' && Object.isFrozen(received!.message)).toBe(true);
    } finally {
      await kind.close(store);
    }
  });
});
