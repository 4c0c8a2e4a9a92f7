/**
 * examples/express-app.ts on a real port: ticketry's API answers under /api inside an
 * Express 5 app next to the app's own routes, with the app's own sign-in deciding the actor
 * and the peer address reaching the audit trail.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../examples/express-app.js';
import { memoryStore } from '../../adapters/memory/index.js';
import { createTicketService } from '../../src/index.js';

let server: Server;
let base: string;
const desk = createTicketService({ store: memoryStore() });
beforeAll(async () => {
  server = createApp(desk).listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('examples/express-app.ts', () => {
  it("serves ticketry under /api next to the app's own routes, as the app's signed-in user", async () => {
    expect(await (await fetch(`${base}/`)).text()).toBe('My control panel');
    expect((await fetch(`${base}/api/tickets`)).status).toBe(401);

    const opened = await fetch(`${base}/api/tickets`, {
      method: 'POST',
      headers: { 'x-demo-user': 'cust-1', 'content-type': 'application/json', 'user-agent': 'ExpressTest/1' },
      body: JSON.stringify({ subject: 'Router', body: 'Down since noon' }),
    });
    expect(opened.status).toBe(201);
    const ticket = (await opened.json()) as { id: string; number: string; subscriberId?: string };
    expect(ticket.subscriberId).toBeUndefined(); // the customer's shape

    const list = await fetch(`${base}/api/tickets?status=open&limit=5`, { headers: { 'x-demo-user': 'agent-1' } });
    expect(list.status).toBe(200);
    expect(((await list.json()) as { items: { number: string }[] }).items.map((t) => t.number)).toEqual([ticket.number]);

    const audit = await fetch(`${base}/api/tickets/${ticket.id}/audit`, { headers: { 'x-demo-user': 'agent-1' } });
    const [created] = (await audit.json()) as { ip: string; userAgent: string }[];
    expect(created).toMatchObject({ ip: '127.0.0.1', userAgent: 'ExpressTest/1' });

    const missing = await fetch(`${base}/api/tickets/TKT-999`, { headers: { 'x-demo-user': 'agent-1' } });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});
