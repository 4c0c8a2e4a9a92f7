/** The outbox codec: what is decoded equals what was encoded, for every event type. */
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, TicketError, type TicketEvent } from '../../src/index.js';
import { fromOutbox, toOutbox } from '../../src/events/outbox-codec.js';
import type { OutboxEvent } from '../../src/store.js';
import { STORES, customer, deferring, recordingService } from './event-fixtures.js';
import { recordScript } from './event-script.js';

/** What a store with a JSON column gives back: the payload through JSON text. */
const throughJsonColumn = (row: OutboxEvent): OutboxEvent => ({
  ...row,
  payload: JSON.parse(JSON.stringify(row.payload)) as Record<string, unknown>,
});

describe('outbox codec', () => {
  it('every event type round-trips deep-equal, Dates and undefined included', async () => {
    const kind = STORES[0]!;
    const store = await kind.open();
    const events = await recordScript(store, 'live');
    await kind.close(store);
    expect(new Set(events.map((e) => e.type))).toEqual(new Set(EVENT_TYPES));
    for (const event of events) {
      expect(fromOutbox(throughJsonColumn(toOutbox(event))), event.type).toStrictEqual(event);
    }
    const deadline = events.find((e) => e.type === 'ticket.updated' && 'deadlineAt' in e.changes);
    expect(deadline?.type === 'ticket.updated' && deadline.changes.deadlineAt!.to).toBeInstanceOf(Date);
    // Values JSON would drop or turn into strings.
    const odd = { ...events[0]!, ticket: { ...events[0]!.ticket, extra: undefined, when: new Date(5) } } as unknown as TicketEvent;
    expect(fromOutbox(throughJsonColumn(toOutbox(odd)))).toStrictEqual(odd);
  });

  it('keeps the payload a JSON object, with a marker and a version', () => {
    const row = toOutbox(sample());
    expect(row.payload).toEqual({ codec: 'devalue', v: 2, data: expect.any(String) });
    expect(row.id).toBe('evt-1');
    expect(row.ticketId).toBe('tkt-1');
    expect(row.type).toBe('ticket.updated');
  });

  it('still reads rows written as plain JSON before the codec, each as its own change', () => {
    const event = sample();
    const legacy = JSON.parse(JSON.stringify({ ...event, changeId: undefined })) as Record<string, unknown>;
    const decoded = fromOutbox({ id: 'evt-1', ticketId: 'tkt-1', type: event.type, payload: legacy, createdAt: new Date() });
    expect(decoded.occurredAt).toEqual(event.occurredAt);
    expect(decoded.ticket.createdAt).toEqual(event.ticket.createdAt);
    expect(decoded.changeId).toBe('evt-1');
  });

  it('refuses an encoding version it does not know, with a typed error', () => {
    const row = toOutbox(sample());
    row.payload = { ...row.payload, v: 3 };
    expect(() => fromOutbox(row)).toThrow(expect.objectContaining({ code: 'internal' }) as Error);
    try {
      fromOutbox(row);
    } catch (error) {
      expect(TicketError.is(error, 'internal')).toBe(true);
    }
  });
});

function sample(): TicketEvent {
  const at = new Date('2026-03-02T10:00:00.000Z');
  return {
    type: 'ticket.updated',
    eventId: 'evt-1',
    changeId: 'evt-1',
    tenantId: 't',
    ticket: { id: 'tkt-1', createdAt: at } as unknown as TicketEvent['ticket'],
    actor: { kind: 'system' },
    notify: { customerId: null, staffIds: [], queue: false },
    customer: null,
    occurredAt: at,
    changes: { deadlineAt: { from: null, to: new Date('2026-03-05T12:00:00.000Z') } },
  };
}

describe.each(STORES)('redelivery equals first delivery ($name)', (kind) => {
  for (const mode of ['flush', 'scheduled'] as const) {
    it(`events redelivered by ${mode === 'flush' ? 'flushEvents()' : 'runScheduledWork()'} deep-equal a live run`, async () => {
      const [liveStore, deferredStore] = [await kind.open(), await kind.open()];
      try {
        const live = await recordScript(liveStore, 'live');
        const redelivered = await recordScript(deferredStore, mode);
        expect(new Set(live.map((e) => e.type))).toEqual(new Set(EVENT_TYPES));
        expect(redelivered.map((e) => e.eventId)).toEqual(live.map((e) => e.eventId));
        expect(redelivered).toStrictEqual(live);
        // Nothing is left in the outbox, and nothing is emitted twice.
        expect(await deferredStore.claimUndelivered('tenant-1', new Date('2100-01-01'), 1000)).toEqual([]);
      } finally {
        await kind.close(liveStore);
        await kind.close(deferredStore);
      }
    });
  }

  it('an undecodable row is reported with a typed error and does not cost the rest of the batch', async () => {
    const store = await kind.open();
    try {
      const writer = recordingService(deferring(store));
      const live = recordingService(store);
      const t = await writer.desk.create(customer, { subject: 's', body: 'b' });
      const bad = { ...toOutbox(sample()), id: 'bad-row', ticketId: t.id, createdAt: new Date(Date.now() - 1000) };
      bad.payload = { ...bad.payload, v: 99 };
      await store.transaction((tx) => tx.insertOutbox('tenant-1', bad));
      await expect(live.desk.flushEvents()).rejects.toMatchObject({ code: 'internal', message: expect.stringContaining('bad-row') });
      expect(live.events.map((e) => e.type)).toEqual(['ticket.created']);
    } finally {
      await kind.close(store);
    }
  });
});
