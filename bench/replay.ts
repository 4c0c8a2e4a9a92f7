/**
 * The raw side of the store benchmarks: the statements recorded from ticketry, replayed
 * through the bare driver with the same SQL text and the same parameters.
 *
 * A recorded run becomes a list of steps. Parameters that must differ per iteration are
 * slots, found by value in the recording: the generated ids (ticketry's run used ids we
 * handed it, so we know them), the ticket or subscriber the iteration works on, and
 * values ticketry read back inside the operation (the counter's new value, the ticket's
 * version) which the raw side reads back from its own result rows exactly the same way.
 * Everything else — every other parameter, including the JSON of audit rows and outbox
 * events and the rendered HTML — is replayed byte for byte from the recording.
 *
 * better-sqlite3 runs each statement prepared once (ticketry keeps a prepared-statement
 * cache, so both sides prepare outside the measurement). pg runs `query(text, values)`,
 * or the named `query({ name, text, values })` for a statement ticketry sent named (its
 * prepared statements), a transaction on one pooled client
 * and everything else on the pool, as ticketry does. PGlite runs `query(text, params)`.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import type { Pool as MysqlPool } from 'mysql2';
import type { Statement } from './capture.js';

/** A result row. */
export type Row = Record<string, unknown>;

/** Values of the per-iteration parameters, by name. */
export type Vars = Record<string, unknown>;

/** One statement of a replay. */
export interface Step {
  sql: string;
  /** The prepared statement's name where ticketry sent it named (pg). */
  name?: string;
  /** The recorded parameters. */
  params: unknown[];
  /** `[parameter index, variable name]`: parameters taken from the iteration's vars. */
  slots: [number, string][];
  /** Reads what the next statements need from this statement's rows (as ticketry does). */
  after?: (rows: Row[], vars: Vars) => void;
  /**
   * Builds this iteration's SQL and parameters itself (an `IN (?, ...)` list as long as
   * the rows an earlier step read: MySQL, where the list is spelled out); `null` skips the
   * step, as ticketry does when the list would be empty. On SQLite each distinct text is
   * prepared once and kept, as ticketry's statement cache does.
   */
  dynamic?: (vars: Vars) => { sql: string; params: unknown[] } | null;
  /** The prepared statement (SQLite). */
  prepared?: BetterSqlite3.Statement;
  /** Statements of a `dynamic` step by SQL text, and the handle to prepare more on (SQLite). */
  preparedBySql?: Map<string, BetterSqlite3.Statement>;
  database?: BetterSqlite3.Database;
}

/**
 * Turns recorded statements into steps, making a slot of every parameter that equals one
 * of `templateValues` (variable name -> the value it had in the recorded run). Only
 * strings are matched, so numbers and booleans that happen to be equal are never
 * mistaken for one another.
 */
export function compileSteps(statements: Statement[], templateValues: Record<string, unknown>): Step[] {
  const byValue = new Map<unknown, string>();
  for (const [name, value] of Object.entries(templateValues)) {
    if (typeof value !== 'string') throw new Error(`template value ${name} must be a string`);
    if (byValue.has(value)) throw new Error(`template values ${byValue.get(value)} and ${name} are equal`);
    byValue.set(value, name);
  }
  return statements.map((st) => ({
    sql: st.sql,
    ...(st.name === undefined ? {} : { name: st.name }),
    params: st.params,
    slots: st.params.flatMap((p, i): [number, string][] => {
      const name = byValue.get(p);
      return name === undefined ? [] : [[i, name]];
    }),
  }));
}

/** An `IN (?, ...)` / `IN ($2, ...)` list, of any length. */
const IN_LIST = / in \((?:\?|\$\d+)(?:, (?:\?|\$\d+))*\)/;

/** Every `IN (...)` list of placeholders as `in (...)`: statements that differ only in their lengths compare equal. */
export function foldInLists(sql: string): string {
  return sql.replace(new RegExp(IN_LIST.source, 'g'), ' in (...)');
}

/**
 * Makes `step` send as many placeholders in its (only) `IN (...)` list as `vars[name]`
 * has values, with those values: ticketry spells out the list (`?` on MySQL, `$n` on
 * Postgres, where the list must be the statement's last parameters).
 */
export function inListFrom(step: Step, name: string): void {
  const match = IN_LIST.exec(step.sql)!;
  const listLength = match[0].split(',').length;
  const numbered = match[0].includes('$');
  const before = numbered
    ? Number(/\$(\d+)/.exec(match[0])![1]) - 1
    : (step.sql.slice(0, match.index).match(/\?/g) ?? []).length;
  const after = step.params.length - before - listLength;
  if (numbered && after !== 0) throw new Error(`inListFrom: parameters after the IN list in ${step.sql.slice(0, 120)}`);
  step.dynamic = (vars) => {
    const values = vars[name] as unknown[];
    if (values.length === 0) return null;
    const params = bind(step, vars);
    const list = values.map((_, k) => (numbered ? `$${before + 1 + k}` : '?')).join(', ');
    return {
      sql: step.sql.replace(IN_LIST, ` in (${list})`),
      params: [...params.slice(0, before), ...values, ...params.slice(params.length - after)],
    };
  };
}

/**
 * The index of the parameter that follows the `occurrence`-th `marker` in `sql`
 * (`"version" = ?` / `"version" = $12`): for values bound by position, not by value.
 */
export function parameterAfter(sql: string, marker: string, occurrence: number): number {
  let at = -1;
  for (let n = 0; n <= occurrence; n++) {
    at = sql.indexOf(marker, at + 1);
    if (at < 0) throw new Error(`"${marker}" #${occurrence} not found in: ${sql.slice(0, 120)}`);
  }
  const rest = sql.slice(at + marker.length);
  const numbered = /^\$(\d+)/.exec(rest);
  if (numbered) return Number(numbered[1]) - 1;
  if (!rest.startsWith('?')) throw new Error(`no parameter after "${marker}"`);
  return (sql.slice(0, at).match(/\?/g) ?? []).length;
}

/** The statement's parameters for this iteration. */
export function bind(step: Step, vars: Vars): unknown[] {
  if (step.slots.length === 0) return step.params;
  const params = step.params.slice();
  for (const [index, name] of step.slots) {
    if (!(name in vars)) throw new Error(`replay: no value for ${name}`);
    params[index] = vars[name];
  }
  return params;
}

const BEGIN = /^(begin|start transaction)\b/i;
const END = /^(commit|rollback)\b/i;

// ---------------------------------------------------------------- SQLite

/** Prepares every step on `database` (outside the measurement). */
export function prepareSqlite(database: BetterSqlite3.Database, steps: Step[]): void {
  for (const step of steps) {
    step.prepared = database.prepare(step.sql);
    if (step.dynamic) {
      step.database = database;
      step.preparedBySql = new Map([[step.sql, step.prepared]]);
    }
  }
}

/** Runs the steps on better-sqlite3, synchronously, like ticketry's driver does. */
export function replaySqlite(steps: Step[], vars: Vars): void {
  for (const step of steps) {
    let st = step.prepared!;
    let params: unknown[];
    if (step.dynamic) {
      const built = step.dynamic(vars);
      if (built === null) continue;
      let cached = step.preparedBySql!.get(built.sql);
      if (!cached) step.preparedBySql!.set(built.sql, (cached = step.database!.prepare(built.sql)));
      st = cached;
      params = built.params;
    } else {
      params = bind(step, vars);
    }
    if (st.reader) {
      const rows = st.all(params) as Row[];
      step.after?.(rows, vars);
    } else {
      st.run(params);
    }
  }
}

// ---------------------------------------------------------------- Postgres

/** A session that runs one statement at a time. */
export interface PgSession {
  query(sql: string, params: unknown[], name?: string): Promise<Row[]>;
  /** Returns the session to the pool; `broken` discards it (a transaction failed midway). */
  release(broken?: boolean): void;
}

/** The bare driver: statements on the pool, transactions on one session. */
export interface PgRaw {
  query(sql: string, params: unknown[], name?: string): Promise<Row[]>;
  connect(): Promise<PgSession>;
}

/** The raw side on a pg pool. */
export function pgRaw(pool: pg.Pool): PgRaw {
  return {
    query: async (sql, params, name) => (await pool.query(name === undefined ? { text: sql, values: params } : { name, text: sql, values: params })).rows as Row[],
    async connect() {
      const client = await pool.connect();
      return {
        query: async (sql, params, name) =>
          (await client.query(name === undefined ? { text: sql, values: params } : { name, text: sql, values: params })).rows as Row[],
        release: (broken) => client.release(broken === true),
      };
    },
  };
}

/** The raw side on PGlite (one connection, which PGlite serialises). */
export function pgliteRaw(pglite: PGlite): PgRaw {
  const query = async (sql: string, params: unknown[]) => (await pglite.query<Row>(sql, params)).rows;
  return { query, connect: async () => ({ query, release: () => undefined }) };
}

/**
 * The raw side on a mysql2 pool (callback API, `query(sql, values)` as Kysely's
 * MysqlDialect sends it): statements on the pool, transactions on one pooled connection.
 * Results that are not rows (OK packets) become no rows. Replay with `replayPg`.
 */
export function mysqlRaw(pool: MysqlPool): PgRaw {
  const run = (target: { query: MysqlPool['query'] }, sql: string, params: unknown[]) =>
    new Promise<Row[]>((resolve, reject) => {
      (target.query as (s: string, p: unknown[], cb: (err: unknown, result: unknown) => void) => void)(sql, params, (err, result) => {
        if (err) reject(err);
        else resolve(Array.isArray(result) ? (result as Row[]) : []);
      });
    });
  return {
    query: (sql, params) => run(pool, sql, params),
    connect: () =>
      new Promise<PgSession>((resolve, reject) => {
        pool.getConnection((err, connection) => {
          if (err) return reject(err);
          resolve({
            query: (sql, params) => run(connection, sql, params),
            release: (broken) => (broken === true ? connection.destroy() : connection.release()),
          });
        });
      }),
  };
}

/**
 * Runs the steps in order; `begin` ... `commit` on one session, the rest on the pool.
 * With `parallel`, sends every step at once (as ticketry's `getStats` does with
 * `Promise.all`).
 */
export async function replayPg(raw: PgRaw, steps: Step[], vars: Vars, parallel = false): Promise<void> {
  if (parallel) {
    await Promise.all(steps.map((step) => raw.query(step.sql, bind(step, vars), step.name)));
    return;
  }
  let session: PgSession | null = null;
  try {
    for (const step of steps) {
      if (BEGIN.test(step.sql)) session = await raw.connect();
      const built = step.dynamic ? step.dynamic(vars) : { sql: step.sql, params: bind(step, vars), name: step.name };
      if (built === null) continue;
      const rows = await (session ?? raw).query(built.sql, built.params, 'name' in built ? built.name : undefined);
      if (END.test(step.sql)) {
        session?.release();
        session = null;
      }
      step.after?.(rows, vars);
    }
  } finally {
    session?.release(true);
  }
}
