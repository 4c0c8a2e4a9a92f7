/**
 * The OpenAPI document at `{basePath}/openapi.json`: valid OpenAPI 3.1 by an independent
 * validator, every route and alias in it with its parameters, bodies and error responses,
 * and the customer shapes separate from the staff shapes and equal to what customers get.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../adapters/memory/index.js';
import { HTTP_ROUTES } from '../../adapters/http/create-http-handler.js';
import { httpDesk } from './http-harness.js';

type Doc = {
  openapi: string;
  servers: { url: string }[];
  paths: Record<string, Record<string, any>>;
  components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[]; additionalProperties?: unknown }> };
};

async function documentOf(basePath?: string) {
  const h = httpDesk(memoryStore(), basePath === undefined ? {} : { basePath });
  const prefix = basePath ?? '/api';
  const response = await h.handler(new Request(`http://desk.test${prefix}/openapi.json`));
  expect(response.status).toBe(200);
  return { h, doc: (await response.json()) as Doc };
}

describe('OpenAPI document', () => {
  it('is valid OpenAPI 3.1', async () => {
    const { doc } = await documentOf();
    const validator = new Validator();
    const result = await validator.validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(doc.servers).toEqual([{ url: '/api' }]);
  });

  it('lists every route and alias with its path parameters, query keys, bodies and error responses', async () => {
    const { doc } = await documentOf();
    let operations = 0;
    for (const route of HTTP_ROUTES) {
      for (const path of route.customerAlias ? [route.path, `/customer${route.path}`] : [route.path]) {
        const key = path.replace(/:(\w+)/g, '{$1}');
        const operation = doc.paths[key]?.[route.method.toLowerCase()];
        expect(operation, `${route.method} ${key}`).toBeDefined();
        operations++;
        const params = (operation.parameters ?? []) as { name: string; in: string }[];
        for (const [, name] of path.matchAll(/:(\w+)/g)) expect(params).toContainEqual(expect.objectContaining({ name, in: 'path' }));
        for (const name of Object.keys(route.query ?? {})) expect(params).toContainEqual(expect.objectContaining({ name, in: 'query' }));
        expect(Boolean(operation.requestBody)).toBe(Boolean(route.body));
        if (route.multipart) expect(Object.keys(operation.requestBody.content)).toEqual(['application/json', 'multipart/form-data']);
        expect(Object.keys(operation.responses)).toContain(String(route.response.status));
        for (const status of ['400', '401', '500', '503']) {
          expect(operation.responses[status].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
        }
      }
    }
    expect(operations).toBeGreaterThan(45);
    expect(doc.paths['/openapi.json']?.get?.security).toEqual([]);
    const list = doc.paths['/tickets']!.get;
    expect(list.parameters.find((p: { name: string }) => p.name === 'status').schema).toEqual({ type: 'array', items: { type: 'string' } });
    expect(list.parameters.find((p: { name: string }) => p.name === 'limit').schema).toEqual({ type: 'integer' });
    expect(doc.paths['/tickets/{id}']!.patch.responses['409']).toBeDefined();
    expect(doc.paths['/tickets/{id}/replies']!.post.responses['423']).toBeDefined();
    expect(doc.paths['/tickets']!.post.responses['413']).toBeDefined();
  });

  it('keeps customer shapes apart from staff shapes, and both match what the handler answers', async () => {
    const { doc, h } = await documentOf();
    const schemas = doc.components.schemas;
    const customerTicket = Object.keys(schemas.CustomerTicket!.properties!);
    for (const staffOnly of ['subscriberId', 'assigneeId', 'sla', 'lockedById', 'version', 'createdById']) {
      expect(Object.keys(schemas.Ticket!.properties!)).toContain(staffOnly);
      expect(customerTicket).not.toContain(staffOnly);
    }
    expect(Object.keys(schemas.CustomerMessage!.properties!)).not.toContain('internal');
    expect(Object.keys(schemas.CustomerMessage!.properties!)).not.toContain('authorId');
    expect(schemas.CustomerTicket!.additionalProperties).toBe(false);
    const created = doc.paths['/tickets']!.post.responses['201'].content['application/json'].schema;
    expect(created.oneOf).toEqual([{ $ref: '#/components/schemas/Ticket' }, { $ref: '#/components/schemas/CustomerTicket' }]);

    // What the handler really answers has exactly the documented fields, all of them required.
    const ana = h.customer();
    const customerView = await h.call(ana, 'POST', '/tickets', { body: { subject: 'Router', body: 'Down' } });
    expect(Object.keys(customerView.json).sort()).toEqual([...customerTicket].sort());
    expect([...schemas.CustomerTicket!.required!].sort()).toEqual([...customerTicket].sort());
    const staffView = await h.call(h.operator(), 'GET', `/tickets/${customerView.json.id}`);
    expect(Object.keys(staffView.json.ticket).sort()).toEqual(Object.keys(schemas.Ticket!.properties!).sort());
    expect(Object.keys(staffView.json.messages[0]).sort()).toEqual(Object.keys(schemas.Message!.properties!).sort());
    expect(schemas.Ticket!.properties!.createdAt).toMatchObject({ type: 'string', format: 'date-time' });
  });

  it('follows basePath', async () => {
    const { doc } = await documentOf('/support/v1');
    expect(doc.servers).toEqual([{ url: '/support/v1' }]);
    expect(doc.paths['/tickets']).toBeDefined();
  });
});
