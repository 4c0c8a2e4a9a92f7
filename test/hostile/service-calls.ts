/**
 * Every public method of the service, as a call with valid arguments built from a small
 * world (a customer's tickets, a staff reply, an internal note, a closed ticket, a saved
 * filter), so the fuzzer can replace any argument, any field of an argument or the actor
 * with a hostile value and still reach the code past the first check.
 */
import { randomUUID } from 'node:crypto';
import { memoryBlobStore } from '../../adapters/blobs/index.js';
import type { TicketService } from '../../src/index.js';
import type { TicketStore } from '../../src/store.js';
import { createTicketService } from '../../src/index.js';
import { ALL, TestClock, TestDirectory, customer, operator, resellerStaff } from '../../src/testing/harness.js';
import type { CustomerActor, StaffActor } from '../../src/types.js';

/** The tickets and ids a call's valid arguments point at. */
export interface World {
  desk: TicketService;
  tenantId: string;
  clock: TestClock;
  customer: CustomerActor;
  staff: StaffActor;
  reseller: StaffActor;
  /** open ticket of `customer`, with a staff reply and an internal note */
  open: { id: string; number: string };
  /** a second open ticket of `customer` (merge target) */
  other: { id: string; number: string };
  /** a closed ticket of `customer` (archive) */
  closed: { id: string };
  /** a deleted ticket (restore, purge) */
  deleted: { id: string };
  /** the staff reply on `open` (hide, edit, split) */
  replyId: string;
  /** the file on the staff reply */
  attachmentId: string;
  /** the internal note on `open` */
  noteId: string;
  filterId: string;
  /** a valid cursor of the staff queue */
  cursor: string | null;
  /** an event the world's writes emitted */
  event: unknown;
}

/** A fresh tenant on `store` with the world's tickets written through the service. */
export async function makeWorld(store: TicketStore): Promise<World> {
  const clock = new TestClock();
  const directory = new TestDirectory();
  const tenantId = `t-${randomUUID()}`;
  const desk = createTicketService({
    store,
    tenantId,
    clock: clock.now,
    directory,
    dispatch: true,
    blobs: memoryBlobStore(),
    config: { email: { address: 'support@example.com' } },
  });
  const events: unknown[] = [];
  desk.events.on('*', (_t, e) => events.push(e));
  const c = customer();
  const staff = operator(ALL);
  const reseller = resellerStaff('res-1', ALL);
  const open = await desk.create(c, { subject: 'Router down', body: 'No **link** since _Monday_' });
  clock.minutes(1);
  const reply = await desk.addReply(staff, open.id, {
    body: 'Try a reset',
    status: 'in_progress',
    attachments: [{ filename: 'steps.txt', content: Buffer.from('1. unplug\n2. wait\n') }],
  });
  const note = await desk.addReply(staff, open.id, { body: 'Line test pending', internal: true });
  clock.minutes(1);
  await desk.addReply(c, open.id, { body: 'Still down' });
  const other = await desk.create(c, { subject: 'Same router', body: 'duplicate' });
  const closed = await desk.create(c, { subject: 'Old', body: 'done' });
  await desk.update(staff, closed.id, { status: 'closed' });
  const deleted = await desk.create(c, { subject: 'Spam', body: 'spam' });
  await desk.delete(staff, deleted.id);
  const filter = await desk.saveFilter(staff, 'mine', { assigneeId: 'me' });
  const page = await desk.list(staff, { limit: 1 });
  clock.minutes(1);
  return {
    desk,
    tenantId,
    clock,
    customer: c,
    staff,
    reseller,
    open: { id: open.id, number: open.number },
    other: { id: other.id, number: other.number },
    closed: { id: closed.id },
    deleted: { id: deleted.id },
    replyId: reply.id,
    attachmentId: reply.attachments[0]!.id,
    noteId: note.id,
    filterId: filter.id,
    cursor: page.nextCursor,
    event: events[0],
  };
}

/** One public method: its valid arguments (the actor first, where it takes one). */
export interface ServiceCall {
  name: string;
  /** Whether argument 0 is the actor. */
  actor: boolean;
  args(w: World): unknown[];
  /** Error codes this call may give besides the input ones (e.g. `config` without blobs). */
  extraCodes?: readonly string[];
}

const ctx = { ip: '127.0.0.1', userAgent: 'fuzz', requestId: 'r-1' };

/** Every public method of `TicketService` that takes input. */
export const SERVICE_CALLS: readonly ServiceCall[] = [
  {
    name: 'create',
    actor: true,
    args: (w) => [
      w.customer,
      { subject: 'Hostile', body: 'body', category: 'wifi', priority: 'high', addressedTo: 'operator' },
      ctx,
    ],
  },
  {
    name: 'create',
    actor: true,
    args: (w) => [
      w.staff,
      {
        subject: 'By staff',
        body: 'body',
        subscriberId: 'sub-x',
        status: 'pending',
        assigneeId: 'agent-1',
        deadlineAt: '2026-04-01T00:00:00Z',
        department: null,
      },
      ctx,
    ],
  },
  { name: 'get', actor: true, args: (w) => [w.staff, w.open.number, ctx] },
  { name: 'get', actor: true, args: (w) => [w.customer, w.open.id, ctx] },
  {
    name: 'list',
    actor: true,
    args: (w) => [
      w.staff,
      {
        status: ['open', 'in_progress'],
        priority: 'normal',
        category: ['wifi'],
        department: ['d'],
        assigneeId: 'me',
        subscriberId: w.customer.id,
        q: 'router',
        limit: 5,
        ...(w.cursor ? { cursor: w.cursor } : {}),
        sort: 'queue',
        archived: false,
        favorites: false,
        deleted: false,
        addressedTo: 'operator',
        createdFrom: '2026-01-01T00:00:00Z',
        createdTo: new Date('2027-01-01T00:00:00Z'),
      },
      ctx,
    ],
  },
  { name: 'list', actor: true, args: (w) => [w.customer, { q: 'router down', sort: 'relevance', limit: 2 }, ctx] },
  { name: 'addReply', actor: true, args: (w) => [w.staff, w.open.id, { body: 'reply', internal: false, status: 'pending', force: true }, ctx] },
  { name: 'addReply', actor: true, args: (w) => [w.customer, w.open.number, { body: 'customer reply' }, ctx] },
  {
    name: 'update',
    actor: true,
    args: (w) => [
      w.staff,
      w.open.id,
      {
        subject: 'New subject',
        category: 'billing',
        priority: 'urgent',
        department: null,
        status: 'on_hold',
        assigneeId: 'agent-2',
        deadlineAt: new Date('2026-05-01T00:00:00Z'),
        raised: true,
        expectedVersion: 1,
        force: false,
      },
      ctx,
    ],
  },
  { name: 'getStats', actor: true, args: (w) => [w.staff, { from: '2026-01-01T00:00:00Z', to: new Date('2026-12-01T00:00:00Z') }, ctx] },
  { name: 'audit', actor: true, args: (w) => [w.staff, w.open.id, ctx] },
  { name: 'merge', actor: true, args: (w) => [w.staff, w.other.id, w.open.id, ctx] },
  { name: 'split', actor: true, args: (w) => [w.staff, w.open.id, w.replyId, ctx] },
  { name: 'hideMessage', actor: true, args: (w) => [w.staff, w.replyId, ctx] },
  { name: 'unhideMessage', actor: true, args: (w) => [w.staff, w.replyId, ctx] },
  { name: 'editMessage', actor: true, args: (w) => [w.staff, w.replyId, 'edited *text*', ctx] },
  { name: 'lock', actor: true, args: (w) => [w.staff, w.open.id, { ttlSeconds: 60, force: false }, ctx] },
  { name: 'unlock', actor: true, args: (w) => [w.staff, w.open.id, { force: true }, ctx] },
  { name: 'favorite', actor: true, args: (w) => [w.staff, w.open.id, true, ctx] },
  { name: 'markRead', actor: true, args: (w) => [w.staff, w.open.id, ctx] },
  { name: 'saveFilter', actor: true, args: (w) => [w.staff, 'urgent ones', { priority: ['urgent'], sort: 'updated' }, ctx] },
  { name: 'listFilters', actor: true, args: (w) => [w.staff, ctx] },
  { name: 'deleteFilter', actor: true, args: (w) => [w.staff, w.filterId, ctx] },
  { name: 'archive', actor: true, args: (w) => [w.customer, w.closed.id, ctx] },
  { name: 'unarchive', actor: true, args: (w) => [w.staff, w.closed.id, ctx] },
  { name: 'delete', actor: true, args: (w) => [w.staff, w.other.id, ctx] },
  { name: 'restore', actor: true, args: (w) => [w.staff, w.deleted.id, ctx] },
  { name: 'getAttachment', actor: true, args: (w) => [w.customer, w.attachmentId, ctx] },
  { name: 'purgeAttachments', actor: true, args: (w) => [w.staff, w.deleted.id, ctx] },
  { name: 'bulk', actor: true, args: (w) => [w.staff, [w.open.id, w.other.number], { type: 'priority', priority: 'high' }, ctx] },
  { name: 'bulk', actor: true, args: (w) => [w.staff, [w.open.id], { type: 'assign', assigneeId: 'agent-3' }, ctx] },
  { name: 'runScheduledWork', actor: false, args: (w) => [{ now: w.clock.now(), limit: 10 }] },
  { name: 'flushEvents', actor: false, args: () => [{ limit: 10 }] },
  { name: 'listParkedEvents', actor: false, args: () => [{ limit: 10, cursor: null }] },
  { name: 'retryParkedEvents', actor: false, args: () => [['evt-1']] },
  {
    name: 'ingestEmail',
    actor: false,
    args: () => [
      'From: someone@example.com\r\nTo: support@example.com\r\nSubject: Help\r\nMessage-ID: <m1@example.com>\r\n\r\nBody\r\n',
      { receivedAt: new Date('2026-03-02T10:00:00Z') },
    ],
  },
  { name: 'emailFor', actor: false, args: (w) => [w.event, { language: 'en' }] },
  { name: 'dispatcher', actor: false, args: () => [{ handlers: {} }], extraCodes: ['config'] },
];
