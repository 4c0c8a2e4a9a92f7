/**
 * Migration 015: on SQLite, each message body's indexed text beside its position in
 * `message_search` (folded by `searchText`, padded with a space on each side), as
 * Postgres (a `tsvector`) and MySQL/MariaDB (the same padded text) have had since 007.
 *
 * Why: a search whose phrases are each in many messages (`invoice march`, `router
 * static`) gathered every hit of every phrase and intersected them: 1.1 s on SQLite at a
 * million tickets, with the process blocked all that time. Such a search now walks the
 * list and checks each walked ticket's messages for each phrase (`../search-walk.ts`),
 * which needs a message's text by its key: the contentless FTS5 table cannot give a
 * text back, and asking it about one message at a time costs a whole phrase query per
 * message (a prefix merges the postings of every word it begins, each time).
 *
 * Frozen once released, like 001: change the schema with a new migration.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { searchText } from '../../../src/search/search-text.js';
import type { MigrationContext } from './migration-context.js';

/** Messages read and written per statement while filling. */
const BATCH = 1000;

function qualify(ctx: MigrationContext, table: 'messages' | 'message_search'): string {
  const name = ctx.names.table(table);
  return ctx.names.schema === undefined ? name : `${ctx.names.schema}.${name}`;
}

/** Whether SQLite's `message_search` exists (this migration has run). */
export async function hasMessageSearchText(db: Kysely<any>, ctx: MigrationContext): Promise<boolean> {
  if (ctx.dialect.capabilities.fullText !== 'fts5') return false;
  const { rows } = await sql<{ n: number }>`
    select count(*) as n from sqlite_master where type = 'table' and name = ${ctx.names.table('message_search')}`.execute(db);
  return Number(rows[0]?.n ?? 0) > 0;
}

/**
 * Fills SQLite's `message_search` from the message bodies, in position order and
 * batches, as the store's writes compute it (the table is expected empty). Run by the
 * migration and by `rebuildSearchIndex` once this migration has run.
 */
export async function fillMessageSearchText(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  const messages = sql.table(qualify(ctx, 'messages'));
  const search = sql.table(qualify(ctx, 'message_search'));
  let after = 0;
  for (;;) {
    const { rows } = await sql<{ position: number; body: string }>`
      select position, body from ${messages} where position > ${after} order by position limit ${BATCH}`.execute(db);
    if (rows.length === 0) return;
    after = rows[rows.length - 1]!.position;
    const values = sql.join(rows.map((r) => sql`(${r.position}, ${` ${searchText(r.body)} `})`));
    await sql`insert into ${search} (position, search_text) values ${values}`.execute(db);
  }
}

/** Builds migration 015 for a dialect and set of names (SQLite only; nothing elsewhere). */
export function messageSearchTextMigration(ctx: MigrationContext): Migration {
  const fts5 = ctx.dialect.capabilities.fullText === 'fts5';
  const search = qualify(ctx, 'message_search');
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (!fts5) return;
      await db.schema
        .createTable(search)
        .addColumn('position', 'integer', (c) => c.primaryKey())
        .addColumn('search_text', ctx.types.text, (c) => c.notNull())
        .addForeignKeyConstraint(
          ctx.names.object('message_search_message_fk'),
          ['position'] as never,
          qualify(ctx, 'messages'),
          ['position'],
          (fk) => fk.onDelete('cascade'),
        )
        .execute();
      await fillMessageSearchText(db as Kysely<any>, ctx);
    },
    async down(db: Kysely<unknown>): Promise<void> {
      if (fts5) await db.schema.dropTable(search).ifExists().execute();
    },
  };
}
