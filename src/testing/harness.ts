/**
 * Shared pieces of the store contract suite: the options a store passes in, actors, a
 * controllable clock, a directory, and helpers to assert typed errors.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { TicketError, type TicketErrorCode } from '../errors.js';
import type { TicketEvent } from '../index.js';
import type { BlobStoreFactory } from './attachment-blobs.js';
import type { TicketStore } from '../store.js';
import { createTicketService, type TicketService, type TicketServiceOptions } from '../index.js';
import type {
  CustomerActor,
  Directory,
  DirectoryStaff,
  DirectorySubscriber,
  Permission,
  StaffActor,
  SystemActor,
} from '../types.js';

/** A test-framework function that registers a test or a group (vitest, jest, node:test...). */
export type TestFn = (name: string, fn: () => Promise<void> | void, timeout?: number) => void;

/** What a store passes to `runStoreContract`. */
export interface ContractOptions<S extends TicketStore = TicketStore> {
  /** Shown in the test names. */
  name: string;
  /**
   * Returns a ready (migrated) store. Called once per test; the suite also uses a fresh
   * random tenant id in every test, so a factory may hand out one shared store.
   */
  createStore: () => Promise<S> | S;
  /** Releases what `createStore` made. Called after each test. */
  destroyStore?: (store: S) => Promise<void> | void;
  describe: (name: string, fn: () => void) => void;
  it: TestFn;
  /** Scales the concurrency tests down for slow stores (1 = as specified). @default 1 */
  concurrencyScale?: number;
  /**
   * Another handle on the same data, as a second app instance would open it (its own
   * pool), for the tests where two instances race. Absent: the same store is used twice.
   */
  secondStore?: (store: S) => Promise<TicketStore> | TicketStore;
  /**
   * Blob stores the attachment tests run with, each made fresh per test (on the test's
   * clock). Absent: an in-memory test double.
   */
  blobStores?: readonly BlobStoreFactory[];
}

export const ALL: Permission[] = [
  'tickets.view',
  'tickets.view_all',
  'tickets.create',
  'tickets.edit',
  'tickets.reply',
  'tickets.delete',
];
const STAFF_DEFAULT: Permission[] = ['tickets.view', 'tickets.create', 'tickets.edit', 'tickets.reply'];

/**
 * The subscribers `customer()` made, with their resellers: what a host's directory would
 * say about them, since a host builds the actor from the same records. (The directory,
 * not the actor, decides a subscriber's reseller.)
 */
const KNOWN_SUBSCRIBERS = new Map<string, string | null>();

export const customer = (id = `sub-${randomUUID()}`, resellerId: string | null = null): CustomerActor => {
  KNOWN_SUBSCRIBERS.set(id, resellerId);
  return { kind: 'customer', id, resellerId, name: `Customer ${id.slice(0, 8)}` };
};

export const operator = (permissions: Permission[] = STAFF_DEFAULT, id = `op-${randomUUID()}`): StaffActor => ({
  kind: 'staff',
  id,
  name: `Operator ${id.slice(0, 8)}`,
  resellerId: null,
  permissions,
});

export const resellerStaff = (
  resellerId: string,
  permissions: Permission[] = STAFF_DEFAULT,
  id = `rs-${randomUUID()}`,
): StaffActor => ({ kind: 'staff', id, name: `Reseller staff ${id.slice(0, 8)}`, resellerId, permissions });

export const system: SystemActor = { kind: 'system' };

/** A clock the test moves by hand. */
export class TestClock {
  #now: number;
  constructor(start: Date | string = '2026-03-02T10:00:00.000Z') {
    this.#now = new Date(start).getTime();
  }
  now = (): Date => new Date(this.#now);
  set(at: Date | string): void {
    this.#now = new Date(at).getTime();
  }
  advance(ms: number): Date {
    this.#now += ms;
    return this.now();
  }
  minutes(n: number): Date {
    return this.advance(n * 60_000);
  }
  hours(n: number): Date {
    return this.advance(n * 3_600_000);
  }
}

/** An in-test directory of subscribers and staff. */
export class TestDirectory implements Directory {
  readonly subscribers = new Map<string, DirectorySubscriber>();
  readonly staff = new Map<string, DirectoryStaff>();
  addSubscriber(id: string, resellerId: string | null, name = `Subscriber ${id}`): void {
    this.subscribers.set(id, { id, resellerId, name });
  }
  addStaff(id: string, name: string): void {
    this.staff.set(id, { id, name });
  }
  /**
   * When false (the default), subscribers made by `customer()` are known with their
   * reseller, other unknown ids are operator-level subscribers, and staff are nameless.
   * When true, only what was added is known.
   */
  strict = false;
  getSubscriber(id: string) {
    const known = this.subscribers.get(id);
    if (known || this.strict) return known ?? null;
    return { id, resellerId: KNOWN_SUBSCRIBERS.get(id) ?? null };
  }
  getStaff(id: string) {
    return this.staff.get(id) ?? (this.strict ? null : { id });
  }
}

/** A service on a store, with its clock and a log of emitted events. */
export interface Desk {
  desk: TicketService;
  store: TicketStore;
  clock: TestClock;
  directory: TestDirectory;
  events: TicketEvent[];
  tenantId: string;
  /** Another service on the same store and tenant (a second app instance). */
  peer(overrides?: Partial<TicketServiceOptions>): TicketService;
}

/** Wraps each test body: makes a store, a tenant and a service; always releases the store. */
export function withDesk(
  options: ContractOptions,
  body: (d: Desk) => Promise<void>,
  serviceOptions: Partial<TicketServiceOptions> = {},
): () => Promise<void> {
  return async () => {
    const store = await options.createStore();
    try {
      const clock = new TestClock();
      const directory = new TestDirectory();
      const tenantId = `t-${randomUUID()}`;
      const make = (overrides: Partial<TicketServiceOptions> = {}) =>
        createTicketService({ store, tenantId, clock: clock.now, directory, ...serviceOptions, ...overrides });
      const desk = make();
      const events: TicketEvent[] = [];
      desk.events.on('*', (_type, event) => events.push(event as TicketEvent));
      await body({ desk, store, clock, directory, events, tenantId, peer: make });
    } finally {
      await options.destroyStore?.(store);
    }
  };
}

/** Asserts that `promise` rejects with a `TicketError` of `code` (and, if given, naming `field`). */
export async function rejectsWith(
  promise: Promise<unknown>,
  code: TicketErrorCode,
  expect: { field?: string; message?: RegExp } = {},
): Promise<TicketError> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught !== undefined, `expected a ${code} error, but the call succeeded`);
  assert.ok(TicketError.is(caught), `expected a TicketError, got ${String(caught)}`);
  assert.equal(caught.code, code, `expected code ${code}, got ${caught.code}: ${caught.message}`);
  if (expect.field !== undefined) assert.equal(caught.params.field, expect.field, caught.message);
  if (expect.message) assert.match(caught.message, expect.message);
  return caught;
}

/** Runs `n` async tasks at once. */
export function parallel<T>(n: number, task: (i: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => task(i)));
}

export { ticketRow } from './rows.js';

export { assert };
