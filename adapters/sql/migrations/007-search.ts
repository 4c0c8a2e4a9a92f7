/**
 * Migration 007: the full-text search index (`../search-queries.ts`), filled for the
 * tickets and messages that already exist.
 *
 * - SQLite (`fullText: 'fts5'`): `ticket_search` (a ticket's number key and its rowid in
 *   `ticket_fts`) and the contentless FTS5 tables `ticket_fts` and `message_fts`
 *   (rowid = `messages.position`), tokenised on spaces. Needs FTS5 with
 *   `contentless_delete` (SQLite 3.43+; better-sqlite3 bundles it).
 * - Postgres (`'tsvector'`): `ticket_search` and `message_search` with a `tsvector` each,
 *   GIN-indexed.
 * - MySQL/MariaDB (`'like'`): the same two tables with the padded text (no index on it:
 *   a FULLTEXT index is future work).
 *
 * Frozen once released, like 001: change the schema with a new migration.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { searchText } from '../../../src/search/search-text.js';
import { messageIndexText, ownIndexText, tsvectorLiteral } from '../search-queries.js';
import { numberKey } from '../search-values.js';
import { TableNamePlugin } from '../table-names.js';
import type { TicketryDatabase } from '../schema.js';
import type { MigrationContext } from './migration-context.js';
import { fillTicketSearchText } from './009-search-walk.js';
import { fillWalkColumns, hasWalkColumns } from './014-search-walk-order.js';
import { hasMessageSearchText } from './015-message-search-text.js';

type SearchTable = 'tickets' | 'messages' | 'ticket_search' | 'message_search' | 'ticket_fts' | 'message_fts';

function qualify(ctx: MigrationContext, table: SearchTable): string {
  const name = ctx.names.table(table);
  return ctx.names.schema === undefined ? name : `${ctx.names.schema}.${name}`;
}

/** Rows read and written per statement while (re)building. */
const BATCH = 500;

/** `db` with ticketry's names (schema, prefix), as the store's queries see it. */
function named(db: Kysely<any>, ctx: MigrationContext): Kysely<TicketryDatabase> {
  let out = db.withoutPlugins() as Kysely<TicketryDatabase>;
  if (ctx.names.schema !== undefined) out = out.withSchema(ctx.names.schema);
  return out.withPlugin(new TableNamePlugin(ctx.names));
}

/**
 * Recomputes the search index from the tickets and messages: empties it and indexes every
 * ticket's number and subject and every message body, in batches, with the texts computed
 * by `searchText` as the store's writes compute them. Migration 007 runs it to upgrade a
 * store that already has tickets; a bulk load that writes rows around the store (the
 * benchmark seed) runs it afterwards. Run it inside a transaction that holds off writers
 * (SQLite `begin immediate`; elsewhere `lockTableForRebuild` here), or the index misses
 * their changes.
 */
export async function rebuildSearchIndex(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  const fullText = ctx.dialect.capabilities.fullText;
  for (const table of ['tickets', 'messages'] as const) {
    const lock = ctx.dialect.lockTableForRebuild(sql.table(qualify(ctx, table)));
    if (lock !== null) await lock.execute(db);
  }
  const q = named(db, ctx);
  // SQLite after migration 015: each body's text beside its position, too.
  const messageTexts = await hasMessageSearchText(db, ctx);
  if (fullText === 'fts5') {
    for (const table of ['ticket_fts', 'message_fts'] as const) {
      const name = ctx.names.table(table);
      await sql`insert into ${sql.table(name)} (${sql.ref(name)}) values ('delete-all')`.execute(db);
    }
    if (messageTexts) await q.deleteFrom('message_search').execute();
  } else {
    await q.deleteFrom('message_search').execute();
  }
  await q.deleteFrom('ticket_search').execute();

  // Tickets, in key order. SQLite: the FTS rowids are given here, 1, 2, 3, ...
  let key = 0;
  let after: { tenant_id: string; id: string } | undefined;
  for (;;) {
    let page = q
      .selectFrom('tickets as t')
      .select(['t.tenant_id', 't.id', 't.number', 't.subject', 't.reseller_id', 't.subscriber_id'])
      .orderBy('t.tenant_id')
      .orderBy('t.id')
      .limit(BATCH);
    if (after !== undefined) {
      const last = after;
      page = page.where((eb) => eb(eb.refTuple('t.tenant_id', 't.id'), '>', eb.tuple(last.tenant_id, last.id)));
    }
    const rows = await page.execute();
    if (rows.length === 0) break;
    after = rows[rows.length - 1];
    const texts = rows.map((r) =>
      ownIndexText(fullText, { number: r.number, subject: r.subject, resellerId: r.reseller_id, subscriberId: r.subscriber_id }),
    );
    const keys = rows.map((r) => ({ tenant_id: r.tenant_id, ticket_id: r.id, number_key: numberKey(r.number) }));
    if (fullText === 'fts5') {
      await q.insertInto('ticket_search').values(keys.map((k, i) => ({ ...k, key: key + i + 1 }))).execute();
      await q.insertInto('ticket_fts').values(texts.map((text, i) => ({ rowid: key + i + 1, search_text: text }))).execute();
      key += rows.length;
    } else if (fullText === 'tsvector') {
      await q
        .insertInto('ticket_search')
        .values(keys.map((k, i) => ({ ...k, vector: sql`${tsvectorLiteral(texts[i]!)}::tsvector` })))
        .execute();
    } else {
      await q
        .insertInto('ticket_search')
        .values(keys.map((k, i) => ({ ...k, search_text: ` ${texts[i]!} ` })))
        .execute();
    }
  }

  // Messages, in position order.
  let position: number | string | bigint | undefined;
  for (;;) {
    let page = q
      .selectFrom('messages as m')
      .innerJoin('tickets as t', (join) => join.onRef('t.tenant_id', '=', 'm.tenant_id').onRef('t.id', '=', 'm.ticket_id'))
      .select(['m.position', 'm.body', 't.reseller_id', 't.subscriber_id'])
      .orderBy('m.position')
      .limit(BATCH);
    if (position !== undefined) page = page.where('m.position', '>', position);
    const rows = await page.execute();
    if (rows.length === 0) break;
    position = rows[rows.length - 1]!.position;
    if (fullText === 'fts5') {
      await q
        .insertInto('message_fts')
        .values(rows.map((r) => ({ rowid: r.position, search_text: messageIndexText(r) })))
        .execute();
      if (messageTexts) {
        await q
          .insertInto('message_search')
          .values(rows.map((r) => ({ position: r.position, search_text: ` ${searchText(r.body)} ` })))
          .execute();
      }
    } else if (fullText === 'tsvector') {
      await q
        .insertInto('message_search')
        .values(rows.map((r) => ({ position: r.position, vector: sql`${tsvectorLiteral(messageIndexText(r))}::tsvector` })))
        .execute();
    } else {
      await q
        .insertInto('message_search')
        .values(rows.map((r) => ({ position: r.position, search_text: ` ${searchText(r.body)} ` })))
        .execute();
    }
  }

  // SQLite after migration 009: each ticket's own text beside its key, too.
  if (fullText === 'fts5') {
    const name = ctx.names.table('ticket_search');
    const { rows } = await sql<{ n: number }>`select count(*) as n from pragma_table_info(${name}) where name = 'search_text'`.execute(db);
    if (Number(rows[0]?.n ?? 0) > 0) await fillTicketSearchText(db, ctx);
  }
  // After migration 014: each ticket's creation time and reseller beside its text (the walks' order).
  if (await hasWalkColumns(db, ctx)) await fillWalkColumns(db, ctx);
}

/** Builds migration 007 for a dialect and set of names. */
export function searchMigration(ctx: MigrationContext): Migration {
  const { names, types } = ctx;
  const fullText = ctx.dialect.capabilities.fullText;
  const ticketSearch = qualify(ctx, 'ticket_search');
  const messageSearch = qualify(ctx, 'message_search');
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      let tickets = db.schema.createTable(ticketSearch);
      if (fullText === 'fts5') tickets = tickets.addColumn('key', 'integer', (c) => c.primaryKey().autoIncrement());
      tickets = tickets
        .addColumn('tenant_id', types.key, (c) => c.notNull())
        .addColumn('ticket_id', types.key, (c) => c.notNull())
        .addColumn('number_key', types.key, (c) => c.notNull());
      if (fullText === 'tsvector') tickets = tickets.addColumn('vector', sql`tsvector`, (c) => c.notNull());
      if (fullText === 'like') tickets = tickets.addColumn('search_text', types.text, (c) => c.notNull());
      tickets =
        fullText === 'fts5'
          ? tickets.addUniqueConstraint(names.object('ticket_search_ticket_key'), ['tenant_id', 'ticket_id'] as never)
          : tickets.addPrimaryKeyConstraint(names.object('ticket_search_pk'), ['tenant_id', 'ticket_id'] as never);
      await tickets
        .addForeignKeyConstraint(
          names.object('ticket_search_ticket_fk'),
          ['tenant_id', 'ticket_id'] as never,
          qualify(ctx, 'tickets'),
          ['tenant_id', 'id'],
          (fk) => fk.onDelete('cascade'),
        )
        .execute();

      if (fullText === 'fts5') {
        // Contentless (the texts are not stored twice), rows deletable by rowid; the
        // `ascii` tokenizer splits on the spaces `searchText` put between the words (it
        // has no other ASCII separator, and takes every non-ASCII character as a letter).
        for (const table of ['ticket_fts', 'message_fts'] as const) {
          await sql`create virtual table ${sql.table(qualify(ctx, table))} using fts5(search_text, content='', contentless_delete=1, tokenize='ascii')`.execute(db);
        }
      } else {
        let messages = db.schema
          .createTable(messageSearch)
          .addColumn('position', types.position, (c) => c.primaryKey());
        messages =
          fullText === 'tsvector'
            ? messages.addColumn('vector', sql`tsvector`, (c) => c.notNull())
            : messages.addColumn('search_text', types.text, (c) => c.notNull());
        await messages
          .addForeignKeyConstraint(
            names.object('message_search_message_fk'),
            ['position'] as never,
            qualify(ctx, 'messages'),
            ['position'],
            (fk) => fk.onDelete('cascade'),
          )
          .execute();
      }

      await rebuildSearchIndex(db as Kysely<any>, ctx);

      // Indexes after the backfill: built once rather than row by row.
      await db.schema
        .createIndex(names.object('ticket_search_number_idx'))
        .on(ticketSearch)
        .columns(['tenant_id', 'number_key'])
        .execute();
      if (fullText === 'tsvector') {
        for (const [table, name] of [
          [ticketSearch, 'ticket_search_vector_idx'],
          [messageSearch, 'message_search_vector_idx'],
        ] as const) {
          await db.schema.createIndex(names.object(name)).on(table).using('gin').column('vector').execute();
        }
      }
    },

    async down(db: Kysely<unknown>): Promise<void> {
      if (fullText === 'fts5') {
        for (const table of ['ticket_fts', 'message_fts'] as const) {
          await sql`drop table if exists ${sql.table(qualify(ctx, table))}`.execute(db);
        }
      } else {
        await db.schema.dropTable(messageSearch).ifExists().execute();
      }
      await db.schema.dropTable(ticketSearch).ifExists().execute();
    },
  };
}
