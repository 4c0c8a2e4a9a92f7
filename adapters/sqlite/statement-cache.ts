/**
 * A better-sqlite3 handle as Kysely's `SqliteDatabase`, with a small LRU cache of
 * prepared statements: Kysely's SQLite driver prepares every statement anew, and
 * preparing costs more than running most of ticketry's statements. Statements read their
 * rows as arrays made into objects (`shapedStatement`).
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';
import { shapedStatement } from './row-shapes.js';

/**
 * Wraps `database` for Kysely. `close()` closes the handle only when `owned` (a handle
 * the host passed in stays open). `size` 0 turns the cache off.
 */
export function cachingDatabase(
  database: BetterSqlite3.Database,
  options: { owned: boolean; size: number },
): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    prepare(text: string): SqliteStatement {
      if (options.size <= 0) return shapedStatement(database.prepare(text));
      const hit = cache.get(text);
      if (hit !== undefined) {
        // Re-insert: Map iteration order is insertion order, so the first key is the LRU.
        // Only a full cache evicts, so until it is full the order need not be kept (a
        // write sends some fifteen statements, each a hit: two Map operations saved on
        // each); the first eviction then takes the first prepared rather than the least
        // recently used, and a statement evicted while in use is prepared again.
        if (cache.size >= options.size) {
          cache.delete(text);
          cache.set(text, hit);
        }
        return hit;
      }
      const statement = shapedStatement(database.prepare(text));
      cache.set(text, statement);
      if (cache.size > options.size) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
      return statement;
    },
    close(): void {
      cache.clear();
      if (options.owned) database.close();
    },
  };
}
