/**
 * Bulk-loads the generated data set into a migrated Postgres schema (a real server
 * through pg, or PGlite): secondary indexes and foreign keys dropped during the load and
 * re-created after, rows sent as one `INSERT ... SELECT * FROM unnest($1::text[], ...)`
 * per table and batch (one statement, one parse, thousands of rows), then
 * `VACUUM ANALYZE`, as autovacuum would have done on a live database.
 */
import {
  AUDIT_COLUMNS,
  MESSAGE_COLUMNS,
  OUTBOX_COLUMNS,
  TICKET_COLUMNS,
  columnSubset,
  generateTenant,
  type ColumnSubset,
  type SeedCatalog,
  type SeedColumn,
  type SeedRow,
  type SeedType,
  type TenantPlan,
} from './seed-data.js';
import type { SeedReport } from './seed-sqlite.js';

/** Runs one statement on one session (a pg client, or PGlite). */
export type PgExec = (text: string, params?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;

const ARRAY_TYPE: Record<SeedType, string> = {
  text: 'text[]',
  ts: 'timestamptz[]',
  bool: 'boolean[]',
  int: 'integer[]',
  real: 'float8[]',
  json: 'jsonb[]',
};

function unnestSql(table: string, columns: readonly SeedColumn[]): string {
  const names = columns.map((c) => `"${c.name}"`).join(', ');
  const arrays = columns.map((c, i) => `$${i + 1}::${ARRAY_TYPE[c.type]}`).join(', ');
  return `insert into ${table} (${names}) select * from unnest(${arrays})`;
}

/** Rows to one array per column of `sub`; instants as ISO strings. */
function columnar(rows: SeedRow[], sub: ColumnSubset): unknown[][] {
  const { columns, indexes } = sub;
  const out = columns.map(() => new Array<unknown>(rows.length));
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    for (let c = 0; c < columns.length; c++) {
      const v = row[indexes[c]!];
      out[c]![r] = columns[c]!.type === 'ts' && typeof v === 'number' ? new Date(v).toISOString() : v;
    }
  }
  return out;
}

/**
 * Loads `plans` into `schema` (tables prefixed `prefix`, created by `migrate()`), on the
 * session `exec`. Sets each tenant's ticket counter to its ticket count.
 */
export async function seedPostgres(
  exec: PgExec,
  schema: string,
  prefix: string,
  plans: TenantPlan[],
  catalogs: SeedCatalog[],
): Promise<SeedReport> {
  const q = (table: string) => `"${schema}"."${prefix}${table}"`;
  await exec(`set maintenance_work_mem = '512MB'`).catch(() => undefined);

  const indexes = (
    await exec(
      `select indexname, indexdef from pg_indexes
        where schemaname = $1 and tablename like $2
          and indexname not in (select conname from pg_constraint where connamespace = $1::regnamespace)`,
      [schema, `${prefix}%`],
    )
  ).rows as { indexname: string; indexdef: string }[];
  const foreignKeys = (
    await exec(
      `select conrelid::regclass::text as tbl, conname, pg_get_constraintdef(oid) as def
         from pg_constraint where contype = 'f' and connamespace = $1::regnamespace`,
      [schema],
    )
  ).rows as { tbl: string; conname: string; def: string }[];
  for (const fk of foreignKeys) await exec(`alter table ${fk.tbl} drop constraint "${fk.conname}"`);
  for (const index of indexes) await exec(`drop index "${schema}"."${index.indexname}"`);

  const subset = async (table: string, columns: readonly SeedColumn[]) => {
    const present = await exec(
      `select column_name from information_schema.columns where table_schema = $1 and table_name = $2`,
      [schema, `${prefix}${table}`],
    );
    const sub = columnSubset(columns, new Set(present.rows.map((r) => String(r.column_name))));
    return { sub, sql: unnestSql(q(table), sub.columns) };
  };
  const tables = {
    tickets: await subset('tickets', TICKET_COLUMNS),
    messages: await subset('messages', MESSAGE_COLUMNS),
    audit: await subset('audit', AUDIT_COLUMNS),
    outbox: await subset('outbox', OUTBOX_COLUMNS),
  };
  const rows: Record<string, number> = { tickets: 0, messages: 0, audit: 0, outbox: 0 };

  const started = performance.now();
  for (let i = 0; i < plans.length; i++) {
    const plan = plans[i]!;
    for (const batch of generateTenant(plan, catalogs[i]!)) {
      // Tickets first: the foreign keys are checked when they are re-created.
      for (const table of ['tickets', 'messages', 'audit', 'outbox'] as const) {
        if (batch[table].length === 0) continue;
        const { sub, sql } = tables[table];
        await exec(sql, columnar(batch[table], sub));
        rows[table]! += batch[table].length;
      }
    }
    await exec(`insert into ${q('counters')} ("tenant_id", "key", "value") values ($1, '', $2)`, [plan.tenantId, plan.tickets]);
  }
  const loaded = performance.now();
  for (const index of indexes) await exec(index.indexdef);
  for (const fk of foreignKeys) await exec(`alter table ${fk.tbl} add constraint "${fk.conname}" ${fk.def}`);
  for (const table of ['tickets', 'messages', 'audit', 'outbox', 'counters']) await exec(`vacuum analyze ${q(table)}`);
  const missing = Object.entries(tables).flatMap(([t, { sub }]) => sub.missing.map((m) => `${t}.${m}`));
  return { rows, loadMs: loaded - started, indexMs: performance.now() - loaded, missing };
}
