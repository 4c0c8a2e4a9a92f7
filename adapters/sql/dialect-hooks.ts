/**
 * What differs between the SQL dialects, supplied by each driver's adapter. Everything
 * else (every query, every migration) is written once in `adapters/sql/`.
 */
import type { ColumnDataType, DatabaseIntrospector, Expression, Kysely, RawBuilder } from 'kysely';
import type { TicketError } from '../../src/errors.js';
import type { DbBoolean, DbTimestamp } from './schema.js';

/** Column types the migrations use, per dialect. */
export interface SqlColumnTypes {
  /** Ids and other keys compared and sorted as JavaScript compares strings. */
  key: ColumnDataType | Expression<unknown>;
  /**
   * Short keys from a closed or configured vocabulary (status, category, priority, actor
   * kind), where an index holds many of them at once (the stats buckets' primary key).
   * Absent: the same as `key`. (MySQL/MariaDB: a narrower VARCHAR, so a six-column key
   * stays under InnoDB's 3072-byte index limit.)
   */
  label?: ColumnDataType | Expression<unknown>;
  /** Free text (subjects, bodies, names). */
  text: ColumnDataType | Expression<unknown>;
  /** An instant, to the millisecond. */
  timestamp: ColumnDataType | Expression<unknown>;
  boolean: ColumnDataType | Expression<unknown>;
  /** A JSON document. */
  json: ColumnDataType | Expression<unknown>;
  integer: ColumnDataType | Expression<unknown>;
  /** A 64-bit counter. */
  bigint: ColumnDataType | Expression<unknown>;
  /** A floating-point number. */
  real: ColumnDataType | Expression<unknown>;
  /** The auto-incrementing insertion-order primary key (`position`). */
  position: ColumnDataType | Expression<unknown>;
  /** Whether `position` is declared with Kysely's `autoIncrement()` (SQLite) or `generatedAlwaysAsIdentity()` (Postgres). */
  positionMode: 'autoincrement' | 'identity';
}

/**
 * What a dialect can do, declared rather than tested by name (like Kysely's
 * `DialectAdapter.supportsReturning`): the shared queries pick their form from these, so
 * a further dialect adds a hooks file, not branches.
 */
export interface SqlDialectCapabilities {
  /** `INSERT/UPDATE … RETURNING` (SQLite ≥ 3.35, Postgres; not MySQL/MariaDB updates). */
  readonly returning: boolean;
  /** Row locks with `SELECT … FOR UPDATE` (false: the write transaction already excludes other writers, as SQLite's `begin immediate`). */
  readonly rowLocks: boolean;
  /** `FOR UPDATE SKIP LOCKED`, so concurrent claimers take different rows instead of waiting. */
  readonly skipLocked: boolean;
  /**
   * How an upsert is written: `ON CONFLICT (…) DO …` (SQLite, Postgres) or `ON DUPLICATE
   * KEY UPDATE` (MySQL, MariaDB; an insert that skips duplicates catches the duplicate-key
   * error there, since `INSERT IGNORE` would also swallow foreign-key and data errors).
   */
  readonly upsert: 'on-conflict' | 'on-duplicate-key';
  /** `UPDATE … FROM` a locking CTE that returns the old row in the same statement (Postgres). */
  readonly updateFromCte: boolean;
  /**
   * Migrations run holding the database's write lock (SQLite: Kysely's migration lock
   * only guards one process). False: Kysely's own migration lock and transaction.
   */
  readonly migrateUnderWriteLock: boolean;
  /**
   * A row-value comparison `(a, b, c) < (?, ?, ?)` is read as one index range (SQLite,
   * Postgres). False (MySQL, MariaDB: only the equality prefix of the index is used, so a
   * deep page reads the list from its start): keysets are written out as
   * `a < ? or (a = ? and (b < ? or …))` after a `a <= ?` the range optimiser can use.
   */
  readonly rowValueRanges: boolean;
  /**
   * A list row's viewer marks (the favorite and the read mark) are LEFT JOINed by their
   * primary keys (MySQL, MariaDB), not read by a scalar subquery each: MariaDB runs each
   * subquery as a DEPENDENT SUBQUERY per row, and the two of them took a 51-row queue
   * page from 1.16 to 1.73 ms on the server (SHOW PROFILES p50, 20,000 tickets,
   * statements interleaved). Absent or
   * false: the subqueries (SQLite, Postgres plan them as well as a join).
   */
  readonly listMarksByJoin?: boolean;
  /** Tables may be clustered on their primary key (SQLite `WITHOUT ROWID`). */
  readonly clusteredPrimaryKey: boolean;
  /**
   * Partial indexes (`CREATE INDEX … WHERE`). False (MySQL, MariaDB): the migrations
   * create the same index over every row instead; the queries are the same.
   */
  readonly partialIndexes: boolean;
  /**
   * Index names belong to their table, so `DROP INDEX name ON table` (MySQL, MariaDB).
   * False: index names belong to the schema (`DROP INDEX name`).
   */
  readonly indexesPerTable: boolean;
  /**
   * How the full-text search index is kept and queried (migration 007,
   * `search-queries.ts`); every form indexes `searchText` computed in JavaScript, so all
   * agree with `src/search/search-match.ts`:
   * - `'fts5'` (SQLite): contentless FTS5 tables tokenised on spaces, queried with
   *   `MATCH '"w1 w2"*'`;
   * - `'tsvector'` (Postgres, PGlite): `tsvector` columns with GIN indexes, queried with
   *   `@@ 'w1' <-> 'w2':*`;
   * - `'like'` (MySQL, MariaDB): the text in a column, matched with `LIKE '% w1 w2%'`;
   *   with `likeIndex`, on the candidates a FULLTEXT index gives (else a scan of the
   *   tenant's rows).
   */
  readonly fullText: 'fts5' | 'tsvector' | 'like';
  /**
   * An index over the `'like'` dialects' texts, or absent for none: `'innodb-fulltext'`
   * (MySQL, MariaDB), an InnoDB `FULLTEXT` index on each `search_text` (migration 011),
   * built without stopwords. A phrase whose words it holds takes its candidates from
   * `MATCH … AGAINST ('+w1 +w2*' IN BOOLEAN MODE)` and keeps the exact LIKE check on them;
   * other phrases (CJK characters, words shorter than the server's
   * `innodb_ft_min_token_size`) and searches inside a transaction (InnoDB indexes a
   * transaction's rows at commit) scan with LIKE alone. See `search-queries.ts`.
   */
  readonly likeIndex?: 'innodb-fulltext';
  /**
   * A column written with a unary plus (`+t.col = ?`) is not used to choose an index:
   * SQLite's documented way to steer its planner, which has no statistics to go by.
   * Absent: the dialect has no such operator on text (Postgres, MySQL) and needs none.
   */
  readonly unaryPlusHidesIndex?: boolean;
  /**
   * The generated column `ALTER TABLE … ADD COLUMN` may add: `'virtual'` (SQLite allows
   * no other; MySQL and MariaDB index it) or `'stored'` (Postgres before 18 has no other).
   */
  readonly generatedColumns: 'virtual' | 'stored';
}

/** The part of a dialect the migrations need: column types, capabilities, date arithmetic, table locks. */
export interface SqlMigrationDialect {
  readonly capabilities: SqlDialectCapabilities;
  /** `later - earlier` in whole milliseconds, as an integer SQL expression. */
  millisBetween(later: Expression<unknown>, earlier: Expression<unknown>): RawBuilder<number>;
  /** A `Date` as the driver should bind it (MySQL: a UTC `DATETIME(3)` literal string). */
  toDate(value: Date): DbTimestamp;
  /**
   * A `Date` written into the SQL text as a constant of the timestamp type, for what
   * takes no parameters (a generated column's expression).
   */
  timestampLiteral(value: Date): RawBuilder<unknown>;
  /**
   * The statement that keeps writers off `table` while a rebuild reads it inside a
   * transaction, or null when the transaction already does (SQLite `begin immediate`).
   */
  lockTableForRebuild(table: RawBuilder<unknown>): RawBuilder<unknown> | null;
}

/** The per-dialect glue the shared SQL store runs on. */
export interface SqlDialectHooks extends SqlMigrationDialect {
  /** The dialect's name, for messages and diagnostics only: queries read `capabilities`. */
  readonly dialect: string;
  /**
   * The statement that opens a write transaction. SQLite needs `begin immediate` so the
   * write lock is taken up front (a deferred `begin` that reads and then writes can fail
   * with SQLITE_BUSY under concurrency, whatever the busy timeout).
   */
  readonly beginWrite: string;
  /** A `Date` (or null) as the driver should bind it. */
  toNullableDate(value: Date | null): DbTimestamp | null;
  /** A timestamp column value as a `Date`. */
  fromDate(value: unknown): Date;
  /** A boolean as the driver should bind it. */
  toBoolean(value: boolean): DbBoolean;
  /** A boolean column value as a `boolean`. */
  fromBoolean(value: unknown): boolean;
  /** A JSON column value, parsed. */
  fromJson(value: unknown): unknown;
  /**
   * Turns a driver error into a `TicketError` (keeping it as `cause`); a `TicketError`
   * passes through unchanged.
   */
  mapError(err: unknown): TicketError;
  /**
   * Whether a driver error is a unique-key violation, for dialects whose INSERT skips a
   * duplicate by catching it (`upsert: 'on-duplicate-key'`; see `insertIgnoringDuplicates`).
   */
  isDuplicateKey?(err: unknown): boolean;
  /**
   * Optional: how Kysely's migrator finds its schema and its `tables` (in `schema`, or the
   * connection's current schema), where the dialect's own introspector is unsafe
   * (Postgres: `postgresMigrationIntrospector`).
   */
  migrationIntrospector?(db: Kysely<any>, tables: readonly string[], schema: string | undefined): DatabaseIntrospector;
  /** Column types for the migrations. */
  readonly types: SqlColumnTypes;
}
