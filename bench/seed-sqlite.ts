/**
 * Bulk-loads the generated data set into a migrated SQLite file through its own
 * better-sqlite3 handle: secondary indexes dropped during the load and rebuilt after
 * (the classic bulk-load recipe), foreign keys and fsync off on this handle only, one
 * prepared INSERT per table, one transaction per batch.
 */
import Database from 'better-sqlite3';
import {
  AUDIT_COLUMNS,
  MESSAGE_COLUMNS,
  OUTBOX_COLUMNS,
  TICKET_COLUMNS,
  columnSubset,
  generateTenant,
  type SeedCatalog,
  type SeedColumn,
  type SeedRow,
  type TenantPlan,
} from './seed-data.js';

/** What the load did, for the log. */
export interface SeedReport {
  rows: Record<string, number>;
  loadMs: number;
  indexMs: number;
  /** Generated columns the migrated tables do not have (left out). */
  missing: string[];
  /** Milliseconds of each rebuild of derived data after the load (stats buckets, list columns, search index). */
  rebuilds?: Record<string, number>;
}

function insertSql(table: string, columns: readonly SeedColumn[]): string {
  return `insert into "${table}" (${columns.map((c) => `"${c.name}"`).join(', ')}) values (${columns.map(() => '?').join(', ')})`;
}

/** The row's values at `indexes`; booleans as 0/1, like the store writes them. */
function sqliteRow(row: SeedRow, indexes: number[]): unknown[] {
  return indexes.map((i) => {
    const v = row[i];
    return v === true ? 1 : v === false ? 0 : v;
  });
}

/**
 * Loads `plans` (one per tenant) into `filename`, whose schema `migrate()` created with
 * table prefix `prefix`. Sets each tenant's ticket counter to its ticket count.
 */
export function seedSqlite(filename: string, prefix: string, plans: TenantPlan[], catalogs: SeedCatalog[]): SeedReport {
  const db = new Database(filename);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    db.pragma('foreign_keys = OFF');
    db.pragma('cache_size = -500000');
    db.pragma('temp_store = MEMORY');

    const indexes = db
      .prepare(`select name, sql from sqlite_master where type = 'index' and sql is not null and tbl_name like ?`)
      .all(`${prefix}%`) as { name: string; sql: string }[];
    for (const index of indexes) db.exec(`drop index "${index.name}"`);

    const subset = (table: string, columns: readonly SeedColumn[]) => {
      const present = db.prepare(`select name from pragma_table_info(?)`).all(`${prefix}${table}`) as { name: string }[];
      const sub = columnSubset(columns, new Set(present.map((p) => p.name)));
      return { sub, statement: db.prepare(insertSql(`${prefix}${table}`, sub.columns)) };
    };
    const tables = {
      tickets: subset('tickets', TICKET_COLUMNS),
      messages: subset('messages', MESSAGE_COLUMNS),
      audit: subset('audit', AUDIT_COLUMNS),
      outbox: subset('outbox', OUTBOX_COLUMNS),
    };
    const rows: Record<string, number> = { tickets: 0, messages: 0, audit: 0, outbox: 0 };
    const load = db.transaction((batch: Record<keyof typeof tables, SeedRow[]>) => {
      for (const table of Object.keys(tables) as (keyof typeof tables)[]) {
        const { sub, statement } = tables[table];
        for (const row of batch[table]) statement.run(sqliteRow(row, sub.indexes));
        rows[table]! += batch[table].length;
      }
    });

    const started = performance.now();
    plans.forEach((plan, i) => {
      for (const batch of generateTenant(plan, catalogs[i]!)) load(batch);
      db.prepare(`insert into "${prefix}counters" ("tenant_id", "key", "value") values (?, '', ?)`).run(plan.tenantId, plan.tickets);
    });
    const loaded = performance.now();
    for (const index of indexes) db.exec(index.sql);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const missing = Object.entries(tables).flatMap(([t, { sub }]) => sub.missing.map((m) => `${t}.${m}`));
    return { rows, loadMs: loaded - started, indexMs: performance.now() - loaded, missing };
  } finally {
    db.close();
  }
}
