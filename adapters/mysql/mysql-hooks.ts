/**
 * The MySQL / MariaDB side of the shared SQL store: `DATETIME(3)` holding UTC (bound as
 * `'YYYY-MM-DD HH:MM:SS.mmm'` strings, so neither the server's nor the driver's time zone
 * moves an instant), `TINYINT(1)` booleans, `JSON`, keys as `VARCHAR … utf8mb4_bin` (so
 * they compare and sort by code point, as JavaScript compares ids), free text as
 * `LONGTEXT` utf8mb4, and row locks with `FOR UPDATE [SKIP LOCKED]` (MariaDB 10.6+,
 * MySQL 8).
 */
import { sql } from 'kysely';
import type { SqlDialectHooks } from '../sql/dialect-hooks.js';
import { checkedTime } from '../sql/value-checks.js';
import { isMysqlDuplicateKey, mapMysqlError } from './mysql-errors.js';

/**
 * How the driver turns a `DATETIME` it reads into a JavaScript value: mysql2's `timezone`
 * option (`'local'`, its default; `'Z'`; or an offset `'+HH:MM'`), or `'string'` when
 * it returns date strings (`dateStrings: true`).
 */
export type MysqlDriverDates = 'local' | 'string' | 'Z' | `${'+' | '-'}${string}`;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** A UTC instant as a `DATETIME(3)` literal. */
export function toDatetime(value: Date): string {
  const d = new Date(checkedTime(value));
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`
  );
}

/**
 * `Date.UTC` without its mapping of the years 0-99 to 1900-1999: a deadline in the year 1
 * (the first instant every store holds) read back as 1901 here, and only here.
 */
function utcDate(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): Date {
  const out = new Date(Date.UTC(y, mo, d, h, mi, s, ms));
  if (y >= 0 && y < 100) out.setUTCFullYear(y, mo, d);
  return out;
}

/** The number written by the digits of `value` from `from` to `to`, or -1 if one is not a digit. */
function digitsAt(value: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const digit = value.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    n = n * 10 + digit;
  }
  return n;
}

/**
 * A `'YYYY-MM-DD HH:MM:SS[.ffffff]'` UTC string (how the driver returns a `DATETIME`
 * with `dateStrings`) as a `Date`, read by character codes: the regular expression and
 * its captures took twice as long, and a queue page of 50 rows reads some 330 instants
 * (0.22 against 0.10 ms). Characters after the fraction are ignored, as are fraction
 * digits after the third; anything else is left to `new Date(value)`.
 */
export function fromDatetimeString(value: string): Date {
  const y = value.length >= 19 ? digitsAt(value, 0, 4) : -1;
  const mo = digitsAt(value, 5, 7);
  const d = digitsAt(value, 8, 10);
  const h = digitsAt(value, 11, 13);
  const mi = digitsAt(value, 14, 16);
  const s = digitsAt(value, 17, 19);
  const t = value.charCodeAt(10);
  if (
    y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0 ||
    value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45 || (t !== 32 && t !== 84) ||
    value.charCodeAt(13) !== 58 || value.charCodeAt(16) !== 58
  ) {
    return new Date(value);
  }
  // Milliseconds: the fraction's first three digits, padded ('.5' is 500).
  let ms = 0;
  if (value.charCodeAt(19) === 46) {
    for (let i = 20, scale = 100; i < 23; i++, scale /= 10) {
      const digit = value.charCodeAt(i) - 48;
      if (!(digit >= 0 && digit <= 9)) break;
      ms += digit * scale;
    }
  }
  return utcDate(y, mo - 1, d, h, mi, s, ms);
}

/** Undoes mysql2's reading of a UTC wall-clock `DATETIME` in `zone`. */
function fromDriverDate(value: Date, zone: MysqlDriverDates): Date {
  if (zone === 'local') {
    // mysql2 built `new Date(y, m, d, h, mi, s, ms)` from the stored UTC wall clock.
    return utcDate(
      value.getFullYear(),
      value.getMonth(),
      value.getDate(),
      value.getHours(),
      value.getMinutes(),
      value.getSeconds(),
      value.getMilliseconds(),
    );
  }
  const offset = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (offset === null) return value; // 'Z', 'string' (a Date then means UTC already)
  const minutes = (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3]));
  // mysql2 read the wall clock as `zone`, i.e. `minutes` too early; move it back.
  return new Date(value.getTime() + minutes * 60_000);
}

/** A key: up to 250 characters, compared by code point (binary collation). */
const KEY = sql`varchar(250) character set utf8mb4 collate utf8mb4_bin`;

/** Hooks for MySQL 8 and MariaDB 10.6+ on mysql2. */
export function mysqlHooks(options: { driverDates?: MysqlDriverDates } = {}): SqlDialectHooks {
  const zone = options.driverDates ?? 'local';
  return {
    dialect: 'mysql',
    beginWrite: 'start transaction',
    capabilities: {
      // MariaDB has INSERT/DELETE … RETURNING but not UPDATE … RETURNING; MySQL 8 has none.
      returning: false,
      rowLocks: true,
      skipLocked: true,
      upsert: 'on-duplicate-key',
      updateFromCte: false,
      // DDL commits implicitly in MySQL: Kysely runs the migrations without a
      // transaction, under its `GET_LOCK` migration lock.
      migrateUnderWriteLock: false,
      rowValueRanges: false,
      // A list row's favorite and read mark by LEFT JOIN, not a dependent subquery per row.
      listMarksByJoin: true,
      clusteredPrimaryKey: false,
      partialIndexes: false,
      indexesPerTable: true,
      fullText: 'like',
      // Migration 011: FULLTEXT indexes narrowing the LIKE scans (`search-queries.ts`).
      likeIndex: 'innodb-fulltext',
      generatedColumns: 'virtual',
    },
    millisBetween: (later, earlier) =>
      sql<number>`cast(round(timestampdiff(microsecond, ${earlier}, ${later}) / 1000) as signed)`,
    // `LOCK TABLES` would commit the transaction; a locking read of every row keeps
    // writers off them until it ends.
    lockTableForRebuild: (table) => sql`select count(*) from ${table} lock in share mode`,
    toDate: toDatetime,
    timestampLiteral: (value) => sql`timestamp ${sql.lit(toDatetime(value))}`,
    toNullableDate: (value) => (value === null ? null : toDatetime(value)),
    fromDate: (value) => {
      if (value instanceof Date) return fromDriverDate(value, zone);
      if (typeof value === 'string') return fromDatetimeString(value);
      return new Date(value as number);
    },
    toBoolean: (value) => (value ? 1 : 0),
    fromBoolean: (value) => value === 1 || value === true || value === '1' || value === 1n,
    // MariaDB's JSON is LONGTEXT (a string); MySQL's is parsed by mysql2.
    fromJson: (value) => (typeof value === 'string' ? JSON.parse(value) : value),
    mapError: mapMysqlError,
    isDuplicateKey: isMysqlDuplicateKey,
    types: {
      key: KEY,
      label: sql`varchar(64) character set utf8mb4 collate utf8mb4_bin`,
      text: sql`longtext character set utf8mb4 collate utf8mb4_bin`,
      timestamp: sql`datetime(3)`,
      boolean: sql`tinyint(1)`,
      json: 'json',
      integer: 'integer',
      bigint: 'bigint',
      real: sql`double`,
      position: 'bigint',
      positionMode: 'autoincrement',
    },
  };
}
