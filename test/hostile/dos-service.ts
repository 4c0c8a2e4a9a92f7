/**
 * Service-level cost cases on a store: a customer's `create` with a plain body of n and
 * 4n characters (validation, render, search index, store), a staff `addReply` in Markdown
 * with the render limits raised to the body, and `list` with a hostile `q` or cursor on
 * a tenant of n/64 and 4n/64 tickets (a search is bounded by the tickets it may see: its
 * cost grows with them, never faster).
 */
import { randomUUID } from 'node:crypto';
import { createTicketService, type TicketService } from '../../src/index.js';
import type { TicketStore } from '../../src/store.js';
import { ALL, TestClock, customer, operator } from '../../src/testing/harness.js';
import type { CostCase } from './cost-ratio.js';

function repeat(unit: string, size: number): string {
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

function deskOn(store: TicketStore, maxBody: number): TicketService {
  return createTicketService({
    store,
    tenantId: `dos-${randomUUID()}`,
    clock: new TestClock().now,
    config: { maxBodyLength: maxBody, render: { maxMarkdownLength: maxBody, timeBudgetMs: 60_000 } },
  });
}

/** `create` and `addReply` with bodies of n and 4n characters on `store`. */
export function writeCases(store: TicketStore, maxBody: number): CostCase<string>[] {
  const desk = deskOn(store, maxBody);
  const c = customer();
  const staff = operator(ALL);
  let ticket: Promise<string> | undefined;
  const target = () => (ticket ??= desk.create(c, { subject: 'target', body: 'b' }).then((t) => t.id));
  const bodies: [string, (n: number) => string][] = [
    ['prose', (n) => repeat('The router drops the line every evening near 19:00. ', n)],
    ['one long word', (n) => 'x'.repeat(n)],
    ['short words', (n) => repeat('a b ', n)],
    ['CJK', (n) => repeat('网络故障无法连接', n)],
    ['markup characters', (n) => repeat('<&>"\'\n', n)],
  ];
  const cases: CostCase<string>[] = [];
  for (const [name, make] of bodies) {
    cases.push({ name: `create (customer, plain): ${name}`, make, run: (body) => desk.create(c, { subject: 'dos', body }) });
  }
  cases.push({
    name: 'addReply (staff, Markdown): prose with formatting',
    make: (n) => repeat('Some **bold**, _em_, `code` and [a link](https://e.example/x).\n\n', n),
    run: async (body) => desk.addReply(staff, await target(), { body, internal: true }),
  });
  return cases;
}

/**
 * `list` with a hostile `q` and with hand-made cursors, on a tenant whose size is the
 * case's n / 64 tickets (so n and 4n are 4x the tickets). `make` seeds the tenant.
 */
export function listCases(store: TicketStore): CostCase<Promise<{ desk: TicketService }>>[] {
  const staff = operator(ALL);
  const seeded = new Map<number, Promise<{ desk: TicketService }>>();
  const seed = (n: number) => {
    const tickets = Math.max(4, Math.floor(n / 64));
    let made = seeded.get(tickets);
    if (!made) {
      made = (async () => {
        const desk = deskOn(store, 262_144);
        for (let i = 0; i < tickets; i++) {
          await desk.create(staff, {
            subject: `routing ${i % 7} modem ${i}`,
            body: `router reboot aaa aab aac ${i} payment`,
            subscriberId: `sub-${i % 13}`,
          });
        }
        return { desk };
      })();
      seeded.set(tickets, made);
    }
    return made;
  };
  const cursor = (body: object) => Buffer.from(JSON.stringify(body)).toString('base64url');
  const qs: [string, string][] = [
    ['q: 8 phrases of common prefixes', 'rou mod aaa aab aac pay reb rou'],
    ['q: 16-word phrase that never matches', `"${repeat('aaa ', 64).trim()}"`],
    ['q: 200 characters of one-letter words', repeat('a ', 200).trim()],
    ['q: punctuation only', repeat('%_*', 200)],
  ];
  const cases: CostCase<Promise<{ desk: TicketService }>>[] = qs.map(([name, q]) => ({
    name: `list ${name}`,
    make: seed,
    // One request (a page of 50): what one call may cost, bounded by the tickets the actor
    // may see. (Walking every page of a search that matches everything costs pages x that
    // on the memory store: 7.6 -> 99 ms from 256 to 1,024 tickets, measured in session 7.)
    run: async (p) => (await p).desk.list(staff, { q, limit: 50 }),
  }));
  cases.push({
    name: 'list: cursor before every ticket (sort oldest), one page',
    make: seed,
    run: async (p) => (await p).desk.list(staff, { sort: 'oldest', limit: 50, cursor: cursor({ s: 'oldest', t: 0, i: '' }) }),
  });
  cases.push({
    name: 'list: cursor after every ticket (sort newest, waiting), one page',
    make: seed,
    run: async (p) => {
      const { desk } = await p;
      await desk.list(staff, { sort: 'newest', limit: 50, cursor: cursor({ s: 'newest', t: Date.UTC(9999, 0, 1), i: '' }) });
      await desk.list(staff, { sort: 'waiting', limit: 50, cursor: cursor({ s: 'waiting', t: null, i: '' }) });
    },
  });
  return cases;
}
