/**
 * A list page without a search runs as a statement compiled once per shape
 * (`cachedPage` in adapters/sql/list-queries.ts). Whatever the filters, scope, sort and
 * cursor, and however often a shape comes back with other values, it must send exactly
 * the SQL and parameters the page built anew sends, on every dialect. No database: the
 * statements go to a driver that records them.
 */
import fc from 'fast-check';
import {
  Kysely,
  MysqlAdapter,
  MysqlIntrospector,
  MysqlQueryCompiler,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
} from 'kysely';
import { describe, expect, it } from 'vitest';
import { mysqlHooks } from '../../adapters/mysql/mysql-hooks.js';
import { postgresHooks } from '../../adapters/postgres/postgres-hooks.js';
import type { SqlDialectHooks } from '../../adapters/sql/dialect-hooks.js';
import { listTickets } from '../../adapters/sql/list-queries.js';
import { StatementCache, type QueryContext } from '../../adapters/sql/query-context.js';
import { TableNamePlugin, tableNames } from '../../adapters/sql/table-names.js';
import { sqliteHooks } from '../../adapters/sqlite/sqlite-hooks.js';
import type { StoreListQuery, StoreScope } from '../../src/store.js';

/** A Kysely dialect whose driver records each statement and returns no rows. */
function recording(kind: 'sqlite' | 'postgres' | 'mysql', sent: CompiledQuery[]): Dialect {
  const connection: DatabaseConnection = {
    async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
      sent.push(query);
      return { rows: [] };
    },
    async *streamQuery() {
      throw new Error('not used');
    },
  };
  const driver: Driver = {
    init: async () => undefined,
    acquireConnection: async () => connection,
    beginTransaction: async () => undefined,
    commitTransaction: async () => undefined,
    rollbackTransaction: async () => undefined,
    releaseConnection: async () => undefined,
    destroy: async () => undefined,
  };
  const parts = {
    sqlite: [SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler],
    postgres: [PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler],
    mysql: [MysqlAdapter, MysqlIntrospector, MysqlQueryCompiler],
  } as const;
  const [Adapter, Introspector, Compiler] = parts[kind];
  return {
    createAdapter: () => new Adapter(),
    createDriver: () => driver,
    createIntrospector: (db) => new Introspector(db),
    createQueryCompiler: () => new Compiler(),
  };
}

const DIALECTS: [string, 'sqlite' | 'postgres' | 'mysql', SqlDialectHooks][] = [
  ['sqlite', 'sqlite', sqliteHooks()],
  ['postgres', 'postgres', postgresHooks()],
  ['mysql', 'mysql', mysqlHooks({ driverDates: 'string' })],
];

const few = <T>(...values: T[]) => fc.constantFrom(...values);
const date = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2027, 0, 1) }).map((ms) => new Date(ms));

const scopeArb: fc.Arbitrary<StoreScope> = fc.record(
  {
    tenantId: few('t1', 't2'),
    visibility: few('customer' as const, 'staff' as const),
    subscriberId: few('sub-1', 'sub-2'),
    resellerId: few('r-1', 'r-2'),
    requesterResellerId: few(null, 'r-1', 'r-3'),
    addressedTo: few('reseller' as const, 'operator' as const),
    includeDeleted: fc.boolean(),
  },
  { requiredKeys: ['tenantId', 'visibility'] },
);

const queryArb: fc.Arbitrary<StoreListQuery> = fc.record(
  {
    status: fc.subarray(['open', 'in_progress', 'pending', 'on_hold', 'resolved', 'closed'] as const),
    priority: fc.subarray(['low', 'normal', 'high', 'urgent']),
    category: fc.subarray(['billing', 'wifi', 'other']),
    department: fc.subarray(['noc', 'sales']),
    assigneeId: few(null, 'staff-1', 'staff-2'),
    subscriberId: few('sub-1', 'sub-3'),
    archived: fc.boolean(),
    deleted: fc.boolean(),
    addressedTo: few('reseller' as const, 'operator' as const),
    viewerId: few('staff-1', 'staff-2'),
    favorites: fc.boolean(),
    createdFrom: date,
    createdTo: date,
    sort: few('queue' as const, 'newest' as const, 'oldest' as const, 'updated' as const, 'waiting' as const),
    limit: fc.integer({ min: 1, max: 201 }),
    after: fc.record(
      { at: fc.option(date, { nil: null }), attention: fc.integer({ min: 0, max: 3 }), id: few('tk-1', 'tk-2', 'tk-9') },
      { requiredKeys: ['at', 'id'] },
    ),
  },
  { requiredKeys: ['sort', 'limit'] },
);

/** Other values of the same shape: every value from its pool, presence and list lengths kept. */
function revalued(scope: StoreScope, q: StoreListQuery, seed: number): [StoreScope, StoreListQuery] {
  const pick = <T>(pool: readonly T[], i: number) => pool[(seed + i) % pool.length]!;
  const s: StoreScope = { ...scope, tenantId: pick(['t1', 't2', 't3'], 0) };
  if (s.subscriberId !== undefined) s.subscriberId = pick(['sub-1', 'sub-2', 'sub-4'], 1);
  if (s.resellerId !== undefined) s.resellerId = pick(['r-1', 'r-2', 'r-5'], 2);
  if (typeof s.requesterResellerId === 'string') s.requesterResellerId = pick(['r-1', 'r-3', 'r-6'], 3);
  const out: StoreListQuery = { ...q, limit: 1 + ((q.limit + seed) % 201) };
  if (q.status) out.status = q.status.map((_, i) => pick(['open', 'pending', 'closed'] as const, i + 4));
  if (q.priority) out.priority = q.priority.map((_, i) => pick(['low', 'urgent'], i + 5));
  if (q.category) out.category = q.category.map((_, i) => pick(['wifi', 'x'], i + 6));
  if (q.department) out.department = q.department.map((_, i) => pick(['noc', 'y'], i + 7));
  if (typeof q.assigneeId === 'string') out.assigneeId = pick(['staff-1', 'staff-3'], 8);
  if (q.subscriberId !== undefined) out.subscriberId = pick(['sub-1', 'sub-5'], 9);
  if (q.viewerId !== undefined) out.viewerId = pick(['staff-2', 'staff-4'], 10);
  if (q.archived !== undefined) out.archived = !q.archived;
  if (q.createdFrom) out.createdFrom = new Date(q.createdFrom.getTime() + seed * 1000);
  if (q.createdTo) out.createdTo = new Date(q.createdTo.getTime() - seed * 7);
  if (q.after) {
    out.after = {
      ...q.after,
      at: q.after.at === null ? null : new Date(q.after.at.getTime() + seed),
      id: pick(['tk-3', 'tk-4'], 11),
      ...(q.after.attention === undefined ? {} : { attention: (q.after.attention + seed) % 4 }),
    };
  }
  return [s, out];
}

/** Shapes next to `q`: each field dropped, each flag flipped (a key that missed one would serve its neighbour's statement). */
function neighbours(q: StoreListQuery): StoreListQuery[] {
  const out: StoreListQuery[] = [];
  for (const field of Object.keys(q) as (keyof StoreListQuery)[]) {
    if (field === 'sort' || field === 'limit') continue;
    const { [field]: _, ...rest } = q;
    out.push(rest as StoreListQuery);
  }
  out.push({ ...q, deleted: !q.deleted }, { ...q, favorites: !q.favorites });
  if (q.assigneeId !== undefined) out.push({ ...q, assigneeId: q.assigneeId === null ? 'staff-9' : null });
  if (q.after) out.push({ ...q, after: { ...q.after, at: q.after.at === null ? new Date(0) : null } });
  for (const sort of ['queue', 'newest', 'oldest', 'updated', 'waiting'] as const) out.push({ ...q, sort });
  return out;
}

/** A statement cache that counts the statements it could not keep. */
class CountingCache extends StatementCache {
  uncacheable = 0;
  hits = 0;
  override get(key: string) {
    const template = super.get(key);
    if (template) this.hits++;
    return template;
  }
  override set(key: string, template: Parameters<StatementCache['set']>[1]) {
    if (template === null) this.uncacheable++;
    super.set(key, template);
  }
}

describe('list pages compiled once per shape', () => {
  for (const [name, kind, hooks] of DIALECTS) {
    it(`send what a page built anew sends, every shape cached (${name})`, async () => {
      const sent: CompiledQuery[] = [];
      const db = new Kysely<any>({ dialect: recording(kind, sent) }).withPlugin(new TableNamePlugin(tableNames('ticketry_')));
      const statements = new CountingCache(100_000);
      const cached: QueryContext = { db, hooks, statements };
      const anew: QueryContext = { db, hooks };
      const same = async (scope: StoreScope, q: StoreListQuery) => {
        sent.length = 0;
        await listTickets(cached, scope, q);
        await listTickets(anew, scope, q);
        expect(sent).toHaveLength(2);
        expect(sent[0]!.sql).toBe(sent[1]!.sql);
        expect(sent[0]!.parameters).toStrictEqual(sent[1]!.parameters);
      };
      // One cache across every run: each shape comes back with other values, and its
      // neighbours (a field less, a flag flipped, another sort) come right after it.
      await fc.assert(
        fc.asyncProperty(scopeArb, queryArb, fc.nat(1000), async (scope, q, seed) => {
          await same(scope, q);
          await same(...revalued(scope, q, seed));
          for (const near of neighbours(q)) {
            await same(scope, near);
            await same(...revalued(scope, near, seed + 1));
          }
        }),
        { numRuns: 50 },
      );
      expect(statements.uncacheable).toBe(0);
      expect(statements.hits).toBeGreaterThan(300);
    });
  }
});
