/**
 * The stores the hostile-input tests run on, each with a snapshot of everything it holds:
 * memory, SQLite (temp file, WAL), Postgres (the server at `TICKETRY_PG_URL`, else
 * PGlite) and MySQL / MariaDB (`TICKETRY_MYSQL_URL`, else skipped with the reason, and
 * a failure under CI), made by the same fixtures as the contract suite files.
 *
 * A SQL store's snapshot is every row of every ticketry table, read through a separate
 * handle (not the store's code). The memory store's rows are private, so its snapshot is
 * what its reads return for every tenant the test used (tickets in every state, threads,
 * audit trails, attachments, stats, and each known staff member's marks and filters).
 */
import { LOGICAL_TABLES } from '../../adapters/sql/schema.js';
import { memoryStore } from '../../adapters/memory/index.js';
import type { TicketStore } from '../../src/store.js';
import {
  mysqlFixture,
  mysqlSkipReason,
  postgresFixture,
  POSTGRES_IS_REAL,
  sqliteFileFixture,
  type FixtureStore,
  type StoreFixture,
} from '../sql/stores.js';

/** A store made for one test, with a way to see all it holds. */
export interface HostileStore {
  readonly kind: string;
  /** The store, wrapped so commits that wrote are counted (reads and optional methods pass through). */
  readonly store: TicketStore;
  /** Everything the store holds, comparable with `assert.deepStrictEqual`. */
  snapshot(seen: readonly Seen[]): Promise<unknown>;
  /** Closes this store (its rows stay until the kind is closed). */
  release(): Promise<void>;
}

/** A tenant the test wrote to, and the staff whose own marks and filters it may have changed. */
export interface Seen {
  tenantId: string;
  staffIds: readonly string[];
}

/** One kind of store: opened per test file, closed after. */
export interface StoreKind {
  readonly name: string;
  /** Why this run skips it, or null. */
  readonly skip: string | null;
  open(): Promise<HostileStore>;
  close(): Promise<void>;
}

/** A JSON form of a row or read: dates, buffers and bigints made comparable, keys sorted. */
export function canonical(value: unknown): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (value instanceof Date) return `date:${Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString()}`;
  if (typeof value === 'bigint') return `bigint:${value}`;
  if (value instanceof Uint8Array) return `bytes:${Buffer.from(value).toString('base64')}`;
  if (Array.isArray(value)) return value.map(canonical);
  if (value instanceof Set) return [...value].map(canonical).sort();
  if (value instanceof Map) return [...value].map(([k, v]) => [canonical(k), canonical(v)]);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = canonical((value as Record<string, unknown>)[k]);
    return out;
  }
  return value;
}

/** Every row of every ticketry table that exists on this database, each table's rows sorted. */
async function sqlRows(f: FixtureStore, tables: readonly string[]): Promise<unknown> {
  const out: Record<string, string[]> = {};
  for (const t of tables) {
    const rows = await f.query(`select * from ${f.table(t as never)}`);
    out[t] = rows.map((r) => JSON.stringify(canonical(r))).sort();
  }
  return out;
}

/** The tables of this database (SQLite has the FTS tables, the others `message_search`). */
async function existingTables(f: FixtureStore): Promise<string[]> {
  const found: string[] = [];
  for (const t of LOGICAL_TABLES) {
    try {
      await f.query(`select count(*) as n from ${f.table(t as never)}`);
      found.push(t);
    } catch {
      // not on this dialect
    }
  }
  return found;
}

/** What the memory store's reads return for `tenants`: tickets (all states), threads, audit, filters, stats. */
export async function readEverything(store: TicketStore, seen: readonly Seen[]): Promise<unknown> {
  const out: unknown[] = [];
  for (const { tenantId, staffIds } of seen) {
    const scope = { tenantId, visibility: 'staff' as const };
    const tickets = [];
    for (const deleted of [false, true]) {
      const listScope = deleted ? { ...scope, includeDeleted: true } : scope;
      let after: { at: Date | null; id: string } | undefined;
      for (;;) {
        const rows = await store.listTickets(listScope, { sort: 'oldest', limit: 200, deleted, ...(after ? { after } : {}) });
        tickets.push(...rows);
        if (rows.length < 200) break;
        const last = rows.at(-1)!;
        after = { at: last.createdAt, id: last.id };
      }
    }
    const threads = [];
    for (const t of tickets) {
      threads.push({
        messages: await store.listMessages(scope, t.id),
        audit: await store.listAudit(tenantId, t.id),
        attachments: await store.listTicketAttachments(tenantId, t.id),
      });
    }
    const staff = [];
    for (const staffId of staffIds) {
      const marks = await store.listTickets({ ...scope, includeDeleted: true }, { sort: 'oldest', limit: 200, viewerId: staffId });
      staff.push({
        staffId,
        filters: await store.listFilters(tenantId, staffId),
        marks: marks.map((t) => ({ id: t.id, favorite: t.favorite, readAt: t.readAt })),
      });
    }
    const stats = await store.getStats(scope, { unresolved: ['open', 'in_progress', 'pending', 'on_hold'], firstResponseOf: ['customer'] });
    out.push({ tenantId, tickets, threads, staff, stats });
  }
  return canonical(out);
}

/** A fixture-made SQL store kind. */
function sqlKind(name: string, skip: string | null, make: () => StoreFixture): StoreKind {
  let fixture: StoreFixture | undefined;
  return {
    name,
    skip,
    async open() {
      fixture ??= make();
      const f = await fixture.create();
      const tables = await existingTables(f);
      return {
        kind: name,
        store: f.store,
        snapshot: async () => sqlRows(f, tables),
        // The fixture drops its schema / database at the end; closing twice is harmless.
        release: () => f.store.close(),
      };
    },
    async close() {
      await fixture?.dispose();
      fixture = undefined;
    },
  };
}

/** Every store kind of this run, in a fixed order. `only` (a comma list of names) narrows it. */
export function storeKinds(only = process.env.TICKETRY_FUZZ_STORES): StoreKind[] {
  let mysqlSkip: string | null;
  try {
    mysqlSkip = mysqlSkipReason();
  } catch (err) {
    // CI without a server: fail the tests, not the import.
    mysqlSkip = null;
    void err;
  }
  const kinds: StoreKind[] = [
    {
      name: 'memory',
      skip: null,
      async open() {
        const store = memoryStore();
        return { kind: 'memory', store, snapshot: (seen) => readEverything(store, seen), release: async () => undefined };
      },
      async close() {},
    },
    sqlKind('sqlite', null, sqliteFileFixture),
    sqlKind(POSTGRES_IS_REAL ? 'postgres' : 'postgres (PGlite)', null, postgresFixture),
    sqlKind('mysql', mysqlSkip, mysqlFixture),
  ];
  if (!only) return kinds;
  const wanted = only.split(',').map((s) => s.trim());
  return kinds.filter((k) => wanted.some((w) => k.name.startsWith(w)));
}
