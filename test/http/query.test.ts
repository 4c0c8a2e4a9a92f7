/**
 * Query strings turn into the service's typed list and stats queries: numbers, booleans,
 * several values (comma-separated or repeated), `assigneeId=me|none`, dates with or
 * without a time. Checked by what the list returns on every store, and the date rules
 * directly against `coerceQuery`.
 */
import { describe, expect, it } from 'vitest';
import { coerceQuery } from '../../adapters/http/query-coercion.js';
import { LIST_QUERY, STATS_QUERY } from '../../adapters/http/routes/ticket-routes.js';
import { TicketError } from '../../src/index.js';
import { storeTargets } from '../sql/store-targets.js';
import { httpDesk } from './http-harness.js';

const read = (query: string, spec = LIST_QUERY) => coerceQuery(new URL(`http://x/api/tickets?${query}`), spec);

describe('coerceQuery', () => {
  it('reads numbers, booleans, lists and assignees', () => {
    expect(read('limit=20&archived=true&favorites=0&deleted=FALSE')).toEqual({ limit: 20, archived: true, favorites: false, deleted: false });
    expect(read('status=open,pending')).toEqual({ status: ['open', 'pending'] });
    expect(read('status=open&status=pending&priority=urgent')).toEqual({ status: ['open', 'pending'], priority: ['urgent'] });
    expect(read('assigneeId=none')).toEqual({ assigneeId: null });
    expect(read('assigneeId=me&q=router%20down')).toEqual({ assigneeId: 'me', q: 'router down' });
  });

  it('reads dates: a bare date is the start of that day UTC (the whole day as an end), a time without a zone is UTC', () => {
    expect(read('from=2026-03-01&to=2026-03-31', STATS_QUERY)).toEqual({
      from: new Date('2026-03-01T00:00:00Z'),
      to: new Date('2026-04-01T00:00:00Z'),
    });
    expect(read('from=2026-03-01T09:30', STATS_QUERY)).toEqual({ from: new Date('2026-03-01T09:30:00Z') });
    expect(read('from=2026-03-01T09:30:15.250%2B02:00', STATS_QUERY)).toEqual({ from: new Date('2026-03-01T07:30:15.250Z') });
    expect(read('createdFrom=2026-03-01T09:30:00Z')).toEqual({ createdFrom: new Date('2026-03-01T09:30:00Z') });
    expect(read('to=2024-02-29', STATS_QUERY)).toEqual({ to: new Date('2024-03-01T00:00:00Z') });
    for (const bad of ['2026-02-29', '2026-13-01', '03/01/2026', '2026-03-01T25:00', 'yesterday']) {
      let error: unknown;
      try {
        read(`from=${bad}`, STATS_QUERY);
      } catch (e) {
        error = e;
      }
      expect(TicketError.is(error, 'validation') && error.field).toBe('from');
    }
  });
});

for (const target of storeTargets()) {
  describe(`ticketry/http query strings: ${target.name}`, () => {
    it('list filters and pages as the query string says', async () => {
      const h = httpDesk(await target.createStore());
      const ana = h.customer();
      const agent = h.operator();
      const ids: string[] = [];
      for (const [i, priority] of ['low', 'normal', 'high', 'urgent', 'normal'].entries()) {
        h.clock.set(`2026-03-0${i + 1}T12:00:00Z`);
        ids.push((await h.call(ana, 'POST', '/tickets', { body: { subject: `T${i}`, body: 'x', priority: priority === 'urgent' ? 'high' : priority } })).json.id);
        if (priority === 'urgent') await h.call(agent, 'PATCH', `/tickets/${ids[i]}`, { body: { priority: 'urgent' } });
      }
      await h.call(agent, 'PATCH', `/tickets/${ids[0]}`, { body: { status: 'pending', assigneeId: agent.id } });
      await h.call(agent, 'PATCH', `/tickets/${ids[1]}`, { body: { status: 'on_hold' } });
      const list = async (query: string) => {
        const answer = await h.call(agent, 'GET', `/tickets?${query}`);
        expect(answer.status).toBe(200);
        return answer.json as { items: { id: string }[]; nextCursor: string | null };
      };
      const idsOf = async (query: string) => (await list(query)).items.map((t) => ids.indexOf(t.id));

      expect(await idsOf('status=pending,on_hold&sort=oldest')).toEqual([0, 1]);
      expect(await idsOf('status=pending&status=on_hold&sort=oldest')).toEqual([0, 1]);
      expect(await idsOf('priority=normal&sort=newest')).toEqual([4, 1]);
      expect(await idsOf('assigneeId=me')).toEqual([0]);
      expect(await idsOf('assigneeId=none&sort=oldest')).toEqual([1, 2, 3, 4]);
      expect(await idsOf(`assigneeId=${agent.id}`)).toEqual([0]);
      expect((await idsOf('sort=queue'))[0]).toBe(3); // urgent first
      expect(await idsOf('createdFrom=2026-03-02&createdTo=2026-03-03&sort=oldest')).toEqual([1, 2]);
      expect(await idsOf('createdFrom=2026-03-02T12:00:01&sort=oldest')).toEqual([2, 3, 4]);
      expect(await idsOf('q=T3')).toEqual([3]);

      const first = await list('limit=2&sort=oldest');
      expect(first.items.map((t) => ids.indexOf(t.id))).toEqual([0, 1]);
      const second = await list(`limit=2&sort=oldest&cursor=${encodeURIComponent(first.nextCursor!)}`);
      expect(second.items.map((t) => ids.indexOf(t.id))).toEqual([2, 3]);
      const third = await list(`limit=2&sort=oldest&cursor=${encodeURIComponent(second.nextCursor!)}`);
      expect(third.items.map((t) => ids.indexOf(t.id))).toEqual([4]);
      expect(third.nextCursor).toBeNull();

      const stats = await h.call(agent, 'GET', '/tickets/stats?from=2026-03-02&to=2026-03-04');
      expect(stats.json.counts).toMatchObject({ on_hold: 1, open: 2, pending: 0 });
    });
  });
}
