/**
 * Migration 011: on MySQL and MariaDB (`capabilities.likeIndex: 'innodb-fulltext'`), an
 * InnoDB `FULLTEXT` index on `ticket_search.search_text` and `message_search.search_text`,
 * from which a search takes each phrase's candidates before the exact LIKE check
 * (`../search-queries.ts`). SQLite and Postgres: nothing (their indexes are 007's).
 *
 * Built without stopwords (`innodb_ft_enable_stopword = 0` for the session that creates
 * them; InnoDB keeps that choice with the index, for every later write and query): the
 * indexed texts are `searchText`'s words, and a stopword missing from the index would make
 * a search for it find nothing. Each table is rebuilt with the index (`ALGORITHM=COPY`;
 * the first FULLTEXT index of a table rebuilds it anyway, to add InnoDB's hidden
 * `FTS_DOC_ID` column): minutes at millions of messages, reads go on, writes wait. Not
 * in place: on MariaDB 10.11 an index added in place again after 011's down (the table
 * keeping its `FTS_DOC_ID`), moments after writes, came out empty and found nothing.
 *
 * Frozen once released, like 001: change the schema with a new migration.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import type { MigrationContext } from './migration-context.js';

/** The two tables and their index names. */
function indexes(ctx: MigrationContext): { table: string; index: string }[] {
  const qualify = (table: 'ticket_search' | 'message_search') => {
    const name = ctx.names.table(table);
    return ctx.names.schema === undefined ? name : `${ctx.names.schema}.${name}`;
  };
  return [
    { table: qualify('ticket_search'), index: ctx.names.object('ticket_search_text_ft') },
    { table: qualify('message_search'), index: ctx.names.object('message_search_text_ft') },
  ];
}

/** Builds migration 011 for a dialect and set of names. */
export function fullTextMigration(ctx: MigrationContext): Migration {
  const innodb = ctx.dialect.capabilities.likeIndex === 'innodb-fulltext';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (!innodb) return;
      // One connection: the session setting must hold for the statements that build.
      await db.connection().execute(async (conn) => {
        const { rows } = await sql<{ on: number | string }>`select @@session.innodb_ft_enable_stopword as ${sql.ref('on')}`.execute(conn);
        const before = Number(rows[0]?.on ?? 1) ? 1 : 0;
        await sql`set session innodb_ft_enable_stopword = 0`.execute(conn);
        try {
          for (const { table, index } of indexes(ctx)) {
            await sql`alter table ${sql.table(table)} add fulltext index ${sql.ref(index)} (${sql.ref('search_text')}), algorithm = copy`.execute(conn);
          }
        } finally {
          await sql`set session innodb_ft_enable_stopword = ${sql.raw(String(before))}`.execute(conn);
        }
      });
    },
    async down(db: Kysely<unknown>): Promise<void> {
      if (!innodb) return;
      for (const { table, index } of indexes(ctx)) {
        await sql`alter table ${sql.table(table)} drop index ${sql.ref(index)}`.execute(db);
      }
    },
  };
}
