/**
 * Bulk-loads the generated data set into a migrated MySQL/MariaDB database through a
 * mysql2 connection: foreign-key and unique checks off on this session only, rows sent
 * as multi-row `INSERT ... VALUES (...), (...)` per table and batch (a few hundred rows
 * per statement, well under `max_allowed_packet`), one transaction per generated batch,
 * then `ANALYZE TABLE`, as InnoDB's persistent statistics would be on a live database.
 * Instants are bound as UTC `'YYYY-MM-DD HH:MM:SS.mmm'` strings, as the store binds them.
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
  type TenantPlan,
} from './seed-data.js';
import type { SeedReport } from './seed-sqlite.js';

/** Runs one statement on one session (`?` placeholders, mysql2 `query`). */
export type MysqlExec = (text: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/** Rows per INSERT statement. */
const ROWS_PER_STATEMENT = 500;

function datetime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

function values(row: SeedRow, sub: ColumnSubset): unknown[] {
  return sub.indexes.map((index, c) => {
    const v = row[index];
    const type = sub.columns[c]!.type;
    if (type === 'ts' && typeof v === 'number') return datetime(v);
    if (type === 'ts' && typeof v === 'string') return datetime(Date.parse(v));
    if (v === true) return 1;
    if (v === false) return 0;
    return v ?? null;
  });
}

function insertSql(table: string, columns: readonly SeedColumn[], rows: number): string {
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  return `insert into ${table} (${columns.map((c) => `\`${c.name}\``).join(', ')}) values ${new Array(rows).fill(tuple).join(', ')}`;
}

/**
 * Loads `plans` into the current database (tables prefixed `prefix`, created by
 * `migrate()`), on the session `exec`. Sets each tenant's ticket counter to its ticket count.
 */
export async function seedMysql(exec: MysqlExec, prefix: string, plans: TenantPlan[], catalogs: SeedCatalog[]): Promise<SeedReport> {
  const q = (table: string) => `\`${prefix}${table}\``;
  await exec('set session foreign_key_checks = 0');
  await exec('set session unique_checks = 0');

  const subset = async (table: string, columns: readonly SeedColumn[]) => {
    const present = await exec(
      'select column_name as name from information_schema.columns where table_schema = database() and table_name = ?',
      [`${prefix}${table}`],
    );
    const sub = columnSubset(columns, new Set(present.map((r) => String(r.name))));
    return { sub, table: q(table) };
  };
  const tables = {
    tickets: await subset('tickets', TICKET_COLUMNS),
    messages: await subset('messages', MESSAGE_COLUMNS),
    audit: await subset('audit', AUDIT_COLUMNS),
    outbox: await subset('outbox', OUTBOX_COLUMNS),
  };
  const rows: Record<string, number> = { tickets: 0, messages: 0, audit: 0, outbox: 0 };
  const fullSql = Object.fromEntries(
    Object.entries(tables).map(([t, { sub, table }]) => [t, insertSql(table, sub.columns, ROWS_PER_STATEMENT)]),
  ) as Record<keyof typeof tables, string>;

  const started = performance.now();
  try {
    for (let i = 0; i < plans.length; i++) {
      const plan = plans[i]!;
      for (const batch of generateTenant(plan, catalogs[i]!)) {
        await exec('begin');
        for (const name of ['tickets', 'messages', 'audit', 'outbox'] as const) {
          const { sub, table } = tables[name];
          const all = batch[name];
          for (let at = 0; at < all.length; at += ROWS_PER_STATEMENT) {
            const chunk = all.slice(at, at + ROWS_PER_STATEMENT);
            const sql = chunk.length === ROWS_PER_STATEMENT ? fullSql[name] : insertSql(table, sub.columns, chunk.length);
            await exec(sql, chunk.flatMap((row) => values(row, sub)));
          }
          rows[name]! += all.length;
        }
        await exec('commit');
      }
      await exec(`insert into ${q('counters')} (\`tenant_id\`, \`key\`, \`value\`) values (?, '', ?)`, [plan.tenantId, plan.tickets]);
    }
  } finally {
    await exec('set session foreign_key_checks = 1');
    await exec('set session unique_checks = 1');
  }
  const loaded = performance.now();
  await exec(`analyze table ${['tickets', 'messages', 'audit', 'outbox', 'counters'].map(q).join(', ')}`);
  const missing = Object.entries(tables).flatMap(([t, { sub }]) => sub.missing.map((m) => `${t}.${m}`));
  return { rows, loadMs: loaded - started, indexMs: performance.now() - loaded, missing };
}
