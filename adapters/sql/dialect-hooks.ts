/**
 * What differs between the SQL dialects, supplied by each driver's adapter. Everything
 * else (every query, every migration) is written once in `adapters/sql/`.
 */
import type { ColumnDataType, Expression, RawBuilder, SelectQueryBuilder } from 'kysely';
import type { TicketError } from '../../src/errors.js';
import type { DbBoolean, DbTimestamp } from './schema.js';

/** Column types the migrations use, per dialect. */
export interface SqlColumnTypes {
  /** Ids and other keys compared and sorted as JavaScript compares strings. */
  key: ColumnDataType | Expression<unknown>;
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

/** The per-dialect glue the shared SQL store runs on. */
export interface SqlDialectHooks {
  readonly dialect: 'sqlite' | 'postgres';
  /**
   * The statement that opens a write transaction. SQLite needs `begin immediate` so the
   * write lock is taken up front (a deferred `begin` that reads and then writes can fail
   * with SQLITE_BUSY under concurrency, whatever the busy timeout).
   */
  readonly beginWrite: string;
  /**
   * Adds a row lock to a SELECT: `FOR UPDATE` (`wait`) or `FOR UPDATE SKIP LOCKED`
   * (`skip`) in Postgres; SQLite returns the query unchanged, its immediate transactions
   * already serialise writers.
   */
  lockRows<DB, TB extends keyof DB, O>(
    query: SelectQueryBuilder<DB, TB, O>,
    mode: 'wait' | 'skip',
  ): SelectQueryBuilder<DB, TB, O>;
  /** A `Date` as the driver should bind it. */
  toDate(value: Date): DbTimestamp;
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
  /** Lower-cases a text expression for case-insensitive `LIKE` (must fold like `String#toLowerCase`). */
  fold(value: Expression<string>): RawBuilder<string>;
  /** `later - earlier` in seconds, as a floating-point SQL expression. */
  secondsBetween(later: Expression<unknown>, earlier: Expression<unknown>): RawBuilder<number>;
  /**
   * Turns a driver error into a `TicketError` (keeping it as `cause`); a `TicketError`
   * passes through unchanged.
   */
  mapError(err: unknown): TicketError;
  /** Column types for the migrations. */
  readonly types: SqlColumnTypes;
}
