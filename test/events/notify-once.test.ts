/** Notify-once: across the events of one change, each person is named in exactly one notify. */
import { describe, expect, it } from 'vitest';
import { NOTIFY_PRECEDENCE, notifyOnce } from '../../src/events/notify-once.js';
import { PendingEvents } from '../../src/events/pending-events.js';
import { EVENT_TYPES, type TicketEvent } from '../../src/index.js';
import type { OutboxEvent, StoreTx } from '../../src/store.js';
import type { Ticket } from '../../src/types.js';
import { STORES, customer, deferring, recipients, recordingService, staff } from './event-fixtures.js';

/** How many events of `events` name each recipient. */
function tally(events: readonly TicketEvent[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of events.flatMap(recipients)) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

describe.each(STORES)('notify once per change ($name)', (kind) => {
  it('assign + status change in one update: assignee and customer told once, all events one change', async () => {
    const store = await kind.open();
    try {
      const { desk, events } = recordingService(store);
      const t = await desk.create(customer, { subject: 's', body: 'b' });
      events.length = 0;
      await desk.update(staff, t.id, { assigneeId: 'agent-2', status: 'in_progress', priority: 'high' });

      expect(events.map((e) => e.type).sort()).toEqual(['ticket.assigned', 'ticket.status_changed', 'ticket.updated']);
      expect(new Set(events.map((e) => e.changeId)).size).toBe(1);
      expect(events.map((e) => e.changeId)).toContain(events[0]!.eventId);
      expect(tally(events)).toEqual(new Map([['staff:agent-2', 1], [`customer:${customer.id}`, 1]]));
      const byType = Object.fromEntries(events.map((e) => [e.type, e]));
      // The assignee hears "assigned to you", the customer "status changed".
      expect(byType['ticket.assigned']!.notify).toEqual({ customerId: null, staffIds: ['agent-2'], queue: false });
      expect(byType['ticket.status_changed']!.notify).toEqual({ customerId: customer.id, staffIds: [], queue: false });
      expect(byType['ticket.updated']!.notify).toEqual({ customerId: null, staffIds: [], queue: false });

      // The next write is another change.
      events.length = 0;
      await desk.update(staff, t.id, { priority: 'low' });
      expect(events).toHaveLength(1);
      expect(events[0]!.changeId).toBe(events[0]!.eventId);
      expect(events[0]!.notify.staffIds).toEqual(['agent-2']);
    } finally {
      await kind.close(store);
    }
  });

  it('a reply that changes status tells the customer through the reply only', async () => {
    const store = await kind.open();
    try {
      const { desk, events } = recordingService(store);
      const t = await desk.create(customer, { subject: 's', body: 'b' });
      await desk.update(staff, t.id, { assigneeId: 'agent-2' });
      events.length = 0;
      await desk.addReply(staff, t.id, { body: 'Fixed', status: 'resolved' });
      expect(events.map((e) => e.type)).toEqual(['ticket.replied', 'ticket.status_changed']);
      expect(events[0]!.changeId).toBe(events[1]!.changeId);
      expect(tally(events)).toEqual(new Map([[`customer:${customer.id}`, 1], ['staff:agent-2', 1]]));
      expect(events[0]!.notify).toEqual({ customerId: customer.id, staffIds: ['agent-2'], queue: false });
    } finally {
      await kind.close(store);
    }
  });

  it('unassigning while changing status tells the queue and the customer once each', async () => {
    const store = await kind.open();
    try {
      const { desk, events } = recordingService(store);
      const t = await desk.create(customer, { subject: 's', body: 'b' });
      await desk.update(staff, t.id, { assigneeId: 'agent-2' });
      events.length = 0;
      await desk.update(staff, t.id, { assigneeId: null, status: 'on_hold' });
      expect(tally(events)).toEqual(new Map([['queue', 1], [`customer:${customer.id}`, 1]]));
      expect(events.find((e) => e.type === 'ticket.assigned')!.notify.queue).toBe(true);
    } finally {
      await kind.close(store);
    }
  });

  it('a redelivered event keeps its changeId and its notify', async () => {
    const store = await kind.open();
    try {
      const writer = recordingService(deferring(store));
      const live = recordingService(store);
      const t = await writer.desk.create(customer, { subject: 's', body: 'b' });
      await writer.desk.update(staff, t.id, { assigneeId: 'agent-2', status: 'in_progress' });
      expect(writer.events).toEqual([]);
      expect(await live.desk.flushEvents()).toBe(4);
      const change = live.events.filter((e) => e.type !== 'ticket.created');
      expect(new Set(change.map((e) => e.changeId)).size).toBe(1);
      expect(tally(change)).toEqual(new Map([['staff:agent-2', 1], [`customer:${customer.id}`, 1]]));
      expect(change.find((e) => e.type === 'ticket.assigned')!.notify.staffIds).toEqual(['agent-2']);
    } finally {
      await kind.close(store);
    }
  });
});

describe('notifyOnce and PendingEvents', () => {
  const ticket = (id: string, assigneeId: string | null) => ({ id, assigneeId, subscriberId: 'sub-1' }) as unknown as Ticket;
  const tx = (written: OutboxEvent[]) => ({ insertOutbox: async (_t: string, row: OutboxEvent) => void written.push(row) }) as unknown as StoreTx;

  it('ranks every event type', () => {
    expect([...NOTIFY_PRECEDENCE].sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('one write about several tickets (an SLA scan) makes one change per ticket and drops nobody', async () => {
    const written: OutboxEvent[] = [];
    let n = 0;
    const pending = new PendingEvents(tx(written), 't', () => `e${++n}`);
    const now = new Date();
    for (const id of ['a', 'b']) {
      await pending.add('sla.warning', ticket(id, 'agent-9'), { kind: 'system' }, now, {
        target: 'firstResponse',
        dueAt: now,
        notify: { customerId: null, staffIds: ['agent-9'], queue: false },
      });
    }
    expect(written).toEqual([]); // nothing stored before the write ends
    await pending.writeOutbox();
    expect(written).toHaveLength(2);
    expect(pending.events.map((e) => e.changeId)).toEqual(['e1', 'e2']);
    expect(pending.events.map((e) => e.notify.staffIds)).toEqual([['agent-9'], ['agent-9']]);
    await expect(
      pending.add('ticket.updated', ticket('a', null), { kind: 'system' }, now, {
        changes: {},
        notify: { customerId: null, staffIds: [], queue: false },
      }),
    ).rejects.toMatchObject({ code: 'internal' });
  });

  it('keeps the most specific event for each person, in the order the events were made', () => {
    const base = { tenantId: 't', ticket: ticket('a', 's1'), actor: { kind: 'system' as const }, occurredAt: new Date() };
    const ev = (type: TicketEvent['type'], eventId: string, staffIds: string[], customerId: string | null = null) =>
      ({ ...base, type, eventId, changeId: 'c', notify: { customerId, staffIds, queue: false } }) as TicketEvent;
    const out = notifyOnce([
      ev('ticket.updated', '1', ['s1', 's2']),
      ev('ticket.status_changed', '2', ['s1'], 'sub-1'),
      ev('ticket.assigned', '3', ['s1']),
      ev('ticket.replied', '4', [], 'sub-1'),
    ]);
    expect(out.map((e) => e.eventId)).toEqual(['1', '2', '3', '4']);
    expect(out.map((e) => recipients(e))).toEqual([['staff:s2'], [], ['staff:s1'], ['customer:sub-1']]);
  });
});
