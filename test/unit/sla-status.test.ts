import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../adapters/memory/index.js';
import { createTicketService, slaStatus, type Actor } from '../../src/index.js';

describe('slaStatus', () => {
  it('reports running, paused, met and missed targets with due times', async () => {
    let now = new Date('2026-03-02T10:00:00Z'); // Monday
    const desk = createTicketService({
      store: memoryStore(),
      clock: () => now,
      config: { sla: { targets: { normal: { firstResponse: { hours: 1 }, resolution: { businessHours: 2 } } } } },
    });
    const c: Actor = { kind: 'customer', id: 'c1' };
    const s: Actor = { kind: 'staff', id: 's1', permissions: ['tickets.view', 'tickets.reply', 'tickets.edit'] };
    const t = (await desk.get(s, (await desk.create(c, { subject: 's', body: 'b' })).id)).ticket;
    let st = slaStatus(t, now);
    expect(st.firstResponse).toEqual({ state: 'running', dueAt: new Date('2026-03-02T11:00:00Z'), remainingMinutes: null, breached: false });
    expect(slaStatus(t, new Date('2026-03-02T11:00:00Z')).firstResponse.breached).toBe(true);

    now = new Date('2026-03-02T10:30:00Z');
    await desk.addReply(s, t.id, { body: 'answer' }); // pending: resolution paused
    let ticket = (await desk.get(s, t.id)).ticket;
    st = slaStatus(ticket, now);
    expect(st.paused).toBe(true);
    expect(st.firstResponse.state).toBe('met');
    expect(st.resolution).toEqual({ state: 'paused', dueAt: null, remainingMinutes: 90, breached: false });

    now = new Date('2026-03-02T11:00:00Z');
    await desk.addReply(c, t.id, { body: 'more' });
    now = new Date('2026-03-03T09:00:00Z');
    await desk.update(s, t.id, { status: 'resolved' });
    ticket = (await desk.get(s, t.id)).ticket;
    expect(slaStatus(ticket, now).resolution.state).toBe('missed');
  });
});
