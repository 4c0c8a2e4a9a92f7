/**
 * `runCached`: a statement compiled once per store runs with each call's own values, and
 * a statement whose values do not all end up as bound parameters is never reused.
 */
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import {
  StatementCache,
  StatementKeyError,
  insertRow,
  runCached,
  scopeArgCount,
  scopeFromArgs,
  scopeParts,
  ticketScope,
  type QueryContext,
  type WithTicketAlias,
} from '../../adapters/sql/query-context.js';
import type { StoreScope } from '../../src/store.js';
import type { TicketryDatabase } from '../../adapters/sql/schema.js';
import { TableNamePlugin, tableNames } from '../../adapters/sql/table-names.js';
import { sqliteHooks } from '../../adapters/sqlite/sqlite-hooks.js';

const database = new Database(':memory:');
database.exec(`create table pre_counters (tenant_id text, key text, value integer, primary key (tenant_id, key))`);
const sent: string[] = [];
const db = new Kysely<TicketryDatabase>({
  dialect: new SqliteDialect({ database }),
  log: (event) => {
    if (event.level === 'query') sent.push(event.query.sql);
  },
}).withPlugin(new TableNamePlugin(tableNames('pre_')));
afterAll(() => db.destroy());
const hooks = sqliteHooks();

const select = (ctx: QueryContext, tenant: string, key: string) =>
  runCached(ctx, 'select counter', [tenant, key], ([t, k]) =>
    ctx.db.selectFrom('counters').select('value').where('tenant_id', '=', t as string).where('key', '=', k as string),
  );

describe('runCached', () => {
  it('compiles a statement once per key and binds each call its own values', async () => {
    const ctx: QueryContext = { db, hooks, statements: new StatementCache() };
    for (const [tenant, key, value] of [['a', 'x', 1], ['a', 'y', 2], ['b', 'x', 3]] as const) {
      expect(await insertRow(ctx, 'counters', { tenant_id: tenant, key, value })).toBe(true);
    }
    expect(ctx.statements!.size).toBe(1);
    // The renamed table, and a duplicate key skipped rather than failing.
    expect(await insertRow(ctx, 'counters', { tenant_id: 'a', key: 'x', value: 9 }, true)).toBe(false);
    expect(database.prepare('select value from pre_counters where tenant_id = ? and key = ?').get('a', 'x')).toEqual({ value: 1 });

    sent.length = 0;
    expect((await select(ctx, 'a', 'y')).rows).toEqual([{ value: 2 }]);
    expect((await select(ctx, 'b', 'x')).rows).toEqual([{ value: 3 }]);
    expect((await select(ctx, 'b', 'y')).rows).toEqual([]);
    expect(new Set(sent)).toEqual(new Set(['select "value" from "pre_counters" where "tenant_id" = ? and "key" = ?']));
    expect(ctx.statements!.size).toBe(3);
  });

  it('leaves a column whose value is undefined to its default, as a statement of its own', async () => {
    const ctx: QueryContext = { db, hooks, statements: new StatementCache() };
    await insertRow(ctx, 'counters', { tenant_id: 'c', key: 'x', value: undefined });
    await insertRow(ctx, 'counters', { tenant_id: 'c', key: 'y', value: 5 });
    expect(database.prepare("select key, value from pre_counters where tenant_id = 'c' order by key").all()).toEqual([
      { key: 'x', value: null },
      { key: 'y', value: 5 },
    ]);
    expect(ctx.statements!.size).toBe(2);
  });

  it('never reuses a statement whose value was inlined or transformed, and still runs it right', async () => {
    const ctx: QueryContext = { db, hooks, statements: new StatementCache() };
    // The value written into the SQL text: a template would keep the first call's value.
    const inlined = (tenant: string) =>
      runCached(ctx, 'inlined', [tenant], ([t]) =>
        ctx.db.selectFrom('counters').select('key').where('tenant_id', '=', sql.lit(t as string)).orderBy('key'),
      );
    expect((await inlined('a')).rows).toEqual([{ key: 'x' }, { key: 'y' }]);
    expect((await inlined('b')).rows).toEqual([{ key: 'x' }]);
    // The value inside a longer bound value: a template would bind the placeholder text.
    const wrapped = (prefix: string) =>
      runCached(ctx, 'wrapped', [prefix], ([p]) =>
        ctx.db.selectFrom('counters').select('tenant_id').where('tenant_id', 'like', `${String(p)}%`).groupBy('tenant_id'),
      );
    expect((await wrapped('a')).rows).toEqual([{ tenant_id: 'a' }]);
    expect((await wrapped('b')).rows).toEqual([{ tenant_id: 'b' }]);
    expect(ctx.statements!.get('inlined')).toBeNull();
    expect(ctx.statements!.get('wrapped')).toBeNull();
  });

  it('compiles every time without a cache, and keeps at most `limit` statements', async () => {
    const bare: QueryContext = { db, hooks };
    expect((await select(bare, 'a', 'x')).rows).toEqual([{ value: 1 }]);
    const small: QueryContext = { db, hooks, statements: new StatementCache(2) };
    for (const key of ['k1', 'k2', 'k3']) {
      await runCached(small, key, ['a'], ([t]) => small.db.selectFrom('counters').select('key').where('tenant_id', '=', t as string));
    }
    expect(small.statements!.size).toBe(2);
    expect(small.statements!.get('k1')).toBeUndefined();
  });
});

describe('StatementCache.checkKeys', () => {
  it('is on in the test suite, and fails a call whose statement differs from the one its key compiled', async () => {
    expect(StatementCache.checkKeys).toBe(true);
    const ctx: QueryContext = { db, hooks, statements: new StatementCache() };
    // A key that leaves out what the SQL text depends on (whether a key filter is given).
    const sloppy = (tenant: string, key?: string) =>
      runCached(ctx, 'counters of a tenant', key === undefined ? [tenant] : [tenant, key], ([t, k]) => {
        const query = ctx.db.selectFrom('counters').select('value').where('tenant_id', '=', t as string);
        return k === undefined ? query : query.where('key', '=', k as string);
      });
    expect((await sloppy('a')).rows).toHaveLength(2);
    expect((await sloppy('b')).rows).toHaveLength(1);
    await expect(sloppy('a', 'x')).rejects.toBeInstanceOf(StatementKeyError);
    // A constant of the statement that depends on an argument's value: the same text, other values.
    const constant = (tenant: string, limit: number) =>
      runCached(ctx, 'first counters', [tenant], ([t]) =>
        ctx.db.selectFrom('counters').select('value').where('tenant_id', '=', t as string).limit(limit),
      );
    expect((await constant('a', 1)).rows).toHaveLength(1);
    await expect(constant('a', 2)).rejects.toThrow(/first counters/);
  });
});

describe('scopeParts', () => {
  // Every field of a scope: a new field in StoreScope fails to compile here until it is
  // added (and, if ticketScope reads it, to scopeParts).
  const full: Required<StoreScope> = {
    tenantId: 't1',
    visibility: 'customer',
    includeDeleted: true,
    subscriberId: 'sub-1',
    resellerId: 'res-1',
    requesterResellerId: 'res-2',
    addressedTo: 'reseller',
  };
  const optional = ['includeDeleted', 'subscriberId', 'resellerId', 'requesterResellerId', 'addressedTo'] as const;
  const compiled = (scope: StoreScope) =>
    (db as unknown as Kysely<WithTicketAlias>).selectFrom('tickets as t').select('t.id').where((eb) => ticketScope(eb, scope)).compile();

  it('takes a scope apart and back so ticketScope writes the same SQL with the same values, for every combination', () => {
    const shapes = new Set<string>();
    for (let mask = 0; mask < 3 ** optional.length; mask++) {
      const scope: Record<string, unknown> = { tenantId: full.tenantId, visibility: mask % 2 ? 'staff' : 'customer' };
      let m = mask;
      for (const field of optional) {
        const pick = m % 3; // 0: absent, 1: set, 2: null (where the field may be null)
        m = Math.floor(m / 3);
        if (pick === 1) scope[field] = full[field];
        else if (pick === 2 && field === 'requesterResellerId') scope[field] = null;
        else if (pick === 2 && field === 'includeDeleted') scope[field] = false;
      }
      const { shape, args } = scopeParts(scope as unknown as StoreScope);
      shapes.add(shape);
      expect(args.length).toBe(scopeArgCount(shape));
      const back = scopeFromArgs(shape, ['x', ...args], 1);
      const [a, b] = [compiled(scope as unknown as StoreScope), compiled(back)];
      expect(b.sql).toBe(a.sql);
      expect(b.parameters).toEqual(a.parameters);
      expect(back.visibility).toBe(scope.visibility);
    }
    // Different scopes that write different SQL have different shapes.
    expect(shapes.size).toBeGreaterThan(40);
  });
});
