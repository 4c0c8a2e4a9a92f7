/**
 * The whole status machine as a model-based test (fast-check `commands`): random
 * sequences of create, customer and staff replies, internal notes, status changes by
 * staff and customers, archive, unarchive, delete, restore, merge and the auto-close scan,
 * over several tickets of one subscriber, against the memory store. After every command
 * each ticket's status, archive flag, soft delete, merge target and version match a small
 * model of DESIGN.md's rules, and so do what the reads show (get, the default and archived
 * lists, stats). A refused command fails with the expected code and writes nothing: no
 * version, message, audit entry or event.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../adapters/memory/index.js';
import {
  createTicketService,
  STATUSES,
  TicketError,
  type Actor,
  type Status,
  type StoreScope,
  type TicketService,
  type TicketStore,
} from '../../src/index.js';

const AUTO_CLOSE_HOURS = 48;
const customer: Actor = { kind: 'customer', id: 'sub-1', name: 'Customer' };
const staff: Actor = {
  kind: 'staff',
  id: 'agent-1',
  name: 'Agent',
  permissions: ['tickets.view', 'tickets.create', 'tickets.edit', 'tickets.reply', 'tickets.delete'],
};

/** What the rules say one ticket is. */
interface TicketModel {
  status: Status;
  archived: boolean;
  deleted: boolean;
  /** Index of the ticket this one was merged into. */
  mergedInto: number | null;
  version: number;
}

interface Model {
  tickets: TicketModel[];
}

interface Real {
  desk: TicketService;
  store: TicketStore;
  tenantId: string;
  ids: string[];
  events: number;
  now: number;
}

/** Everything the store holds about the tickets, read past scope and soft delete. */
async function snapshot(real: Real) {
  const scope: StoreScope = { tenantId: real.tenantId, visibility: 'staff', includeDeleted: true };
  return Promise.all(
    real.ids.map(async (id) => {
      const t = await real.store.findTicket(scope, id);
      return {
        version: t!.version,
        status: t!.status,
        archived: t!.archived,
        deleted: t!.deletedAt !== null,
        mergedIntoId: t!.mergedIntoId,
        messages: (await real.store.listMessages(scope, id)).length,
        audit: (await real.store.listAudit(real.tenantId, id)).length,
      };
    }),
  );
}

/** Runs `fn` expecting a `code` refusal that writes nothing. */
async function refused(real: Real, code: string, fn: () => Promise<unknown>): Promise<void> {
  const before = await snapshot(real);
  const events = real.events;
  const error = await fn().then(
    () => null,
    (e: unknown) => e,
  );
  expect(TicketError.is(error) ? error.code : error).toBe(code);
  expect(await snapshot(real)).toEqual(before);
  expect(real.events).toBe(events);
}

/** The ticket a command names: index `i` modulo the tickets there are. */
const pick = (m: Model, i: number) => i % m.tickets.length;

/** Every ticket as the model says, and the reads agree. */
async function checkAll(m: Model, real: Real): Promise<void> {
  const rows = await snapshot(real);
  expect(
    rows.map(({ status, archived, deleted, mergedIntoId, version }) => ({ status, archived, deleted, mergedIntoId, version })),
  ).toEqual(
    m.tickets.map((t) => ({
      status: t.status,
      archived: t.archived,
      deleted: t.deleted,
      mergedIntoId: t.mergedInto === null ? null : real.ids[t.mergedInto],
      version: t.version,
    })),
  );
  const listed = (await real.desk.list(customer, { sort: 'oldest', limit: 200 })).items.map((t) => t.id);
  const archived = (await real.desk.list(customer, { sort: 'oldest', limit: 200, archived: true })).items.map((t) => t.id);
  const deleted = (await real.desk.list(staff, { sort: 'oldest', limit: 200, deleted: true })).items.map((t) => t.id);
  const ids = (keep: (t: TicketModel) => boolean) => real.ids.filter((_, i) => keep(m.tickets[i]!));
  expect(listed).toEqual(ids((t) => !t.deleted && !t.archived));
  expect(archived).toEqual(ids((t) => !t.deleted && t.archived));
  expect(deleted).toEqual(ids((t) => t.deleted));
  const stats = await real.desk.getStats(staff);
  for (const status of STATUSES) {
    expect(stats.counts[status]).toBe(m.tickets.filter((t) => !t.deleted && t.status === status).length);
  }
  for (const [i, id] of real.ids.entries()) {
    const t = m.tickets[i]!;
    if (!t.deleted) continue;
    expect(await real.desk.get(staff, id).then(() => 'found', (e: unknown) => (e as TicketError).code)).toBe('not_found');
  }
}

/** A command: when it applies, what the model says it does, and how to run it. */
abstract class Cmd implements fc.AsyncCommand<Model, Real> {
  check(m: Model): boolean {
    return m.tickets.length > 0;
  }
  abstract exec(m: Model, real: Real): Promise<void>;
  async run(m: Model, real: Real): Promise<void> {
    real.now += 60_000;
    await this.exec(m, real);
    await checkAll(m, real);
  }
  abstract toString(): string;
}

class Create extends Cmd {
  constructor(readonly by: 'customer' | 'staff', readonly status: 'open' | 'pending' | 'resolved') {
    super();
  }
  override check(m: Model) {
    return m.tickets.length < 4;
  }
  async exec(m: Model, real: Real) {
    const t =
      this.by === 'customer'
        ? await real.desk.create(customer, { subject: 's', body: 'b' })
        : await real.desk.create(staff, { subject: 's', body: 'b', subscriberId: 'sub-1', status: this.status });
    real.ids.push(t.id);
    m.tickets.push({ status: this.by === 'customer' ? 'open' : this.status, archived: false, deleted: false, mergedInto: null, version: 1 });
  }
  toString() {
    return `create(${this.by}${this.by === 'staff' ? `, ${this.status}` : ''})`;
  }
}

/**
 * The ticket `i` names, when the command may touch it. What happens to a merged source
 * afterwards (replies, edits) is merge's own contract (the merge contract tests), so the
 * model leaves merged sources to the lifecycle commands.
 */
const notMerged = (m: Model, i: number) => m.tickets.length > 0 && m.tickets[pick(m, i)]!.mergedInto === null;

class CustomerReply extends Cmd {
  constructor(readonly i: number) {
    super();
  }
  override check(m: Model) {
    return notMerged(m, this.i);
  }
  async exec(m: Model, real: Real) {
    const k = pick(m, this.i);
    const t = m.tickets[k]!;
    const go = () => real.desk.addReply(customer, real.ids[k]!, { body: 'c' });
    if (t.deleted) return refused(real, 'invalid_transition', go);
    await go();
    // A customer reply reopens anything, closed and archived included.
    Object.assign(t, { status: 'open', archived: false, version: t.version + 1 });
  }
  toString() {
    return `customerReply(${this.i})`;
  }
}

class StaffReply extends Cmd {
  constructor(readonly i: number, readonly internal: boolean, readonly status: Status | null) {
    super();
  }
  override check(m: Model) {
    return notMerged(m, this.i);
  }
  async exec(m: Model, real: Real) {
    const k = pick(m, this.i);
    const t = m.tickets[k]!;
    const status = this.internal ? null : this.status;
    const go = () =>
      real.desk.addReply(staff, real.ids[k]!, { body: 's', internal: this.internal, ...(status ? { status } : {}) });
    if (t.deleted) return refused(real, 'invalid_transition', go);
    await go();
    const next = this.internal ? t.status : (status ?? 'pending');
    Object.assign(t, { status: next, archived: t.archived && next === 'closed', version: t.version + 1 });
  }
  toString() {
    return `staffReply(${this.i}, ${this.internal ? 'internal' : (this.status ?? 'default')})`;
  }
}

class SetStatus extends Cmd {
  constructor(readonly i: number, readonly by: 'customer' | 'staff', readonly status: Status) {
    super();
  }
  override check(m: Model) {
    return notMerged(m, this.i);
  }
  async exec(m: Model, real: Real) {
    const k = pick(m, this.i);
    const t = m.tickets[k]!;
    const go = () => real.desk.update(this.by === 'customer' ? customer : staff, real.ids[k]!, { status: this.status });
    if (t.deleted) return refused(real, 'invalid_transition', go);
    // Customers only close their own resolved ticket (or ask for the status it has).
    const allowed = this.by === 'staff' || this.status === t.status || (t.status === 'resolved' && this.status === 'closed');
    if (!allowed) return refused(real, 'invalid_transition', go);
    await go();
    if (this.status === t.status) return;
    Object.assign(t, { status: this.status, archived: t.archived && this.status === 'closed', version: t.version + 1 });
  }
  toString() {
    return `setStatus(${this.i}, ${this.by}, ${this.status})`;
  }
}

class Archive extends Cmd {
  constructor(readonly i: number, readonly by: 'customer' | 'staff', readonly archived: boolean) {
    super();
  }
  async exec(m: Model, real: Real) {
    const k = pick(m, this.i);
    const t = m.tickets[k]!;
    const actor = this.by === 'customer' ? customer : staff;
    const go = () => (this.archived ? real.desk.archive(actor, real.ids[k]!) : real.desk.unarchive(actor, real.ids[k]!));
    if (t.deleted || t.status !== 'closed') return refused(real, 'invalid_transition', go);
    const result = await go();
    expect(result.archived).toBe(this.archived);
    if (t.archived === this.archived) return;
    Object.assign(t, { archived: this.archived, version: t.version + 1 });
  }
  toString() {
    return `${this.archived ? 'archive' : 'unarchive'}(${this.i}, ${this.by})`;
  }
}

class Delete extends Cmd {
  constructor(readonly i: number, readonly deleted: boolean) {
    super();
  }
  async exec(m: Model, real: Real) {
    const k = pick(m, this.i);
    const t = m.tickets[k]!;
    const go = () => (this.deleted ? real.desk.delete(staff, real.ids[k]!) : real.desk.restore(staff, real.ids[k]!));
    if (t.deleted === this.deleted) return refused(real, 'invalid_transition', go);
    // Customers never delete or restore; nothing is written.
    await refused(real, 'forbidden', () =>
      this.deleted ? real.desk.delete(customer, real.ids[k]!) : real.desk.restore(customer, real.ids[k]!),
    );
    await go();
    Object.assign(t, { deleted: this.deleted, version: t.version + 1 });
  }
  toString() {
    return `${this.deleted ? 'delete' : 'restore'}(${this.i})`;
  }
}

class Merge extends Cmd {
  constructor(readonly i: number, readonly j: number) {
    super();
  }
  async exec(m: Model, real: Real) {
    const s = pick(m, this.i);
    const g = pick(m, this.j);
    const source = m.tickets[s]!;
    const target = m.tickets[g]!;
    const go = () => real.desk.merge(staff, real.ids[s]!, real.ids[g]!);
    if (s === g) return refused(real, 'validation', go);
    if (source.deleted || target.deleted || source.mergedInto !== null || target.status === 'closed') {
      return refused(real, 'invalid_transition', go);
    }
    await go();
    // The source closes (keeping its archive flag only if it was closed already).
    Object.assign(source, { status: 'closed', mergedInto: g, version: source.version + 1 });
    target.version += 1;
  }
  toString() {
    return `merge(${this.i} -> ${this.j})`;
  }
}

class AutoClose extends Cmd {
  override check() {
    return true;
  }
  async exec(m: Model, real: Real) {
    real.now += (AUTO_CLOSE_HOURS + 1) * 3_600_000;
    const result = await real.desk.runScheduledWork();
    const expected = m.tickets.flatMap((t, i) => (!t.deleted && (t.status === 'resolved' || t.status === 'pending') ? [i] : []));
    expect([...result.autoClosed].sort()).toEqual(expected.map((i) => real.ids[i]!).sort());
    for (const i of expected) Object.assign(m.tickets[i]!, { status: 'closed', version: m.tickets[i]!.version + 1 });
  }
  toString() {
    return 'autoClose';
  }
}

const index = fc.nat(7);
const who = fc.constantFrom<'customer' | 'staff'>('customer', 'staff');
const status = fc.constantFrom(...STATUSES);
const commands = [
  fc.tuple(who, fc.constantFrom<'open' | 'pending' | 'resolved'>('open', 'pending', 'resolved')).map(([b, s]) => new Create(b, s)),
  index.map((i) => new CustomerReply(i)),
  fc.tuple(index, fc.boolean(), fc.option(status, { nil: null })).map(([i, n, s]) => new StaffReply(i, n, s)),
  fc.tuple(index, who, status).map(([i, b, s]) => new SetStatus(i, b, s)),
  // Closing is what archiving needs: weigh it in.
  fc.tuple(index, who).map(([i, b]) => new SetStatus(i, b === 'staff' ? 'staff' : 'customer', 'closed')),
  fc.tuple(index, who, fc.boolean()).map(([i, b, a]) => new Archive(i, b, a)),
  fc.tuple(index, fc.boolean()).map(([i, d]) => new Delete(i, d)),
  fc.tuple(index, index).map(([i, j]) => new Merge(i, j)),
  fc.constant(new AutoClose()),
];

describe('status machine with the lifecycle (model-based, fast-check commands)', () => {
  it('archive, unarchive, delete, restore, merge, replies, status changes and auto-close keep to the rules; refusals write nothing', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 30 }), async (cmds) => {
        runs += 1;
        const store = memoryStore();
        const real: Real = { desk: undefined as never, store, tenantId: `t-${runs}`, ids: [], events: 0, now: Date.parse('2026-03-02T10:00:00Z') };
        real.desk = createTicketService({
          store,
          tenantId: real.tenantId,
          clock: () => new Date(real.now),
          config: { sla: { targets: {} }, autoCloseAfterHours: AUTO_CLOSE_HOURS },
        });
        real.desk.events.on('*', () => {
          real.events += 1;
        });
        // Always start from one ticket, so the first commands have something to act on.
        const first = new Create('customer', 'open');
        const model: Model = { tickets: [] };
        await first.run(model, real);
        await fc.asyncModelRun(() => ({ model, real }), cmds);
      }),
      { numRuns: 120 },
    );
  }, 60_000);
});
