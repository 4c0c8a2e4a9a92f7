/**
 * How a SQL store tells dispatchers that events were queued (`subscribeOutbox`), so they
 * wake without tight polling. Postgres sends `NOTIFY` inside the writing transaction and
 * `LISTEN`s on a connection of its own (`adapters/postgres/postgres-wake.ts`); SQLite
 * wakes the dispatchers of the same store instance after commit (`localOutboxWake`);
 * MySQL has none and its dispatchers poll.
 */
import type { QueryContext } from './query-context.js';

/** A store's wake-up channel for queued events. */
export interface OutboxWake {
  /**
   * Runs inside the transaction that queued events for `tenantId`, once per tenant and
   * transaction (Postgres: `pg_notify`, which the server delivers at commit, and never
   * for a rollback). Also run, outside a transaction, after a requeue.
   */
  queued?(ctx: QueryContext, tenantId: string): Promise<void>;
  /** Called after that transaction committed (or a requeue), in this process. */
  committed?(tenantId: string): void;
  /** Calls `onWake` when events of the tenant may have been queued; resolves to an unsubscribe. */
  subscribe?(tenantId: string, onWake: () => void): Promise<() => Promise<void>>;
  /** Releases what the channel holds (a listening connection). */
  close?(): Promise<void>;
}

/** The dispatchers of each tenant, and a safe way to call them. */
export class WakeListeners {
  readonly #byTenant = new Map<string, Set<() => void>>();

  get size(): number {
    let n = 0;
    for (const set of this.#byTenant.values()) n += set.size;
    return n;
  }

  tenants(): string[] {
    return [...this.#byTenant.keys()];
  }

  add(tenantId: string, onWake: () => void): () => void {
    const own = () => onWake();
    let set = this.#byTenant.get(tenantId);
    if (!set) this.#byTenant.set(tenantId, (set = new Set()));
    set.add(own);
    return () => {
      set.delete(own);
      if (set.size === 0 && this.#byTenant.get(tenantId) === set) this.#byTenant.delete(tenantId);
    };
  }

  /** Wakes the tenant's listeners on a later tick: never inside the caller's commit path. */
  wake(tenantId: string): void {
    const set = this.#byTenant.get(tenantId);
    if (!set) return;
    for (const listener of [...set]) {
      setImmediate(() => {
        try {
          listener();
        } catch (err) {
          console.error('ticketry: an outbox wake-up listener threw', err);
        }
      });
    }
  }

  wakeAll(): void {
    for (const tenantId of this.tenants()) this.wake(tenantId);
  }
}

/**
 * In-process wake-ups: a commit that queued events wakes this store instance's
 * dispatchers. Writers in other processes (SQLite on a shared file) are found by polling.
 */
export function localOutboxWake(): OutboxWake {
  const listeners = new WakeListeners();
  return {
    committed: (tenantId) => listeners.wake(tenantId),
    subscribe: async (tenantId, onWake) => {
      const remove = listeners.add(tenantId, onWake);
      return async () => remove();
    },
  };
}
