/**
 * The keyset condition of a list page: rows strictly after the cursor's values in the
 * sort order, `(a, b, c) < (x, y, z)` for a descending order, `>` for an ascending one.
 * Where the database reads a row-value comparison as one index range (SQLite, Postgres)
 * it is written so; MySQL and MariaDB use only the equality prefix of the index for it
 * (a page 10,000 rows deep read the queue from its start: 112 ms against 11 ms for the
 * first page on MariaDB 10.11), so there it is written out, led by a `<=` on the first
 * column that the range optimiser takes:
 * `a <= x and (a < x or (a = x and (b < y or (b = y and c < z))))`.
 */
import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import type { QueryContext } from './query-context.js';

export function keysetAfter(
  ctx: Pick<QueryContext, 'hooks'>,
  columns: readonly Expression<unknown>[],
  op: '<' | '>',
  values: readonly unknown[],
): RawBuilder<SqlBool> {
  const strict = sql.raw(op);
  if (ctx.hooks.capabilities.rowValueRanges) {
    return sql<SqlBool>`(${sql.join(columns)}) ${strict} (${sql.join(values.map((v) => sql.val(v)))})`;
  }
  const from = (i: number): RawBuilder<SqlBool> => {
    const column = columns[i]!;
    const value = values[i];
    if (i === columns.length - 1) return sql<SqlBool>`${column} ${strict} ${value}`;
    return sql<SqlBool>`(${column} ${strict} ${value} or (${column} = ${value} and ${from(i + 1)}))`;
  };
  return sql<SqlBool>`(${columns[0]!} ${sql.raw(`${op}=`)} ${values[0]} and ${from(0)})`;
}
