/**
 * The harness of the store-level contract tests: they call the store interface directly
 * (no service), each on a fresh store from `createStore` and a fresh random tenant.
 */
import type { StoreListQuery, StoreScope, TicketRow, TicketStore } from '../store.js';
import type { ContractOptions } from './harness.js';
import { tenant } from './rows.js';

/** What a store-level test gets. */
export interface StoreKit {
  store: TicketStore;
  /** A fresh tenant of this test. */
  tenantId: string;
  /** Another instance on the same data (`ContractOptions.secondStore`, else the same store). */
  second(): Promise<TicketStore>;
  /** Inserts the rows in one transaction. */
  insert(...rows: TicketRow[]): Promise<void>;
  /** A staff scope of the test's tenant (or `tenantId`), with extra conditions. */
  staff(extra?: Partial<StoreScope>, tenantId?: string): StoreScope;
  /** A customer scope of the test's tenant. */
  customer(subscriberId: string): StoreScope;
  /** A list query: newest first, 200 rows, with overrides. */
  list(over?: Partial<StoreListQuery>): StoreListQuery;
}

/** Wraps a store-level test body: makes a store and a tenant; always releases the store. */
export function withStore(options: ContractOptions, body: (kit: StoreKit) => Promise<void>): () => Promise<void> {
  return async () => {
    const store = await options.createStore();
    try {
      const tenantId = tenant();
      await body({
        store,
        tenantId,
        second: async () => (options.secondStore ? options.secondStore(store) : store),
        insert: (...rows) =>
          store.transaction(async (tx) => {
            for (const row of rows) await tx.insertTicket(row.tenantId, row);
          }),
        staff: (extra = {}, t = tenantId) => ({ tenantId: t, visibility: 'staff', ...extra }),
        customer: (subscriberId) => ({ tenantId, visibility: 'customer', subscriberId }),
        list: (over = {}) => ({ sort: 'newest', limit: 200, ...over }),
      });
    } finally {
      await options.destroyStore?.(store);
    }
  };
}

/** `promise`, or a rejection naming `what` if it has not settled within `ms` (a deadlock fails, not hangs). */
export async function within<T>(ms: number, promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
