/**
 * Model-based test: the same random command sequences (fast-check `commands`) run on the
 * memory store (the model) and on each SQL store, through the service, and after every
 * step everything observable is compared: the command's result or error, every ticket
 * (staff and customer views, every page of the lists, search), every thread and audit
 * trail, and the stats. Ids come from one counter per store and every store shares the
 * run's clock, so nothing needs normalising: the outputs must be identical.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { TicketError } from '../../src/errors.js';
import { createTicketService, type TicketService } from '../../src/index.js';
import type { TicketStore } from '../../src/store.js';
import { ALL, TestClock, TestDirectory } from '../../src/testing/harness.js';
import type { Actor, CustomerActor, StaffActor } from '../../src/types.js';
import { canonical } from './hostile-stores.js';
import { toWellFormed } from '../../src/schemas.js';

const cust1: CustomerActor = { kind: 'customer', id: 'sub-1', resellerId: null, name: 'Ann' };
const cust2: CustomerActor = { kind: 'customer', id: 'sub-2', resellerId: 'res-1', name: 'Bob' };
const op: StaffActor = { kind: 'staff', id: 'op-1', name: 'Olga', resellerId: null, permissions: ALL };
const op2: StaffActor = { kind: 'staff', id: 'op-2', name: 'Oleg', resellerId: null, permissions: ['tickets.view', 'tickets.reply', 'tickets.create'] };
const rs: StaffActor = { kind: 'staff', id: 'rs-1', name: 'Rita', resellerId: 'res-1', permissions: ALL };
const ACTORS: readonly Actor[] = [cust1, cust2, op, op2, rs, { kind: 'system' }];
const STAFF: readonly StaffActor[] = [op, op2, rs];
const CUSTOMERS: readonly CustomerActor[] = [cust1, cust2];

/**
 * Words of subjects, bodies and searches: shared prefixes, case, accents, CJK, an emoji,
 * LIKE wildcards, a NUL (refused in every field) and a lone surrogate (U+FFFD in text,
 * refused in ids and filter values), which gave different answers per store before
 * src/schemas.ts's rule.
 */
const WORDS = ['router', 'Router', 'route', 'routing', 'modem', 'wifi', 'Wi-Fi', 'payment', 'pay', 'café', 'CAFÉ', 'Straße', '网络故障', '🙂', 'TKT-1', 'tkt-2', 'a', '_', '%', 'x\u0000y', 'lone\uD83D'];
const word = fc.constantFrom(...WORDS);
const text = fc.array(word, { minLength: 1, maxLength: 6 }).map((w) => w.join(' '));
const markdown = fc.oneof(text, text.map((t) => `**${t}**\n\n> ${t}\n\n- [x](https://e.example/${encodeURIComponent(toWellFormed(t))})`));

/** One store under test, with the run's service on it. */
export interface ModelTarget {
  name: string;
  store: TicketStore;
}

interface Desks {
  clock: TestClock;
  /** desks[0] is the model (memory). */
  desks: TicketService[];
  names: string[];
  /** Ids of the tickets and messages the run made (the same on every store). */
  tickets: string[];
  messages: string[];
  filters: string[];
}

/** The outcome of one call: its value, or its error code and field. */
async function outcome(call: () => Promise<unknown>): Promise<unknown> {
  try {
    return { ok: canonical(await call()) };
  } catch (err) {
    if (!TicketError.is(err)) throw err;
    return { error: err.code, field: err.params.field ?? null, reason: err.params.reason ?? null };
  }
}

/** Runs `call` on every desk; asserts every store's outcome equals the model's; returns the model's. */
async function onAll(d: Desks, what: string, call: (desk: TicketService) => Promise<unknown>): Promise<unknown> {
  const results: unknown[] = [];
  for (const desk of d.desks) results.push(await outcome(() => call(desk)));
  for (let i = 1; i < results.length; i++) {
    if (!isDeepStrictEqual(results[i], results[0])) {
      assert.deepStrictEqual(results[i], results[0], `${what}: ${d.names[i]} differs from ${d.names[0]}`);
    }
  }
  return results[0];
}

/** Every page of a list, following nextCursor (at most 20 pages). */
async function allPages(desk: TicketService, actor: Actor, query: Record<string, unknown>): Promise<unknown[]> {
  const pages: unknown[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 20; i++) {
    const page = await desk.list(actor, { ...query, ...(cursor ? { cursor } : {}) } as never);
    pages.push(page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return pages;
}

/** Everything an operator and each customer can see, compared across stores. */
async function observeAll(d: Desks, step: string): Promise<void> {
  await onAll(d, `${step} / staff lists`, async (desk) => ({
    queue: await allPages(desk, op, { limit: 3 }),
    oldest: await allPages(desk, op, { sort: 'oldest', limit: 200 }),
    archived: await allPages(desk, op, { archived: true, limit: 200 }),
    deleted: await allPages(desk, op, { deleted: true, limit: 200 }),
    reseller: await allPages(desk, rs, { sort: 'updated', limit: 200 }),
    favorites: await allPages(desk, op, { favorites: true, sort: 'newest', limit: 200 }),
  }));
  for (const c of CUSTOMERS) await onAll(d, `${step} / list of ${c.id}`, (desk) => allPages(desk, c, { limit: 200 }));
  await onAll(d, `${step} / stats`, async (desk) => ({ op: await desk.getStats(op), rs: await desk.getStats(rs) }));
  for (const id of d.tickets) {
    await onAll(d, `${step} / ticket ${id}`, async (desk) => ({
      staff: await outcome(() => desk.get(op, id)),
      audit: await outcome(() => desk.audit(op, id)),
      c1: await outcome(() => desk.get(cust1, id)),
      c2: await outcome(() => desk.get(cust2, id)),
    }));
  }
}

const pick = <T>(list: readonly T[], i: number): T | undefined => (list.length === 0 ? undefined : list[i % list.length]);
const ticketRef = (d: Desks, i: number, numberForm: boolean) => {
  const id = pick(d.tickets, i) ?? 'no-such-ticket';
  return numberForm ? `TKT-${(i % Math.max(1, d.tickets.length)) + 1}` : id;
};

type Step = (d: Desks) => Promise<void>;

/** A command: its label (for the failure report) and what it does on every desk. */
class Cmd implements fc.AsyncCommand<object, Desks> {
  constructor(
    readonly label: string,
    readonly step: Step,
  ) {}
  check(): boolean {
    return true;
  }
  async run(_model: object, d: Desks): Promise<void> {
    await this.step(d);
    await observeAll(d, this.label);
  }
  toString(): string {
    return this.label;
  }
}

const actorIdx = fc.nat(ACTORS.length - 1);
const staffIdx = fc.nat(STAFF.length - 1);
const ref = fc.tuple(fc.nat(20), fc.boolean());
const status = fc.constantFrom('open', 'in_progress', 'pending', 'on_hold', 'resolved', 'closed');

const created = (d: Desks, r: unknown) => {
  const ok = (r as { ok?: { id?: string; ticket?: { id: string } } }).ok;
  if (ok?.id && !d.tickets.includes(ok.id)) d.tickets.push(ok.id);
};
const message = (d: Desks, r: unknown) => {
  const ok = (r as { ok?: { id?: string } }).ok;
  if (ok?.id) d.messages.push(ok.id);
};

/** The command arbitraries. */
export const COMMANDS: fc.Arbitrary<fc.AsyncCommand<object, Desks>>[] = [
  fc.tuple(actorIdx, text, markdown, fc.constantFrom(undefined, 'low', 'urgent'), fc.constantFrom(undefined, 'wifi', 'billing')).map(
    ([a, subject, body, priority, category]) =>
      new Cmd(`create by ${a}: ${JSON.stringify(subject)}`, async (d) => {
        const actor = ACTORS[a]!;
        const input = {
          subject,
          body,
          ...(priority ? { priority } : {}),
          ...(category ? { category } : {}),
          ...(actor.kind !== 'customer' ? { subscriberId: a % 2 ? 'sub-1' : 'sub-2' } : {}),
        };
        created(d, await onAll(d, 'create', (desk) => desk.create(actor, input)));
      }),
  ),
  fc.tuple(actorIdx, ref, markdown, fc.option(status, { nil: undefined })).map(
    ([a, [t, n], body, s]) =>
      new Cmd(`reply by ${a} to ${t}${n ? ' (number)' : ''}${s ? ` -> ${s}` : ''}`, async (d) => {
        const actor = ACTORS[a]!;
        const input = { body, ...(s && actor.kind === 'staff' ? { status: s } : {}) };
        message(d, await onAll(d, 'reply', (desk) => desk.addReply(actor, ticketRef(d, t, n), input)));
      }),
  ),
  fc.tuple(staffIdx, ref, text).map(
    ([s, [t, n], body]) =>
      new Cmd(`note by staff ${s} on ${t}`, async (d) => {
        message(d, await onAll(d, 'note', (desk) => desk.addReply(STAFF[s]!, ticketRef(d, t, n), { body, internal: true })));
      }),
  ),
  fc.tuple(actorIdx, ref, status).map(
    ([a, [t, n], s]) =>
      new Cmd(`status ${s} by ${a} on ${t}`, (d) => onAll(d, 'status', (desk) => desk.update(ACTORS[a]!, ticketRef(d, t, n), { status: s })).then(() => undefined)),
  ),
  fc.tuple(staffIdx, ref, fc.constantFrom<string | null>('op-1', 'op-2', 'agent-9', null), fc.option(fc.nat(6), { nil: undefined })).map(
    ([s, [t, n], assigneeId, v]) =>
      new Cmd(`assign ${assigneeId} by staff ${s} on ${t}`, (d) =>
        onAll(d, 'assign', (desk) => desk.update(STAFF[s]!, ticketRef(d, t, n), { assigneeId, ...(v ? { expectedVersion: v } : {}) })).then(() => undefined),
      ),
  ),
  fc.tuple(staffIdx, ref, fc.constantFrom('low', 'normal', 'high', 'urgent', 'nope'), fc.boolean()).map(
    ([s, [t, n], priority, raised]) =>
      new Cmd(`priority ${priority} by staff ${s} on ${t}`, (d) =>
        onAll(d, 'priority', (desk) => desk.update(STAFF[s]!, ticketRef(d, t, n), { priority, raised })).then(() => undefined),
      ),
  ),
  fc
    .tuple(
      actorIdx,
      fc.record(
        {
          status: fc.subarray(['open', 'in_progress', 'pending', 'on_hold', 'resolved', 'closed'], { minLength: 1 }),
          priority: fc.constantFrom('low', 'normal', 'urgent'),
          assigneeId: fc.constantFrom<string | null>('me', null, 'agent-9'),
          sort: fc.constantFrom('queue', 'newest', 'oldest', 'updated', 'waiting', 'relevance'),
          q: fc.oneof(word, text),
          subscriberId: fc.constantFrom('sub-1', 'sub-2'),
          addressedTo: fc.constantFrom('reseller', 'operator'),
          category: fc.constantFrom('wifi', 'billing', 'other'),
        },
        { requiredKeys: [] },
      ),
      fc.integer({ min: 1, max: 4 }),
    )
    .map(
      ([a, filters, limit]) =>
        new Cmd(`list by ${a} ${JSON.stringify(filters)} limit ${limit}`, (d) =>
          onAll(d, 'list', (desk) => allPages(desk, ACTORS[a]!, { ...filters, limit })).then(() => undefined),
        ),
    ),
  fc.tuple(actorIdx, fc.option(fc.tuple(fc.nat(120), fc.nat(120)), { nil: undefined })).map(
    ([a, w]) =>
      new Cmd(`stats by ${a}${w ? ` window ${w}` : ''}`, (d) =>
        onAll(d, 'stats', (desk) => {
          if (!w) return desk.getStats(ACTORS[a]!);
          const base = new Date('2026-03-02T00:00:00Z').getTime();
          return desk.getStats(ACTORS[a]!, { from: new Date(base + w[0] * 3_600_000), to: new Date(base + (w[0] + w[1] + 1) * 3_600_000) });
        }).then(() => undefined),
      ),
  ),
  fc.tuple(staffIdx, ref, ref).map(
    ([s, [a], [b]]) =>
      new Cmd(`merge ${a} into ${b} by staff ${s}`, (d) =>
        onAll(d, 'merge', (desk) => desk.merge(STAFF[s]!, ticketRef(d, a, false), ticketRef(d, b, false))).then(() => undefined),
      ),
  ),
  fc.tuple(staffIdx, ref, fc.nat(30)).map(
    ([s, [t], m]) =>
      new Cmd(`split ${t} at message ${m} by staff ${s}`, async (d) =>
        created(d, { ok: ((await onAll(d, 'split', (desk) => desk.split(STAFF[s]!, ticketRef(d, t, false), pick(d.messages, m) ?? 'no-msg'))) as { ok?: { ticket?: { id: string } } }).ok?.ticket }),
      ),
  ),
  fc.tuple(staffIdx, ref, fc.boolean()).map(
    ([s, [t], restore]) =>
      new Cmd(`${restore ? 'restore' : 'delete'} ${t} by staff ${s}`, (d) =>
        onAll(d, 'delete', (desk) => (restore ? desk.restore(STAFF[s]!, ticketRef(d, t, false)) : desk.delete(STAFF[s]!, ticketRef(d, t, false)))).then(() => undefined),
      ),
  ),
  fc.tuple(actorIdx, ref, fc.boolean()).map(
    ([a, [t], un]) =>
      new Cmd(`${un ? 'unarchive' : 'archive'} ${t} by ${a}`, (d) =>
        onAll(d, 'archive', (desk) => (un ? desk.unarchive(ACTORS[a]!, ticketRef(d, t, false)) : desk.archive(ACTORS[a]!, ticketRef(d, t, false)))).then(() => undefined),
      ),
  ),
  fc.tuple(staffIdx, fc.nat(30), fc.constantFrom('hide', 'unhide', 'edit'), text).map(
    ([s, m, op2, body]) =>
      new Cmd(`${op2} message ${m} by staff ${s}`, (d) =>
        onAll(d, op2, (desk) => {
          const id = pick(d.messages, m) ?? 'no-msg';
          return op2 === 'hide' ? desk.hideMessage(STAFF[s]!, id) : op2 === 'unhide' ? desk.unhideMessage(STAFF[s]!, id) : desk.editMessage(STAFF[s]!, id, body);
        }).then(() => undefined),
      ),
  ),
  fc.tuple(staffIdx, ref, fc.constantFrom('lock', 'unlock', 'favorite', 'unfavorite', 'read')).map(
    ([s, [t], what]) =>
      new Cmd(`${what} ${t} by staff ${s}`, (d) =>
        onAll(d, what, (desk) => {
          const r = ticketRef(d, t, false);
          const a = STAFF[s]!;
          if (what === 'lock') return desk.lock(a, r, { ttlSeconds: 600 });
          if (what === 'unlock') return desk.unlock(a, r, { force: true });
          if (what === 'read') return desk.markRead(a, r);
          return desk.favorite(a, r, what === 'favorite');
        }).then(() => undefined),
      ),
  ),
  fc.tuple(staffIdx, fc.constantFrom('save', 'delete', 'list'), fc.constantFrom('mine', 'urgent'), fc.nat(5)).map(
    ([s, what, name, f]) =>
      new Cmd(`filter ${what} ${name} by staff ${s}`, async (d) => {
        const r = await onAll(d, 'filter', (desk) => {
          const a = STAFF[s]!;
          if (what === 'save') return desk.saveFilter(a, name, name === 'mine' ? { assigneeId: 'me' } : { priority: 'urgent', sort: 'updated' });
          if (what === 'delete') return desk.deleteFilter(a, pick(d.filters, f) ?? 'no-filter');
          return desk.listFilters(a);
        });
        const ok = (r as { ok?: { id?: string } }).ok;
        if (what === 'save' && ok?.id) d.filters.push(ok.id);
      }),
  ),
  fc.tuple(staffIdx, fc.array(ref, { minLength: 1, maxLength: 4 }), fc.constantFrom('close', 'priority', 'assign', 'archive', 'delete')).map(
    ([s, refs, type]) =>
      new Cmd(`bulk ${type} by staff ${s}`, (d) =>
        onAll(d, 'bulk', (desk) =>
          desk.bulk(
            STAFF[s]!,
            refs.map(([t, n]) => ticketRef(d, t, n)),
            (type === 'priority' ? { type, priority: 'high' } : type === 'assign' ? { type, assigneeId: 'op-2' } : { type }) as never,
          ),
        ).then(() => undefined),
      ),
  ),
  fc.constantFrom(1, 30, 600, 60 * 24, 60 * 24 * 8).map(
    (minutes) =>
      new Cmd(`clock +${minutes} min, scheduled work`, async (d) => {
        d.clock.minutes(minutes);
        await onAll(d, 'scheduled work', (desk) => desk.runScheduledWork());
      }),
  ),
];

/** The run's desks: one per target, sharing the clock, each with its own id counter and a fresh tenant. */
export function desksFor(targets: readonly ModelTarget[]): Desks {
  const clock = new TestClock();
  const tenantId = `m-${randomUUID()}`;
  const desks = targets.map((t) => {
    let n = 0;
    const directory = new TestDirectory();
    directory.addSubscriber('sub-1', null, 'Ann');
    directory.addSubscriber('sub-2', 'res-1', 'Bob');
    return createTicketService({ store: t.store, tenantId, clock: clock.now, directory, generateId: () => `id-${String(++n).padStart(6, '0')}` });
  });
  return { clock, desks, names: targets.map((t) => t.name), tickets: [], messages: [], filters: [] };
}

/** Runs `runs` random sequences of up to `commands` commands on `targets` (the first is the model). */
export async function runModel(targets: readonly ModelTarget[], runs: number, commands: number, seed?: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(fc.commands(COMMANDS, { maxCommands: commands, size: 'max' }), async (cmds) => {
      const d = desksFor(targets);
      await fc.asyncModelRun(() => ({ model: {}, real: d }), cmds);
    }),
    { numRuns: runs, ...(seed === undefined ? {} : { seed }), endOnFailure: process.env.TICKETRY_FUZZ_SHRINK !== '1' },
  );
}
