/**
 * Shared pieces of the event tests: the stores they run on, a deterministic service (fixed
 * clock, counting ids) that records every emitted event, actors, and a store wrapper that
 * defers events the way a host transaction does.
 */
import { memoryStore } from '../../adapters/memory/index.js';
import { sqliteStore } from '../../adapters/sqlite/index.js';
import { createTicketService, type TicketEvent, type TicketService, type TicketServiceOptions } from '../../src/index.js';
import type { TicketStore } from '../../src/store.js';
import type { CustomerActor, StaffActor } from '../../src/types.js';

/** A store the event tests run on. */
export interface StoreKind {
  name: string;
  open(): Promise<TicketStore>;
  close(store: TicketStore): Promise<void>;
}

/** Memory and SQLite (a private in-memory database per test). */
export const STORES: StoreKind[] = [
  { name: 'memory', open: async () => memoryStore(), close: async () => undefined },
  {
    name: 'sqlite',
    open: async () => {
      const store = sqliteStore({ filename: ':memory:' });
      await store.migrate();
      return store;
    },
    close: async (store) => (store as ReturnType<typeof sqliteStore>).close(),
  },
];

/** The SLA policy of the contract suite: normal = 1 business day to respond, 16 business hours to resolve. */
export const SLA_CONFIG = {
  sla: {
    targets: {
      urgent: { firstResponse: { hours: 1 }, resolution: { hours: 4 } },
      high: { firstResponse: { hours: 4 } },
      normal: { firstResponse: { businessDays: 1 }, resolution: { businessHours: 16 } },
      low: { firstResponse: { businessDays: 3 } },
    },
  },
};

export const customer: CustomerActor = { kind: 'customer', id: 'sub-1', resellerId: null, name: 'Carla' };
export const staff: StaffActor = {
  kind: 'staff',
  id: 'agent-1',
  name: 'Alice',
  resellerId: null,
  permissions: ['tickets.view', 'tickets.create', 'tickets.edit', 'tickets.reply', 'tickets.delete'],
};

/** A clock the test moves by hand; starts Monday 2026-03-02 10:00 UTC. */
export class Clock {
  #now = Date.parse('2026-03-02T10:00:00.000Z');
  now = (): Date => new Date(this.#now);
  set(at: string): void {
    this.#now = Date.parse(at);
  }
  minutes(n: number): void {
    this.#now += n * 60_000;
  }
}

/** Ids `id-000001`, `id-000002`...: two runs of one script get the same ids. */
export function countingIds(): () => string {
  let n = 0;
  return () => `id-${String(++n).padStart(6, '0')}`;
}

/** `store`, but writing as inside a host transaction: events wait in the outbox. */
export function deferring(store: TicketStore): TicketStore {
  return new Proxy(store, {
    get(target, key) {
      if (key === 'deferEvents') return true;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** A service whose emitted events are recorded in `events`. */
export function recordingService(
  store: TicketStore,
  options: Partial<TicketServiceOptions> = {},
): { desk: TicketService; events: TicketEvent[] } {
  const desk = createTicketService({ store, tenantId: 'tenant-1', ...options });
  const events: TicketEvent[] = [];
  desk.events.on('*', (_type, event) => events.push(event as TicketEvent));
  return { desk, events };
}

/** Who an event tells, as `customer:<id>`, `staff:<id>` and `queue` keys. */
export function recipients(event: TicketEvent): string[] {
  const { customerId, staffIds, queue } = event.notify;
  return [
    ...(customerId === null ? [] : [`customer:${customerId}`]),
    ...staffIds.map((id) => `staff:${id}`),
    ...(queue ? ['queue'] : []),
  ];
}
