/**
 * Every error status of `ticketry/http`, on every store: each failure is a JSON
 * `{ error: { code, message, field? } }` with README's status, `internal` and `config`
 * leak nothing but reach the host's `onError`, and the handler never throws.
 */
import { describe, expect, it } from 'vitest';
import { HTTP_ROUTES } from '../../adapters/http/create-http-handler.js';
import { errorSchema } from '../../adapters/http/openapi/response-schemas.js';
import { UnavailableError, type TicketStore } from '../../src/index.js';
import { storeTargets } from '../sql/store-targets.js';
import { httpDesk, type Answer } from './http-harness.js';
import { PNG } from './test-files.js';

const isError = (answer: Answer, status: number, code: string, field?: string) => {
  expect({ status: answer.status, code: answer.json?.error?.code }).toEqual({ status, code });
  expect(errorSchema.safeParse(answer.json).success).toBe(true);
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
  if (field !== undefined) expect(answer.json.error.field).toBe(field);
};

/** The store, except that `method` fails as an unreachable database does. */
function failing(store: TicketStore, method: keyof TicketStore): TicketStore {
  return new Proxy(store, {
    get(target, key, receiver) {
      if (key === method) return () => Promise.reject(new UnavailableError('The database did not answer'));
      const value = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

for (const target of storeTargets()) {
  describe(`ticketry/http errors: ${target.name}`, () => {
    it('401 on every route without a session, before any body is read', async () => {
      const h = httpDesk(await target.createStore());
      let checked = 0;
      for (const route of HTTP_ROUTES) {
        for (const path of route.customerAlias ? [route.path, `/customer${route.path}`] : [route.path]) {
          const answer = await h.call(null, route.method, path.replace(/:[A-Za-z]+/g, 'TKT-1'), { body: route.body ? '{"broken' : undefined });
          isError(answer, 401, 'unauthenticated');
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(40);
      // The document is public.
      expect((await h.call(null, 'GET', '/openapi.json')).status).toBe(200);
    });

    it('400 validation: the field named, for bodies, query strings and malformed JSON', async () => {
      const h = httpDesk(await target.createStore(), { maxBodyBytes: 2000 });
      const ana = h.customer();
      const agent = h.operator();
      const blank = await h.call(ana, 'POST', '/tickets', { body: { subject: ' ', body: '' } });
      isError(blank, 400, 'validation', 'subject');
      expect(blank.json.error.message).toBe('Subject and description are required');
      expect(blank.json.error.issues.map((i: { field: string }) => i.field)).toEqual(['subject', 'body']);
      isError(await h.call(ana, 'POST', '/tickets', { body: { subject: 'x', body: 'y', bogus: 1 } }), 400, 'validation', 'bogus');
      isError(await h.call(ana, 'POST', '/tickets', { body: '{"subject": "x", ', headers: { 'content-type': 'application/json' } }), 400, 'validation');
      isError(await h.call(ana, 'POST', '/tickets', { body: '[1, 2]', headers: { 'content-type': 'application/json' } }), 400, 'validation');
      isError(await h.call(ana, 'POST', '/tickets', { body: { subject: 'x', body: 'y', attachments: [{ filename: 'a.png', content: {} }] } }), 400, 'validation', 'attachments');
      const ticket = (await h.call(ana, 'POST', '/tickets', { body: { subject: 'Router', body: 'Down' } })).json;
      isError(await h.call(agent, 'POST', `/tickets/${ticket.id}/replies`, { body: { body: '   ' } }), 400, 'validation', 'body');
      isError(await h.call(agent, 'PATCH', `/tickets/${ticket.id}`, { body: { priority: 'galactic' } }), 400, 'validation', 'priority');
      isError(await h.call(agent, 'POST', `/tickets/${ticket.id}/merge`, { body: {} }), 400, 'validation', 'targetId');
      isError(await h.call(agent, 'POST', `/tickets/${ticket.id}/lock`, { body: { ttlSeconds: 0 } }), 400, 'validation', 'ttlSeconds');
      isError(await h.call(agent, 'POST', '/tickets/bulk', { body: { ticketIds: [ticket.id], action: { type: 'explode' } } }), 400, 'validation', 'action.type');

      isError(await h.call(agent, 'GET', '/tickets?colour=red'), 400, 'validation', 'colour');
      isError(await h.call(agent, 'GET', '/tickets?limit=twenty'), 400, 'validation', 'limit');
      isError(await h.call(agent, 'GET', '/tickets?limit=500'), 400, 'validation', 'limit');
      isError(await h.call(agent, 'GET', '/tickets?limit=5&limit=6'), 400, 'validation', 'limit');
      isError(await h.call(agent, 'GET', '/tickets?archived=maybe'), 400, 'validation', 'archived');
      isError(await h.call(agent, 'GET', '/tickets?status=open,exploded'), 400, 'validation', 'status.1');
      isError(await h.call(agent, 'GET', '/tickets?sort=sideways'), 400, 'validation', 'sort');
      isError(await h.call(agent, 'GET', '/tickets?cursor=not-a-cursor'), 400, 'validation', 'cursor');
      isError(await h.call(agent, 'GET', '/tickets/stats?from=2026-02-30'), 400, 'validation', 'from');
      isError(await h.call(agent, 'GET', '/tickets/stats?from=last+tuesday'), 400, 'validation', 'from');
      isError(await h.call(agent, 'GET', '/tickets/stats?from=2026-03-05&to=2026-03-01'), 400, 'validation', 'to');
      isError(await h.call(agent, 'DELETE', `/tickets/${ticket.id}/lock?force=perhaps`), 400, 'validation', 'force');
      isError(await h.call(agent, 'PUT', `/tickets/${ticket.id}/favorite?x=1`), 400, 'validation', 'x');

      // A body stream that breaks halfway is the client's failure, answered, not thrown.
      const broken = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode('{"subject":'));
          controller.error(new Error('connection reset'));
        },
      });
      isError(await h.call(ana, 'POST', '/tickets', { body: broken, headers: { 'content-type': 'application/json' } }), 400, 'validation');
    });

    it('403 forbidden and refused, 404, 405, 409 conflict and invalid_transition, 415, 423', async () => {
      const h = httpDesk(
        await target.createStore(),
        { refusedStatus: (reason) => (reason === 'quota' ? 402 : 403) },
        {
          policy: {
            beforeCreate: ({ body }) => (body.includes('quota') ? { refuse: { code: 'quota', message: 'No tickets left this month' } } : body.includes('abuse') ? { refuse: { code: 'abuse', message: 'Blocked' } } : undefined),
          },
        },
      );
      const ana = h.customer();
      const agent = h.operator();
      const readOnly = h.operator(['tickets.view']);
      const ticket = (await h.call(ana, 'POST', '/tickets', { body: { subject: 'Router', body: 'Down' } })).json;

      const forbidden = await h.call(readOnly, 'POST', `/tickets/${ticket.id}/replies`, { body: { body: 'hi' } });
      isError(forbidden, 403, 'forbidden');
      expect(forbidden.json.error.params.permission).toBe('tickets.reply');
      isError(await h.call(ana, 'GET', `/tickets/${ticket.id}/audit`), 403, 'forbidden');
      isError(await h.call(ana, 'POST', '/tickets/bulk', { body: { ticketIds: [ticket.id], action: { type: 'close' } } }), 403, 'forbidden');

      const refused = await h.call(ana, 'POST', '/tickets', { body: { subject: 'More', body: 'over quota' } });
      isError(refused, 402, 'refused');
      expect(refused.json.error).toMatchObject({ message: 'No tickets left this month', params: { reason: 'quota' } });
      isError(await h.call(ana, 'POST', '/tickets', { body: { subject: 'More', body: 'abuse' } }), 403, 'refused');

      isError(await h.call(agent, 'GET', '/tickets/TKT-999999'), 404, 'not_found');
      isError(await h.call(agent, 'GET', '/attachments/no-such-file'), 404, 'not_found');
      isError(await h.call(agent, 'GET', '/no/such/route'), 404, 'not_found');
      const wrongMethod = await h.call(agent, 'PUT', '/tickets');
      isError(wrongMethod, 405, 'method_not_allowed');
      expect(wrongMethod.headers.get('allow')).toBe('GET, POST');

      expect((await h.call(agent, 'PATCH', `/tickets/${ticket.id}`, { body: { priority: 'low' } })).status).toBe(200);
      const stale = await h.call(agent, 'PATCH', `/tickets/${ticket.id}`, { body: { priority: 'high', expectedVersion: 1 } });
      isError(stale, 409, 'conflict');
      isError(await h.call(agent, 'POST', `/tickets/${ticket.id}/archive`), 409, 'invalid_transition');
      isError(await h.call(ana, 'PATCH', `/tickets/${ticket.id}`, { body: { status: 'closed' } }), 409, 'invalid_transition');

      isError(await h.call(ana, 'POST', '/tickets', { body: 'subject=x&body=y', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'unsupported_media_type');

      const other = h.operator();
      await h.call(agent, 'POST', `/tickets/${ticket.id}/lock`);
      const locked = await h.call(other, 'POST', `/tickets/${ticket.id}/replies`, { body: { body: 'mine now' } });
      isError(locked, 423, 'locked');
      expect(locked.json.error.params.holderId).toBe(agent.id);
    });

    it('413 for a JSON body over maxBodyBytes, declared or streamed, and for an upload over maxUploadBytes', async () => {
      const h = httpDesk(await target.createStore(), { maxBodyBytes: 1000, maxUploadBytes: 5000 });
      const ana = h.customer();
      const big = { subject: 'Big', body: 'x'.repeat(2000) };
      isError(await h.call(ana, 'POST', '/tickets', { body: big }), 413, 'payload_too_large');
      // No Content-Length: counted as it streams.
      const bytes = new TextEncoder().encode(JSON.stringify(big));
      const chunked = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < bytes.length; i += 100) controller.enqueue(bytes.slice(i, i + 100));
          controller.close();
        },
      });
      isError(await h.call(ana, 'POST', '/tickets', { body: chunked, headers: { 'content-type': 'application/json' } }), 413, 'payload_too_large');
      const form = new FormData();
      form.set('subject', 'Photos');
      form.set('body', 'See attached');
      form.append('files', new Blob([new Uint8Array(6000)], { type: 'image/png' }), 'big.png');
      isError(await h.call(ana, 'POST', '/tickets', { body: form }), 413, 'payload_too_large');
      // Nothing was opened by the refused requests.
      expect((await h.call(ana, 'GET', '/tickets')).json.items).toEqual([]);
      expect((await h.call(ana, 'POST', '/tickets', { body: { subject: 'Small', body: 'fits' } })).status).toBe(201);
    });

    it('500 internal and config say nothing of the cause but reach onError; 503 unavailable says retry; the handler never throws', async () => {
      const seen: unknown[] = [];
      const store = await target.createStore();
      const h = httpDesk(store, { onError: (error) => seen.push(error) });
      const ana = h.customer();
      expect((await h.call(ana, 'POST', '/tickets', { body: { subject: 'Router', body: 'Down' } })).status).toBe(201);

      // A host callback that throws (here the directory) is `internal`.
      h.directory.getSubscriber = () => {
        throw new Error('directory exploded: password=hunter2');
      };
      const internal = await h.call(ana, 'POST', '/tickets', { body: { subject: 'Again', body: 'Down' } });
      isError(internal, 500, 'internal');
      expect(JSON.stringify(internal.json)).not.toMatch(/hunter2|exploded|directory/);
      expect(internal.json.error.params).toBeUndefined();
      expect(seen).toHaveLength(1);

      // A file stored by a desk with a blob store, served by one configured without: `config`, as generic.
      const withBlobs = httpDesk(store);
      const form = new FormData();
      form.set('subject', 'Photo');
      form.set('body', 'See attached');
      form.append('file', new Blob([PNG], { type: 'image/png' }), 'shot.png');
      const opened = await withBlobs.call(withBlobs.customer(), 'POST', '/tickets', { body: form });
      expect(opened.status).toBe(201);
      const agent = withBlobs.operator();
      const fileId = (await withBlobs.call(agent, 'GET', `/tickets/${opened.json.id}`)).json.messages[0].attachments[0].id;
      const blobless = httpDesk(store, { onError: (error) => seen.push(error) }, { blobs: undefined, tenantId: withBlobs.desk.tenantId });
      const config = await blobless.call(agent, 'GET', `/attachments/${fileId}`);
      isError(config, 500, 'config');
      expect(JSON.stringify(config.json)).not.toMatch(/blobs|createTicketService/);
      expect(seen).toHaveLength(2);

      // `authenticate` that throws, or returns something that is not an actor: 500, reported.
      const throwing = httpDesk(store, {
        onError: (error) => seen.push(error),
        authenticate: () => {
          throw new Error('session store down');
        },
      });
      isError(await throwing.call(null, 'GET', '/tickets'), 500, 'internal');
      const malformed = httpDesk(store, { onError: (error) => seen.push(error), authenticate: () => ({ kind: 'customer' }) as never });
      isError(await malformed.call(null, 'GET', '/tickets'), 500, 'internal');
      expect(seen).toHaveLength(4);

      const down = httpDesk(failing(store, 'listTickets'));
      const unavailable = await down.call(down.operator(), 'GET', '/tickets');
      isError(unavailable, 503, 'unavailable');
      expect(unavailable.headers.get('retry-after')).toBe('5');
    });
  });
}
