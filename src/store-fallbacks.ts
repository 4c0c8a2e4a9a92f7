/**
 * Fallbacks for the store interface's optional methods. A method added to the interface
 * after release is declared optional, with a fallback here built only from required
 * methods (unstorage's `getItems` falling back to `getItem`): a store written before the
 * method existed keeps compiling and working, and implementing it is an optimisation.
 *
 * The core never calls an optional method directly: it wraps the host's store once,
 * `const store = withStoreFallbacks(options.store)`, and calls the result.
 */
import { requireObject } from './guard.js';
import { SLA_ALERTS, SLA_TARGETS } from './sla/sla-fields.js';
import type { ScheduledWorkProbe, StoreScope, TicketStore } from './store.js';
import type { Ticket } from './types.js';

/** A store whose optional methods are all present (native or fallback). */
export type CompleteTicketStore = TicketStore &
  Required<Pick<TicketStore, 'findTickets' | 'probeScheduledWork' | 'readMarkOf' | 'markRead'>>;

/** The optional methods, each with its fallback built on `store`'s required ones. */
const FALLBACKS = {
  findTickets: (store: TicketStore) => (scope: StoreScope, refs: readonly string[]) => findTicketsFallback(store, scope, refs),
  probeScheduledWork: () => probeScheduledWorkFallback,
  readMarkOf: () => readMarkOfFallback,
  markRead: (store: TicketStore) => (tenantId: string, staffId: string, ticketId: string, at: Date) =>
    store.transaction((tx) => tx.markRead(tenantId, staffId, ticketId, at)),
};
type OptionalMethod = keyof typeof FALLBACKS;
const OPTIONAL = Object.keys(FALLBACKS) as OptionalMethod[];

/** The fallback of `probeScheduledWork`: everything may be due, so every claim runs. */
export async function probeScheduledWorkFallback(): Promise<ScheduledWorkProbe> {
  return { slaAlerts: SLA_ALERTS.flatMap((kind) => SLA_TARGETS.map((target) => ({ target, kind }))), undelivered: true };
}

/**
 * The fallback of `findTickets`: one `findTicket` per ref, in order, refs that find
 * nothing (or a ticket already found) left out.
 */
export async function findTicketsFallback(
  store: Pick<TicketStore, 'findTicket'>,
  scope: StoreScope,
  refs: readonly string[],
): Promise<Ticket[]> {
  const found = await Promise.all(refs.map((ref) => store.findTicket(scope, ref)));
  const seen = new Set<string>();
  return found.filter((t): t is Ticket => t !== null && !seen.has(t.id) && Boolean(seen.add(t.id)));
}

/** The fallback of `readMarkOf`: no mark known, so `get` moves it. */
export async function readMarkOfFallback(): Promise<Date | null> {
  return null;
}

/**
 * `store` with every optional method present: the store's own where it has one, the
 * fallback otherwise. Other members (its `transaction`, `deferEvents`, a SQL store's
 * `migrate`) are the store's own, called on the store.
 */
export function withStoreFallbacks(store: TicketStore): CompleteTicketStore {
  requireObject(store, 'store', 'withStoreFallbacks');
  const missing = OPTIONAL.filter((name) => typeof store[name] !== 'function');
  if (missing.length === 0) return store as CompleteTicketStore;
  const fallbacks = new Map<PropertyKey, unknown>(missing.map((name) => [name, FALLBACKS[name](store)]));
  return new Proxy(store, {
    get(target, prop) {
      if (fallbacks.has(prop)) return fallbacks.get(prop);
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as CompleteTicketStore;
}
