/**
 * What every query function runs on: a Kysely executor (the store's database, one
 * connection inside a transaction, or a host's transaction), the dialect's hooks, and
 * the store's compiled statements (`runCached`).
 */
import type {
  Compilable,
  CompiledQuery,
  DatabaseConnection,
  Expression,
  ExpressionBuilder,
  InsertQueryBuilder,
  InsertResult,
  Kysely,
  QueryResult,
  SelectQueryBuilder,
  SqlBool,
} from 'kysely';
import type { StoreScope } from '../../src/store.js';
import type { SqlDialectHooks } from './dialect-hooks.js';
import type { TicketTable, TicketryDatabase } from './schema.js';

/** The executor and hooks a query runs with. */
export interface QueryContext {
  readonly db: Kysely<TicketryDatabase>;
  readonly hooks: SqlDialectHooks;
  /** The store's compiled statements (`runCached`); absent: every statement is built and compiled anew. */
  readonly statements?: StatementCache;
  /**
   * The driver connection `db` is bound to, inside a transaction the store opened: a
   * compiled statement (`runCached`) runs on it directly, without Kysely's executor
   * (its connection provider, plugins and result transform add a chain of promises to
   * every statement, and ticketry's only plugin leaves results as they are). Absent,
   * a compiled statement takes a connection from `db`'s provider.
   */
  readonly connection?: DatabaseConnection;
}

/** The database as seen by a query on `tickets as t`. */
export type WithTicketAlias = TicketryDatabase & { t: TicketTable };

/**
 * The scope's conditions on `tickets as t`: tenant, soft delete, subscriber, reseller.
 * Every ticket query starts from these.
 */
export function ticketScope(
  eb: ExpressionBuilder<WithTicketAlias, 't'>,
  scope: StoreScope,
): Expression<SqlBool> {
  const conditions: Expression<SqlBool>[] = [eb('t.tenant_id', '=', scope.tenantId)];
  if (!scope.includeDeleted) conditions.push(eb('t.deleted_at', 'is', null));
  if (scope.subscriberId !== undefined) conditions.push(eb('t.subscriber_id', '=', scope.subscriberId));
  if (scope.resellerId !== undefined) conditions.push(eb('t.reseller_id', '=', scope.resellerId));
  if (scope.requesterResellerId === null) conditions.push(eb('t.requester_reseller_id', 'is', null));
  else if (scope.requesterResellerId !== undefined) conditions.push(eb('t.requester_reseller_id', '=', scope.requesterResellerId));
  if (scope.addressedTo !== undefined) conditions.push(eb('t.addressed_to', '=', scope.addressedTo));
  return eb.and(conditions);
}

/** The `StoreScope` fields `ticketScope` reads besides the tenant and `includeDeleted`, in key order. */
const SCOPE_FIELDS = ['subscriberId', 'resellerId', 'requesterResellerId', 'addressedTo'] as const;

/**
 * A scope for a cached statement (`runCached`): `shape` names which of its fields are
 * set, null or absent (it goes into the key), `args` are their values (the tenant first).
 * `scopeFromArgs(shape, args)` gives `build` the scope back, its values being the
 * placeholders it is handed.
 */
export function scopeParts(scope: StoreScope): { shape: string; args: unknown[] } {
  let shape = `${scope.visibility === 'customer' ? 'c' : 's'}${scope.includeDeleted ? 'D' : 'd'}`;
  const args: unknown[] = [scope.tenantId];
  for (const field of SCOPE_FIELDS) {
    const value = scope[field];
    if (value === undefined) shape += '-';
    else if (value === null) shape += '0';
    else {
      shape += '1';
      args.push(value);
    }
  }
  return { shape, args };
}

/** The scope `scopeParts` took apart, from its shape and its arguments (starting at `args[from]`). */
export function scopeFromArgs(shape: string, args: readonly unknown[], from = 0): StoreScope {
  const scope: Record<string, unknown> = {
    tenantId: args[from],
    visibility: shape[0] === 'c' ? 'customer' : 'staff',
    includeDeleted: shape[1] === 'D',
  };
  let next = from + 1;
  SCOPE_FIELDS.forEach((field, i) => {
    const mark = shape[i + 2];
    if (mark === '0') scope[field] = null;
    else if (mark === '1') scope[field] = args[next++];
  });
  return scope as unknown as StoreScope;
}

/** How many arguments `scopeParts` gives for `shape`. */
export function scopeArgCount(shape: string): number {
  return 1 + [...shape.slice(2)].filter((mark) => mark === '1').length;
}

/**
 * `hooks` for building a cached statement from arguments converted already (`toDate`,
 * `toBoolean` applied by the caller): a `Date` or a boolean is still converted (the
 * statement's own constants, as sort `waiting`'s end of time), a placeholder or a
 * converted value passes as it is.
 */
export function convertedArgs(hooks: SqlDialectHooks): SqlDialectHooks {
  return {
    ...hooks,
    toDate: (value: unknown) => (value instanceof Date ? hooks.toDate(value) : value),
    toBoolean: (value: unknown) => (typeof value === 'boolean' ? hooks.toBoolean(value) : value),
  } as SqlDialectHooks;
}

/**
 * Adds a row lock to a SELECT as the dialect allows: `FOR UPDATE` (`wait`), or `FOR
 * UPDATE SKIP LOCKED` (`skip`, where supported; plain `FOR UPDATE` otherwise, which is
 * still correct, only slower under contention). Without row locks the query is returned
 * unchanged: the dialect's write transaction already excludes other writers.
 */
export function lockRows<DB, TB extends keyof DB, O>(
  ctx: QueryContext,
  query: SelectQueryBuilder<DB, TB, O>,
  mode: 'wait' | 'skip',
): SelectQueryBuilder<DB, TB, O> {
  const caps = ctx.hooks.capabilities;
  if (!caps.rowLocks) return query;
  return mode === 'skip' && caps.skipLocked ? query.forUpdate().skipLocked() : query.forUpdate();
}

/**
 * Runs an INSERT that skips a row whose key exists instead of failing, and tells whether
 * the row went in: `ON CONFLICT DO NOTHING` where the dialect writes upserts that way
 * (in Postgres a failed statement would abort the whole transaction). MySQL and MariaDB
 * roll back only the failed statement, and their `INSERT IGNORE` would also swallow
 * foreign-key, truncation and NOT NULL errors: there the plain INSERT runs and a
 * duplicate-key error (`hooks.isDuplicateKey`) means "already there".
 */
export async function insertIgnoringDuplicates<DB, TB extends keyof DB, O>(
  ctx: QueryContext,
  query: InsertQueryBuilder<DB, TB, O>,
): Promise<boolean> {
  if (ctx.hooks.capabilities.upsert === 'on-conflict') {
    const result = (await query.onConflict((oc) => oc.doNothing()).executeTakeFirst()) as unknown as InsertResult | undefined;
    return Number(result?.numInsertedOrUpdatedRows ?? 0) > 0;
  }
  try {
    await query.execute();
    return true;
  } catch (err) {
    if (ctx.hooks.isDuplicateKey?.(err)) return false;
    throw err;
  }
}

// ---------------------------------------------------------------- compiled statements

/** What a cached statement's arguments are while its template is compiled. */
const ARG = '\u0000ticketry-arg:';

/** A statement compiled once: its SQL, and where each bound parameter comes from. */
interface Template {
  readonly compiled: CompiledQuery;
  /** Per parameter: the index of the argument bound there, or -1 for a constant of the statement. */
  readonly slots: readonly number[];
}

/**
 * The statements of one store, compiled once each (`runCached`). Building a statement
 * with Kysely, renaming its tables (`TableNamePlugin`) and compiling it costs more than
 * SQLite takes to run most of ticketry's writes, and a write sends ten of them.
 */
export class StatementCache {
  /**
   * Every store's cache checks its keys (set by the test suite's setup,
   * `test/setup/check-statements.ts`): each call that reuses a template also builds its
   * statement anew from the call's own arguments and throws `StatementKeyError` when the
   * SQL text or the bound values differ from what the template binds. A key that misses
   * something the SQL text depends on is then a failing test, not a wrong statement.
   */
  static checkKeys = false;

  readonly #templates = new Map<string, Template | null>();

  constructor(
    /** How many statements are kept (the least recently added go first). */
    readonly limit = 500,
    /**
     * Told each statement's SQL text when it is compiled, and whether it is a keyed read
     * (`runCached`'s `keyed`): Postgres names the writes and the keyed reads (prepared
     * statements).
     */
    readonly onCompiled?: (sql: string, keyedRead: boolean) => void,
  ) {}

  /** The template under `key`, or `null` when its statement cannot be cached, or `undefined` when unknown. */
  get(key: string): Template | null | undefined {
    return this.#templates.get(key);
  }

  set(key: string, template: Template | null, keyedRead = false): void {
    if (template !== null) this.onCompiled?.(template.compiled.sql, keyedRead);
    if (this.#templates.size >= this.limit) {
      const oldest = this.#templates.keys().next().value;
      if (oldest !== undefined) this.#templates.delete(oldest);
    }
    this.#templates.set(key, template);
  }

  /** How many statements are kept. */
  get size(): number {
    return this.#templates.size;
  }

  /** The keys whose statement cannot be cached (built and compiled on every call). For tests. */
  uncachedKeys(): string[] {
    return [...this.#templates].filter(([, template]) => template === null).map(([key]) => key);
  }
}

/**
 * Runs the statement `build(args)` makes, compiling it once per store and `key`: the
 * first time, `build` gets a placeholder for each argument and the compiled parameters
 * show where each one is bound; afterwards the compiled SQL runs with `args` bound there.
 *
 * `key` must name everything the SQL text depends on: `build` must not branch on the
 * values in `args` (how many there are, which are null, which columns are left out
 * belong in the key), and must pass each argument to Kysely as a value. A statement
 * where an argument does not come out as a bound parameter of its own (inlined, or
 * transformed) is never cached: it is built and compiled on every call, as without a
 * cache.
 *
 * `keyed`: a read whose best plan is the same whatever its values (rows by their key, a
 * range of stats buckets), which Postgres may then prepare like a write; a read whose
 * plan depends on its values (a list filtered on a status) must not say so.
 *
 * Not an `async` function (nor are `insertRow` and the transaction's methods): with
 * `AsyncLocalStorage` in use, every promise and every `await` runs Node's promise hooks,
 * and a write runs some fifteen statements through here. A throw comes back as a
 * rejected promise all the same.
 */
export function runCached<R>(
  ctx: QueryContext,
  key: string,
  args: readonly unknown[],
  build: (args: readonly unknown[]) => Compilable<R>,
  keyed = false,
): Promise<QueryResult<R>> {
  try {
    return runCompiled(ctx, key, args, build, keyed);
  } catch (err) {
    return Promise.reject(err);
  }
}

function runCompiled<R>(
  ctx: QueryContext,
  key: string,
  args: readonly unknown[],
  build: (args: readonly unknown[]) => Compilable<R>,
  keyed: boolean,
): Promise<QueryResult<R>> {
  const cache = ctx.statements;
  if (cache === undefined) return ctx.db.executeQuery(build(args));
  let template = cache.get(key);
  if (template === undefined) {
    template = compileTemplate(build, args.length);
    cache.set(key, template, keyed);
  }
  if (template === null) return ctx.db.executeQuery(build(args));
  const { compiled, slots } = template;
  const parameters = new Array<unknown>(slots.length);
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i]!;
    parameters[i] = slot < 0 ? compiled.parameters[i] : args[slot];
  }
  if (StatementCache.checkKeys) checkKey(key, build(args).compile(), compiled.sql, parameters);
  const query = { ...compiled, parameters } as CompiledQuery<R>;
  // Straight to a driver connection: what `db.executeQuery` adds on top is the plugins'
  // result transforms, and ticketry's one plugin (`TableNamePlugin`, the only one the
  // store's Kysely instance has) leaves results as they are.
  if (ctx.connection !== undefined) return ctx.connection.executeQuery(query) as Promise<QueryResult<R>>;
  return ctx.db.getExecutor().provideConnection((connection) => connection.executeQuery(query)) as Promise<QueryResult<R>>;
}

/** A cached statement's key reused for a statement whose SQL text or values differ (`StatementCache.checkKeys`). */
export class StatementKeyError extends Error {
  constructor(key: string, detail: string) {
    super(`statement key "${key}" reused for another statement: ${detail}`);
    this.name = 'StatementKeyError';
  }
}

/** Throws `StatementKeyError` unless `fresh` (built from the call's arguments) is the template's SQL with `parameters`. */
function checkKey(key: string, fresh: CompiledQuery, sql: string, parameters: readonly unknown[]): void {
  if (fresh.sql !== sql) throw new StatementKeyError(key, `${JSON.stringify(fresh.sql)} is not ${JSON.stringify(sql)}`);
  const same = (a: unknown, b: unknown) =>
    Object.is(a, b) ||
    (a instanceof Date && b instanceof Date && Object.is(a.getTime(), b.getTime())) ||
    (a instanceof Uint8Array && b instanceof Uint8Array && Buffer.compare(a, b) === 0);
  if (fresh.parameters.length !== parameters.length || fresh.parameters.some((p, i) => !same(p, parameters[i]))) {
    throw new StatementKeyError(key, `it binds ${String(fresh.parameters.length)} values that differ from the template's`);
  }
}

function compileTemplate<R>(build: (args: readonly unknown[]) => Compilable<R>, count: number): Template | null {
  const placeholders = Array.from({ length: count }, (_, i) => `${ARG}${i}`);
  const compiled = build(placeholders).compile();
  const seen = new Set<number>();
  const slots = compiled.parameters.map((p) => {
    if (typeof p !== 'string' || !p.startsWith(ARG)) {
      if (typeof p === 'string' && p.includes(ARG)) return Number.NaN;
      return -1;
    }
    const index = Number(p.slice(ARG.length));
    seen.add(index);
    return index;
  });
  // An argument inlined, dropped or transformed (embedded in a longer value): the text
  // or a constant depends on it, so the compiled statement cannot be reused.
  if (seen.size !== count || slots.some(Number.isNaN)) return null;
  return { compiled, slots };
}

/**
 * Inserts `row` into `table` as a cached statement, one per set of columns given (a
 * column whose value is `undefined` is left out, to its default, as Kysely's `values`
 * does). With `skipDuplicate`, a row whose key exists is skipped (`ON CONFLICT DO
 * NOTHING`: only where `capabilities.upsert` is `on-conflict`). Returns whether the row
 * went in.
 */
export function insertRow(
  ctx: QueryContext,
  table: keyof TicketryDatabase,
  row: object,
  skipDuplicate = false,
): Promise<boolean> {
  const columns: string[] = [];
  const values: unknown[] = [];
  for (const column of Object.keys(row)) {
    const value = (row as Record<string, unknown>)[column];
    if (value === undefined) continue;
    columns.push(column);
    values.push(value);
  }
  const key = insertKey(table, skipDuplicate, columns);
  return runCached(ctx, key, values, (args) => {
    const insert = ctx.db.insertInto(table).values(Object.fromEntries(columns.map((c, i) => [c, args[i]])) as never);
    return skipDuplicate ? insert.onConflict((oc) => oc.doNothing()) : insert;
  }).then(insertedAny);
}

const insertedAny = (result: QueryResult<unknown>): boolean => Number(result.numAffectedRows ?? 0) > 0;

/** The last statement key `insertKey` made per table: inserts into a table nearly always name the same columns. */
const lastInsertKeys = new Map<string, { columns: readonly string[]; key: string }>();

/**
 * `insertRow`'s statement key, `insert into <table> (<columns>)`. The key of the last
 * insert into the table is reused when the columns are the same (compared one by one):
 * joining some fifty column names into a new string, and hashing it for the lookup, cost
 * more than the comparison.
 */
function insertKey(table: string, skipDuplicate: boolean, columns: readonly string[]): string {
  const id = skipDuplicate ? `${table} skipping duplicates` : table;
  const last = lastInsertKeys.get(id);
  if (last !== undefined && last.columns.length === columns.length && last.columns.every((c, i) => c === columns[i])) {
    return last.key;
  }
  const key = `insert into ${id} (${columns.join(',')})`;
  lastInsertKeys.set(id, { columns, key });
  return key;
}
