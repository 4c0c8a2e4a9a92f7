/**
 * The demo help desk (examples/demo) as a host runs it, without a browser: started on a
 * free port with its own SQLite file (migrated and seeded), signed in through the
 * chooser's form post, its pages served, and the API at /api answering as the signed-in
 * actor, resellers walled off from each other.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE, startDemo, type RunningDemo } from '../../examples/demo/server.js';

let demo: RunningDemo;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ticketry-demo-'));
  demo = await startDemo({ port: 0, file: join(dir, 'demo.sqlite'), quiet: true });
});

afterAll(async () => {
  await demo?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Signs in through the chooser's form; returns the cookie header the browser would send. */
async function signIn(key: string): Promise<string> {
  const res = await fetch(`${demo.url}/demo/sign-in`, {
    method: 'POST',
    body: new URLSearchParams({ key }),
    redirect: 'manual',
  });
  expect(res.status).toBe(303);
  const cookie = res.headers.get('set-cookie') ?? '';
  expect(cookie).toContain(`${SESSION_COOKIE}=${key}`);
  expect(cookie).toContain('HttpOnly');
  return cookie.split(';')[0]!;
}

const get = (path: string, cookie?: string) =>
  fetch(`${demo.url}${path}`, { headers: cookie ? { cookie } : {}, redirect: 'manual' });

interface Row {
  id: string;
  number: string;
  status: string;
  priority: string;
  resellerId: string | null;
}

async function allTickets(cookie: string): Promise<Row[]> {
  const rows: Row[] = [];
  let cursor: string | null = null;
  do {
    const res = await get(`/api/tickets?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, cookie);
    expect(res.status).toBe(200);
    const page = (await res.json()) as { items: Row[]; nextCursor: string | null };
    rows.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return rows;
}

describe('the demo help desk', () => {
  it("signs in through the chooser and the operator's API list holds the seeded tickets", async () => {
    const operator = await signIn('op-anna');
    const tickets = await allTickets(operator);
    expect(tickets.length).toBeGreaterThan(30);
    // Every status (closed ones not archived included) and every priority are seeded.
    expect(new Set(tickets.map((t) => t.status))).toEqual(new Set(['open', 'in_progress', 'pending', 'on_hold', 'resolved', 'closed']));
    expect(new Set(tickets.map((t) => t.priority))).toEqual(new Set(['low', 'normal', 'high', 'urgent']));
    expect(new Set(tickets.map((t) => t.resellerId))).toEqual(new Set(['res-a', 'res-b', null]));
    // Urgent first: the queue's first row is an unresolved urgent ticket.
    expect(tickets[0]).toMatchObject({ priority: 'urgent', status: 'open' });

    const stats = await get('/api/tickets/stats', operator);
    expect(stats.status).toBe(200);
    const body = (await stats.json()) as { backlog: unknown[]; counts: Record<string, number> };
    expect(body.backlog.length).toBeGreaterThan(0);
    expect(body.counts.open).toBeGreaterThan(0);
  });

  it('serves every page as HTML to the side it is for, and sends the other side home', async () => {
    const operator = await signIn('op-anna');
    const customer = await signIn('cust-a1');
    const [first] = await allTickets(operator);
    const number = encodeURIComponent(first!.number);
    const pages: [string, string][] = [
      ['/', operator],
      ['/queue', operator],
      [`/tickets/${number}`, operator],
      ['/stats', operator],
      ['/portal', customer],
      ['/portal/new', customer],
      ['/portal/tickets/TKT-2026-0001', customer],
    ];
    for (const [path, cookie] of pages) {
      const res = await get(path, cookie);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toMatch(/^text\/html/);
      expect(res.headers.get('content-security-policy'), path).toContain("script-src 'self'");
      expect(await res.text(), path).toContain('<main id="main"');
    }
    for (const asset of ['/assets/app.js', '/assets/app.css', '/assets/queue.js', '/assets/thread.js']) {
      const res = await get(asset);
      expect(res.status, asset).toBe(200);
    }
    // Nobody signed in: to the chooser. The other side: to its own start page.
    expect((await get('/queue')).headers.get('location')).toBe('/');
    expect((await get('/portal', operator)).headers.get('location')).toBe('/queue');
    expect((await get(`/tickets/${number}`, customer)).headers.get('location')).toBe(`/portal/tickets/${number}`);
    expect((await get('/api/tickets')).status).toBe(401);
  });

  it("reseller A's staff and customer cannot read a res-b ticket: 404, as if it did not exist", async () => {
    const operator = await signIn('op-anna');
    const resB = (await allTickets(operator)).find((t) => t.resellerId === 'res-b')!;
    expect(resB).toBeDefined();
    const carla = await signIn('rb-carla');
    expect((await get(`/api/tickets/${encodeURIComponent(resB.number)}`, carla)).status).toBe(200);

    for (const key of ['ra-boris', 'cust-a1']) {
      const cookie = await signIn(key);
      for (const ref of [resB.number, resB.id]) {
        const res = await get(`/api/tickets/${encodeURIComponent(ref)}`, cookie);
        expect(res.status, `${key} ${ref}`).toBe(404);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
      }
      expect((await allTickets(cookie)).map((t) => t.id)).not.toContain(resB.id);
    }
  });

  it('refuses a cross-site form post and an unknown sign-in key', async () => {
    const res = await fetch(`${demo.url}/demo/sign-in`, {
      method: 'POST',
      body: new URLSearchParams({ key: 'op-anna' }),
      headers: { origin: 'https://evil.example' },
      redirect: 'manual',
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('set-cookie')).toBeNull();
    const unknown = await fetch(`${demo.url}/demo/sign-in`, { method: 'POST', body: new URLSearchParams({ key: 'root' }), redirect: 'manual' });
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('set-cookie')).toBeNull();
  });
});
