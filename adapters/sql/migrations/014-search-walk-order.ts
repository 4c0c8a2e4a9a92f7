/**
 * Migration 014: each ticket's creation time and reseller beside its own indexed text in
 * `ticket_search` (`created_at`, `reseller_id`: copies of the ticket's, which never
 * change), and on the dialects whose searches walk the list (`../search-walk.ts`: SQLite
 * and Postgres) `ticket_search_walk_idx` on (tenant, created_at, ticket) and
 * `ticket_search_reseller_walk_idx` on (tenant, reseller, created_at, ticket), so a
 * tenant-wide or a reseller's walk reads the own texts newest first from one index:
 * SQLite's hold the number key and the padded text too (covering indexes: the walk reads
 * nothing else), Postgres's the number key (the `tsvector` is read from the row, which
 * lies beside the rows created around it). On SQLite the exact-number index becomes
 * (tenant, number key, ticket), covering like the walk's (see `up`).
 *
 * Why: a walk read the tenant's tickets newest first from the tickets' created-at index
 * and looked each one's `ticket_search` row up by key: two lookups in two large b-trees
 * per walked ticket. At 1.1M tickets a walk of about 1,000 tickets for a phrase in one
 * subject in twenty took 5.4 ms on SQLite; read in order from this index, 1.05 ms (the
 * same machine and load, the same 51 rows).
 *
 * A row written without them (by a process still running the code before this migration,
 * during a rolling upgrade) is not walked: `store.rebuildSearchIndex()` fills it (see
 * `fillWalkColumns`).
 *
 * Frozen once released, like 001: change the schema with a new migration.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { MigrationContext } from './migration-context.js';

function qualify(ctx: MigrationContext, table: 'tickets' | 'ticket_search'): string {
  const name = ctx.names.table(table);
  return ctx.names.schema === undefined ? name : `${ctx.names.schema}.${name}`;
}

/**
 * Copies each ticket's `created_at` and `reseller_id` to its `ticket_search` row where
 * that row has none (every row, after the migration adds the columns or a rebuild
 * refills the table). One statement of correlated subqueries every dialect runs (an
 * UPDATE with a join is spelled three ways). Run by the migration and by
 * `rebuildSearchIndex` once this migration has run.
 */
export async function fillWalkColumns(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  const search = sql.table(qualify(ctx, 'ticket_search'));
  const tickets = sql.table(qualify(ctx, 'tickets'));
  const searchName = sql.table(ctx.names.table('ticket_search'));
  const of = (column: 'created_at' | 'reseller_id') => sql`(
      select ${sql.ref(`t.${column}`)} from ${tickets} as t
      where t.tenant_id = ${searchName}.tenant_id and t.id = ${searchName}.ticket_id)`;
  await sql`
    update ${search} set created_at = ${of('created_at')}, reseller_id = ${of('reseller_id')}
    where created_at is null`.execute(db);
}

/**
 * Whether `ticket_search` has this migration's columns (for `rebuildSearchIndex`, which
 * migration 007 runs before they exist).
 */
export async function hasWalkColumns(db: Kysely<any>, ctx: MigrationContext): Promise<boolean> {
  // The catalogue to ask, told by the full-text capability as migration 007 tells it:
  // SQLite (fts5), Postgres (tsvector), MySQL/MariaDB (like).
  const fullText = ctx.dialect.capabilities.fullText;
  const table = ctx.names.table('ticket_search');
  const schema =
    ctx.names.schema === undefined
      ? fullText === 'like'
        ? sql`database()`
        : sql`current_schema()`
      : sql`${ctx.names.schema}`;
  const { rows } =
    fullText === 'fts5'
      ? await sql<{ n: unknown }>`select count(*) as n from pragma_table_info(${table}) where name = 'created_at'`.execute(db)
      : await sql<{ n: unknown }>`
          select count(*) as n from information_schema.columns
          where table_schema = ${schema} and table_name = ${table} and column_name = 'created_at'`.execute(db);
  return Number(rows[0]?.n ?? 0) > 0;
}

/** Whether `ticket_search` has migration 011's InnoDB FULLTEXT index (MySQL/MariaDB). */
const hasFulltextIndex = (ctx: MigrationContext): boolean => ctx.dialect.capabilities.likeIndex === 'innodb-fulltext';

/**
 * Runs `fn` on one connection whose session indexes no stopwords, where the store's
 * FULLTEXT indexes need it (MySQL/MariaDB, `capabilities.likeIndex`): a column added to
 * or dropped from `ticket_search` rebuilds the table and its FULLTEXT index with the
 * session's stopwords (MariaDB 10.11 adds no column instantly to a table with one), and
 * an index holding none must stay so (migration 011). Elsewhere `fn(db)`.
 */
async function withoutStopwords(db: Kysely<unknown>, ctx: MigrationContext, fn: (db: Kysely<unknown>) => Promise<void>): Promise<void> {
  if (!hasFulltextIndex(ctx)) return fn(db);
  await db.connection().execute(async (conn) => {
    const { rows } = await sql<{ on: number | string }>`select @@session.innodb_ft_enable_stopword as ${sql.ref('on')}`.execute(conn);
    const before = Number(rows[0]?.on ?? 1) ? 1 : 0;
    await sql`set session innodb_ft_enable_stopword = 0`.execute(conn);
    try {
      await fn(conn);
    } finally {
      await sql`set session innodb_ft_enable_stopword = ${sql.raw(String(before))}`.execute(conn);
    }
  });
}

/** Builds migration 014 for a dialect and set of names. */
export function searchWalkOrderMigration(ctx: MigrationContext): Migration {
  const fullText = ctx.dialect.capabilities.fullText;
  const search = qualify(ctx, 'ticket_search');
  const index = ctx.names.object('ticket_search_walk_idx');
  const resellerIndex = ctx.names.object('ticket_search_reseller_walk_idx');
  const numberIndex = ctx.names.object('ticket_search_number_id_idx');
  const fulltextIndexed = hasFulltextIndex(ctx);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await withoutStopwords(db, ctx, async (conn) => {
        const alter = conn.schema.alterTable(search);
        if (fulltextIndexed) {
          // Both in one statement: one rebuild of the table.
          await alter.addColumn('created_at', ctx.types.timestamp).addColumn('reseller_id', ctx.types.key).execute();
        } else {
          // SQLite adds one column per statement.
          await alter.addColumn('created_at', ctx.types.timestamp).execute();
          await alter.addColumn('reseller_id', ctx.types.key).execute();
        }
      });
      await fillWalkColumns(db as Kysely<any>, ctx);
      // The indexes after the fill: built once rather than row by row.
      if (fullText === 'fts5') {
        for (const [name, owner] of [[index, []], [resellerIndex, ['reseller_id']]] as const) {
          await db.schema
            .createIndex(name)
            .on(search)
            .columns(['tenant_id', ...owner, 'created_at', 'ticket_id', 'number_key', 'search_text'])
            .execute();
        }
        // The exact-number lookup, covering too: SQLite (no statistics) took the walk's
        // covering index, equal on the tenant alone, over 007's (tenant, number_key), which
        // needed the row for the ticket id, and read the tenant's every text for it.
        await db.schema.createIndex(numberIndex).on(search).columns(['tenant_id', 'number_key', 'ticket_id']).execute();
        await db.schema.dropIndex(ctx.names.object('ticket_search_number_idx')).execute();
      } else if (fullText === 'tsvector') {
        await sql`create index ${sql.id(index)} on ${sql.table(search)} (tenant_id, created_at, ticket_id) include (number_key)`.execute(db);
        await sql`create index ${sql.id(resellerIndex)} on ${sql.table(search)} (tenant_id, reseller_id, created_at, ticket_id) include (number_key)`.execute(db);
      }
    },
    async down(db: Kysely<unknown>): Promise<void> {
      const schema = ctx.names.schema === undefined ? db.schema : db.schema.withSchema(ctx.names.schema);
      if (fullText === 'fts5') {
        await db.schema.createIndex(ctx.names.object('ticket_search_number_idx')).on(search).columns(['tenant_id', 'number_key']).execute();
        await schema.dropIndex(numberIndex).execute();
      }
      if (fullText !== 'like') {
        await schema.dropIndex(index).execute();
        await schema.dropIndex(resellerIndex).execute();
      }
      await withoutStopwords(db, ctx, async (conn) => {
        const alter = conn.schema.alterTable(search);
        if (fulltextIndexed) {
          await alter.dropColumn('reseller_id').dropColumn('created_at').execute();
        } else {
          await alter.dropColumn('reseller_id').execute();
          await alter.dropColumn('created_at').execute();
        }
      });
    },
  };
}
