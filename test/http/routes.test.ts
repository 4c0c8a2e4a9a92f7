/**
 * Every route of `ticketry/http` on every store, through the handler as a host mounts it:
 * the status of each, the shapes (parsed with the strict response schemas the OpenAPI
 * document is built from, so a staff field in a customer's answer fails), what customers
 * must not see, scope across resellers, the `/customer/tickets` aliases, and the request
 * context reaching the audit trail.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as shapes from '../../adapters/http/openapi/response-schemas.js';
import { storeTargets } from '../sql/store-targets.js';
import { httpDesk } from './http-harness.js';

const strictParse = <T extends z.ZodType>(schema: T, value: unknown): z.infer<T> => {
  const result = schema.safeParse(value);
  if (!result.success) throw new Error(`response does not match its schema: ${z.prettifyError(result.error)}\n${JSON.stringify(value)}`);
  return result.data;
};

for (const target of storeTargets()) {
  describe(`ticketry/http routes: ${target.name}`, () => {
    it('a customer opens a ticket and staff answer it; each side gets its own shape, and the customer never sees the note', async () => {
      const h = httpDesk(await target.createStore(), { clientIp: 'x-forwarded-for' });
      const ana = h.customer();
      const agent = h.operator();

      const opened = await h.call(ana, 'POST', '/tickets', {
        body: { subject: 'Router reboots', body: 'Every hour', priority: 'high' },
        headers: { 'user-agent': 'PortalBrowser/1.0', 'x-request-id': 'req-open-1', 'x-forwarded-for': '198.51.100.1, 203.0.113.7' },
      });
      expect(opened.status).toBe(201);
      const ticket = strictParse(shapes.customerTicketSchema, opened.json);
      expect(ticket).toMatchObject({ subject: 'Router reboots', priority: 'high', status: 'open', label: 'new' });
      expect(opened.headers.get('x-request-id')).toBe('req-open-1');
      expect(opened.headers.get('content-type')).toMatch(/^application\/json/);

      const queue = await h.call(agent, 'GET', '/tickets');
      expect(queue.status).toBe(200);
      const page = strictParse(shapes.ticketPageSchema, queue.json);
      expect(page.items.map((t) => t.id)).toEqual([ticket.id]);
      expect(page.items[0]!.subscriberId).toBe(ana.id);

      h.clock.minutes(5);
      const note = await h.call(agent, 'POST', `/tickets/${ticket.id}/replies`, { body: { body: 'Check the PSU first', internal: true } });
      expect(note.status).toBe(201);
      expect(strictParse(shapes.replySchema, note.json)).toMatchObject({ internal: true, authorId: agent.id });
      const reply = await h.call(agent, 'POST', `/tickets/${ticket.id}/replies`, { body: { body: 'Please try another **cable**.' } });
      expect(reply.status).toBe(201);
      expect(strictParse(shapes.replySchema, reply.json).ticket.status).toBe('pending');

      const seen = await h.call(ana, 'GET', `/tickets/${ticket.number}`);
      expect(seen.status).toBe(200);
      const detail = strictParse(shapes.customerTicketDetailSchema, seen.json);
      expect(detail.ticket.status).toBe('pending');
      expect(detail.messages.map((m) => m.body)).toEqual(['Every hour', 'Please try another **cable**.']);
      expect(JSON.stringify(seen.json)).not.toContain('PSU');
      expect(JSON.stringify(seen.json)).not.toContain(agent.id);

      const staffView = strictParse(shapes.ticketDetailSchema, (await h.call(agent, 'GET', `/tickets/${ticket.id}`)).json);
      expect(staffView.messages.map((m) => m.internal)).toEqual([false, true, false]);

      const answered = await h.call(ana, 'POST', `/customer/tickets/${ticket.id}/replies`, { body: { body: 'Tried it, still down' } });
      expect(answered.status).toBe(201);
      const customerReply = strictParse(shapes.customerReplySchema, answered.json);
      expect(customerReply.ticket.status).toBe('open');

      const mine = await h.call(ana, 'GET', '/customer/tickets');
      const customerPage = strictParse(shapes.customerTicketPageSchema, mine.json);
      expect(customerPage.items).toHaveLength(1);
      expect(customerPage.items[0]).toMatchObject({ number: ticket.number, replyCount: 2 });

      const patched = await h.call(agent, 'PATCH', `/tickets/${ticket.id}`, {
        body: { assigneeId: agent.id, priority: 'urgent', deadlineAt: '2026-03-05T12:00:00Z' },
        headers: { 'user-agent': 'AgentConsole/2.0', 'x-request-id': 'req-patch-1' },
      });
      expect(patched.status).toBe(200);
      expect(strictParse(shapes.ticketSchema, patched.json)).toMatchObject({ assigneeId: agent.id, priority: 'urgent', deadlineAt: '2026-03-05T12:00:00.000Z' });

      const audit = await h.call(agent, 'GET', `/tickets/${ticket.id}/audit`);
      expect(audit.status).toBe(200);
      const entries = strictParse(z.array(shapes.auditEntrySchema), audit.json);
      const created = entries.find((e) => e.action === 'created')!;
      // The proxy's entry (the last one), not what the client put in front of it.
      expect(created).toMatchObject({ ip: '203.0.113.7', userAgent: 'PortalBrowser/1.0', requestId: 'req-open-1', actorKind: 'customer' });
      const updated = entries.find((e) => e.requestId === 'req-patch-1')!;
      expect(updated).toMatchObject({ userAgent: 'AgentConsole/2.0', actorId: agent.id });

      const stats = await h.call(agent, 'GET', '/tickets/stats?from=2026-03-01&to=2026-03-02');
      expect(stats.status).toBe(200);
      expect(strictParse(shapes.ticketStatsSchema, stats.json).counts.open).toBe(1);
      const before = await h.call(agent, 'GET', '/tickets/stats?from=2026-02-01&to=2026-03-01');
      expect(before.json.counts.open).toBe(0);
    });

    it('merge, split, lock, favorite, read, archive, delete, restore, bulk, message and filter routes', async () => {
      const h = httpDesk(await target.createStore());
      const ana = h.customer();
      const agent = h.operator();
      const other = h.operator();
      const open = async (subject: string) => (await h.call(ana, 'POST', '/tickets', { body: { subject, body: `${subject}: details` } })).json;
      const a = await open('No internet');
      const dup = await open('No internet again');

      const merged = await h.call(agent, 'POST', `/tickets/${dup.id}/merge`, { body: { targetId: a.number } });
      expect(merged.status).toBe(200);
      const { source, target: into } = strictParse(shapes.mergeResultSchema, merged.json);
      expect(source.mergedIntoId).toBe(a.id);
      expect(source.status).toBe('closed');
      expect(into.id).toBe(a.id);

      await h.call(ana, 'POST', `/tickets/${a.id}/replies`, { body: { body: 'Also the TV box is dead' } });
      const thread = (await h.call(agent, 'GET', `/tickets/${a.id}`)).json;
      const tvMessage = thread.messages.find((m: { body: string }) => m.body === 'Also the TV box is dead');
      const split = await h.call(agent, 'POST', `/tickets/${a.id}/split`, { body: { fromMessageId: tvMessage.id } });
      expect(split.status).toBe(201);
      const splitResult = strictParse(shapes.splitResultSchema, split.json);
      expect(splitResult.ticket.subscriberId).toBe(ana.id);

      const locked = await h.call(agent, 'POST', `/tickets/${a.id}/lock`, { body: { ttlSeconds: 600 } });
      expect(locked.status).toBe(200);
      expect(locked.json.lockedById).toBe(agent.id);
      const blocked = await h.call(other, 'PATCH', `/tickets/${a.id}`, { body: { priority: 'high' } });
      expect(blocked.status).toBe(423);
      expect(blocked.json.error.code).toBe('locked');
      const noForce = await h.call(other, 'DELETE', `/tickets/${a.id}/lock`);
      expect(noForce.status).toBe(423);
      const forced = await h.call(other, 'DELETE', `/tickets/${a.id}/lock?force=true`);
      expect(forced.status).toBe(200);
      expect(forced.json.lockedById).toBeNull();
      const lockNoBody = await h.call(agent, 'POST', `/tickets/${a.id}/lock`);
      expect(lockNoBody.status).toBe(200);
      expect((await h.call(agent, 'DELETE', `/tickets/${a.id}/lock`)).status).toBe(200);

      expect((await h.call(agent, 'PUT', `/tickets/${a.id}/favorite`)).status).toBe(204);
      const favorites = await h.call(agent, 'GET', '/tickets?favorites=true');
      expect(favorites.json.items.map((t: { id: string }) => t.id)).toEqual([a.id]);
      expect(favorites.json.items[0].favorite).toBe(true);
      const unfav = await h.call(agent, 'DELETE', `/tickets/${a.id}/favorite`);
      expect(unfav.status).toBe(204);
      expect(await unfav.response.text()).toBe('');
      expect((await h.call(agent, 'GET', '/tickets?favorites=true')).json.items).toEqual([]);

      h.clock.minutes(1);
      await h.call(ana, 'POST', `/tickets/${a.id}/replies`, { body: { body: 'Any news?' } });
      expect((await h.call(agent, 'GET', `/tickets?subscriberId=${ana.id}&sort=oldest`)).json.items.find((t: { id: string }) => t.id === a.id).unread).toBe(true);
      expect((await h.call(agent, 'POST', `/tickets/${a.id}/read`)).status).toBe(204);
      expect((await h.call(agent, 'GET', `/tickets?subscriberId=${ana.id}`)).json.items.find((t: { id: string }) => t.id === a.id).unread).toBe(false);

      const archived = await h.call(ana, 'POST', `/customer/tickets/${dup.id}/archive`);
      expect(archived.status).toBe(200);
      expect(strictParse(shapes.customerTicketSchema, archived.json).archived).toBe(true);
      expect((await h.call(ana, 'GET', '/tickets?archived=true')).json.items.map((t: { id: string }) => t.id)).toEqual([dup.id]);
      expect((await h.call(agent, 'POST', `/tickets/${dup.id}/unarchive`)).json.archived).toBe(false);

      expect((await h.call(agent, 'DELETE', `/tickets/${splitResult.ticket.id}`)).status).toBe(204);
      expect((await h.call(agent, 'GET', `/tickets/${splitResult.ticket.id}`)).status).toBe(404);
      expect((await h.call(agent, 'GET', '/tickets?deleted=true')).json.items.map((t: { id: string }) => t.id)).toEqual([splitResult.ticket.id]);
      const purged = await h.call(agent, 'POST', `/tickets/${splitResult.ticket.id}/purge-attachments`);
      expect(purged).toMatchObject({ status: 200, json: { removed: 0 } });
      const restored = await h.call(agent, 'POST', `/tickets/${splitResult.ticket.id}/restore`);
      expect(restored.status).toBe(200);
      expect(restored.json.deletedAt).toBeNull();

      const bulk = await h.call(agent, 'POST', '/tickets/bulk', { body: { ticketIds: [a.id, 'TKT-404404'], action: { type: 'priority', priority: 'urgent' } } });
      expect(bulk.status).toBe(200);
      const results = strictParse(z.array(shapes.bulkResultSchema), bulk.json);
      expect(results.map((r) => r.ok)).toEqual([true, false]);
      expect(results[1]).toMatchObject({ ok: false, error: { code: 'not_found' } });

      const staffReply = (await h.call(agent, 'POST', `/tickets/${a.id}/replies`, { body: { body: 'We are on it' } })).json;
      const hidden = await h.call(agent, 'POST', `/messages/${staffReply.id}/hide`);
      expect(hidden.status).toBe(200);
      expect(strictParse(shapes.messageSchema, hidden.json).hidden).toBe(true);
      expect((await h.call(ana, 'GET', `/tickets/${a.id}`)).json.messages.map((m: { id: string }) => m.id)).not.toContain(staffReply.id);
      expect((await h.call(agent, 'POST', `/messages/${staffReply.id}/unhide`)).json.hidden).toBe(false);
      const edited = await h.call(agent, 'PATCH', `/messages/${staffReply.id}`, { body: { body: 'We are **on** it' } });
      expect(edited.status).toBe(200);
      expect(edited.json.html).toContain('<strong>on</strong>');

      const saved = await h.call(agent, 'POST', '/filters', { body: { name: 'Urgent open', query: { status: ['open'], priority: 'urgent', createdFrom: '2026-03-01T00:00:00Z' } } });
      expect(saved.status).toBe(201);
      const filter = strictParse(shapes.savedFilterSchema, saved.json);
      const filters = await h.call(agent, 'GET', '/filters');
      expect(strictParse(z.array(shapes.savedFilterSchema), filters.json).map((f) => f.name)).toEqual(['Urgent open']);
      expect((await h.call(other, 'GET', '/filters')).json).toEqual([]);
      expect((await h.call(agent, 'DELETE', `/filters/${filter.id}`)).status).toBe(204);
      expect((await h.call(agent, 'DELETE', `/filters/${filter.id}`)).status).toBe(404);
    });

    it("scope: another reseller's ticket is 404 on every ticket route and never listed; the customer paths are aliases", async () => {
      const h = httpDesk(await target.createStore());
      const carla = h.customer('res-b');
      const boris = h.resellerStaff('res-a');
      const ticket = (await h.call(carla, 'POST', '/tickets', { body: { subject: 'Slow', body: 'Very slow' } })).json;
      const message = (await h.call(h.operator(), 'GET', `/tickets/${ticket.id}`)).json.messages[0];

      expect((await h.call(boris, 'GET', '/tickets')).json.items).toEqual([]);
      for (const [method, path, body] of [
        ['GET', `/tickets/${ticket.id}`],
        ['GET', `/tickets/${ticket.number}`],
        ['GET', `/customer/tickets/${ticket.number}`],
        ['POST', `/tickets/${ticket.id}/replies`, { body: 'hello' }],
        ['PATCH', `/tickets/${ticket.id}`, { priority: 'high' }],
        ['GET', `/tickets/${ticket.id}/audit`],
        ['POST', `/tickets/${ticket.id}/lock`],
        ['PUT', `/tickets/${ticket.id}/favorite`],
        ['POST', `/tickets/${ticket.id}/read`],
        ['POST', `/messages/${message.id}/hide`],
      ] as const) {
        const answer = await h.call(boris, method, path, { body });
        expect({ route: `${method} ${path}`, status: answer.status, code: answer.json?.error?.code }).toEqual({
          route: `${method} ${path}`,
          status: 404,
          code: 'not_found',
        });
      }
      const otherCustomer = h.customer('res-b');
      expect((await h.call(otherCustomer, 'GET', `/customer/tickets/${ticket.number}`)).status).toBe(404);

      // The alias answers exactly as the plain path.
      const plain = await h.call(carla, 'GET', `/tickets/${ticket.number}`);
      const alias = await h.call(carla, 'GET', `/customer/tickets/${ticket.number}`);
      expect(alias.status).toBe(200);
      expect(alias.json).toEqual(plain.json);
      expect((await h.call(carla, 'GET', '/customer/tickets?status=open')).json).toEqual((await h.call(carla, 'GET', '/tickets?status=open')).json);
    });
  });
}
