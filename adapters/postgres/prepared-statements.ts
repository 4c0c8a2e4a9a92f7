/**
 * Named (prepared) statements for the statements ticketry compiles once (`runCached`):
 * a write is ten or so statements, and sent unnamed each one is parsed, analysed and
 * planned anew by the server. Named, each connection prepares it on first use (pg keeps
 * track per client) and later runs only bind and execute: inside a transaction a
 * 41-column insert took 0.16 ms instead of 0.25, a primary-key read 0.19 instead of 0.27
 * (median, PostgreSQL 15 on the same 2-core VM).
 *
 * Only writes (INSERT, UPDATE, DELETE, and an UPDATE behind a WITH) and keyed reads (a
 * ticket by id or number, a counter, a range of stats buckets: `runCached`'s `keyed`) are
 * named, and only those compiled once per store, at most `MAX_NAMED` texts, so the
 * server's per-connection statements stay bounded. Their plans do not depend on the
 * values. Other reads go unnamed as before: after five runs the server may keep a
 * prepared statement's generic plan, chosen for average values, and a list filtered on a
 * rare status or a very large tenant needs the plan its own values give.
 */
import type { PoolClient } from 'pg';
import { rowMaker, type RowMaker } from '../sql/row-maker.js';

/** Most statement texts named per store; later ones run unnamed. */
const MAX_NAMED = 1000;

/** A statement that only reads (a WITH that writes starts with `with`). */
const READ = /^\s*select\b/i;

/** SQL text -> statement name, shared by a store's statement cache and its pool. */
export class StatementNames {
  readonly #names = new Map<string, string>();

  /** Names `sql` (a statement compiled once) if it is a write or a keyed read; a text already named keeps its name. */
  register(sql: string, keyedRead = false): void {
    if (this.#names.has(sql) || this.#names.size >= MAX_NAMED || (READ.test(sql) && !keyedRead)) return;
    this.#names.set(sql, `ticketry_${this.#names.size + 1}`);
  }

  /** The name of `sql`, if it has one. */
  nameOf(sql: string): string | undefined {
    return this.#names.get(sql);
  }

  /** How many texts are named. For tests. */
  get size(): number {
    return this.#names.size;
  }
}

/** The part of a pool client Kysely's Postgres driver uses. */
export type QueryClient = Pick<PoolClient, 'query' | 'release'>;

/**
 * `client` as Kysely's driver sees it: `query(text, values)` runs with `rowMode: 'array'`
 * and its rows are made into objects by `rowMaker` (pg sets a row's fields one keyed
 * store at a time), as pg's named query `{ name, text, values }` when the text has a
 * name; anything else (a cursor) is passed on unchanged.
 */
export function namingClient(client: PoolClient, names: StatementNames): QueryClient {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  return {
    query: ((...args: unknown[]) => {
      const [text, values] = args;
      if (typeof text !== 'string' || args.length > 2) return query(...args);
      const name = names.nameOf(text);
      const config = name === undefined ? { text, values, rowMode: 'array' } : { name, text, values, rowMode: 'array' };
      return (query(config) as Promise<ArrayResult | ArrayResult[]>).then(objectRows);
    }) as PoolClient['query'],
    release: (err?: Error | boolean) => client.release(err),
  };
}

/** What pg returns for a query in array mode (several for a text of several statements). */
interface ArrayResult {
  fields?: readonly { name: string }[];
  rows: unknown[];
}

/** Row makers by their columns' names (`\0`-joined), shared by a process's clients. */
const makers = new Map<string, RowMaker>();

/** `result` with its array rows made into objects, in place. */
function objectRows<R extends ArrayResult | ArrayResult[]>(result: R): R {
  if (Array.isArray(result)) {
    for (const one of result) objectRows(one);
    return result;
  }
  const { fields, rows } = result as ArrayResult;
  if (rows.length === 0 || fields === undefined) return result;
  const names = fields.map((f) => f.name);
  const key = names.join('\0');
  let make = makers.get(key);
  if (make === undefined) {
    make = rowMaker(names);
    if (makers.size < MAX_NAMED) makers.set(key, make);
  }
  for (let i = 0; i < rows.length; i++) rows[i] = make(rows[i] as unknown[]);
  return result;
}
