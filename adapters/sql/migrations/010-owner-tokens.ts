/**
 * Migration 010: the owner tokens (`../owner-tokens.ts`) in every indexed text, so a
 * reseller's or a customer's search narrows its hits inside the index. It rewrites what
 * was indexed before it: each ticket's own text (SQLite: its FTS5 row and padded
 * `search_text`; Postgres: its `tsvector`) and each message's (SQLite: its FTS5 row,
 * recomputed from the body, since the table is contentless; Postgres: the tokens
 * appended to its `tsvector` in SQL). The LIKE dialects (MySQL, MariaDB) store no tokens:
 * nothing to do there. Down strips the tokens again.
 *
 * Cost: one pass over the tickets and one over the messages, in batches; measured at
 * 1,000,000 tickets and 3,100,000 messages in README ("Search").
 *
 * Frozen once released, like 001: change the schema with a new migration.
 */
import { sql, type Kysely, type Migration } from 'kysely';
import { TOKEN_MARK, ownerTokensSql } from '../owner-tokens.js';
import { messageIndexText, ownIndexText, ticketSearchText } from '../search-queries.js';
import { searchText } from '../../../src/search/search-text.js';
import type { MigrationContext } from './migration-context.js';

/** Tickets rewritten per batch. */
const BATCH = 500;

type Table = 'tickets' | 'ticket_search' | 'ticket_fts' | 'messages' | 'message_search' | 'message_fts';

function qualify(ctx: MigrationContext, table: Table): string {
  const name = ctx.names.table(table);
  return ctx.names.schema === undefined ? name : `${ctx.names.schema}.${name}`;
}

interface OwnRow {
  key: string;
  tenant_id: string;
  ticket_id: string;
  number: string;
  subject: string;
  reseller_id: string | null;
  subscriber_id: string;
}

/**
 * Rewrites every ticket's own indexed text with (or without) its owner tokens. SQLite:
 * from its number and subject, in batches keyed by the ticket (the FTS5 table cannot
 * give a text back). Postgres: the tokens appended to (or deleted from) the stored vector.
 */
export async function rewriteOwnTexts(db: Kysely<any>, ctx: MigrationContext, withTokens: boolean): Promise<void> {
  const fullText = ctx.dialect.capabilities.fullText;
  if (fullText === 'like') return;
  const search = sql.table(qualify(ctx, 'ticket_search'));
  const tickets = sql.table(qualify(ctx, 'tickets'));
  if (fullText === 'tsvector') {
    // One statement: the tokens appended to (or deleted from) each stored vector. Batches
    // of keyset reads got slower with every batch inside the migration's transaction.
    await sql`update ${search} as s set vector = ${tokenChange(withTokens, 's.vector')}
      from ${tickets} as t where t.tenant_id = s.tenant_id and t.id = s.ticket_id`.execute(db);
    return;
  }
  const textOf = (r: OwnRow) =>
    withTokens
      ? ownIndexText(fullText, { number: r.number, subject: r.subject, resellerId: r.reseller_id, subscriberId: r.subscriber_id })
      : ticketSearchText(r.number, r.subject);
  let after: { tenant: string; ticket: string } | undefined;
  for (;;) {
    // The keyset on both sides of the join: Postgres merge-joins the two primary keys, and
    // a condition on one side only read the other from its start on every batch.
    const from =
      after === undefined
        ? sql``
        : sql`where (s.tenant_id, s.ticket_id) > (${after.tenant}, ${after.ticket}) and (t.tenant_id, t.id) > (${after.tenant}, ${after.ticket})`;
    const { rows } = await sql<OwnRow>`
      select s.key as key, s.tenant_id as tenant_id, s.ticket_id as ticket_id, t.number as number, t.subject as subject,
             t.reseller_id as reseller_id, t.subscriber_id as subscriber_id
      from ${search} as s
      join ${tickets} as t on t.tenant_id = s.tenant_id and t.id = s.ticket_id
      ${from}
      order by s.tenant_id, s.ticket_id
      limit ${BATCH}`.execute(db);
    if (rows.length === 0) return;
    const last = rows[rows.length - 1]!;
    after = { tenant: last.tenant_id, ticket: last.ticket_id };
    const fts = sql.table(qualify(ctx, 'ticket_fts'));
    const keys = sql.join(rows.map((r) => sql`${r.key}`));
    await sql`delete from ${fts} where rowid in (${keys})`.execute(db);
    await sql`insert into ${fts} (rowid, search_text) values ${sql.join(rows.map((r) => sql`(${r.key}, ${textOf(r)})`))}`.execute(db);
    const values = sql.join(rows.map((r) => sql`(${r.key}, ${` ${textOf(r)} `})`));
    await sql`
      with v(key, search_text) as (values ${values})
      update ${search} set search_text = (select v.search_text from v where v.key = ${search}.key)
      where key in (select key from v)`.execute(db);
  }
}

/**
 * Postgres: the vector at `column` with the owner tokens of the ticket row `t` appended,
 * or with every token (a lexeme starting with the mark) deleted.
 */
function tokenChange(withTokens: boolean, column: string) {
  const vector = sql.ref(column);
  return withTokens
    ? sql`${vector} || (${ownerTokensSql('tsvector', 't')})::tsvector`
    : sql`ts_delete(${vector}, array(select u.lexeme from unnest(${vector}) as u where left(u.lexeme, 1) = ${TOKEN_MARK}))`;
}

/** Messages rewritten per batch on SQLite (each body is folded again in JavaScript). */
const MESSAGE_BATCH = 1000;
/** Message positions per statement on Postgres (the rewrite is done in SQL). */
const POSITION_RANGE = 20_000;

/**
 * Rewrites every message's indexed text with (or without) its ticket's owner tokens.
 * SQLite: the contentless FTS5 table cannot give a text back, so each body is folded
 * again, as `rebuildSearchIndex` does. Postgres: in SQL, by position ranges, the tokens
 * appended to the stored `tsvector` (or deleted from it).
 */
export async function rewriteMessageTexts(db: Kysely<any>, ctx: MigrationContext, withTokens: boolean): Promise<void> {
  const fullText = ctx.dialect.capabilities.fullText;
  if (fullText === 'like') return;
  const messages = sql.table(qualify(ctx, 'messages'));
  const tickets = sql.table(qualify(ctx, 'tickets'));
  if (fullText === 'tsvector') {
    const search = sql.table(qualify(ctx, 'message_search'));
    const { rows } = await sql<{ top: string | number | null }>`select max(position) as top from ${search}`.execute(db);
    const top = Number(rows[0]?.top ?? 0);
    for (let low = 0; low < top; low += POSITION_RANGE) {
      const range = sql`x.position > ${low} and x.position <= ${low + POSITION_RANGE}`;
      await sql`
        update ${search} as x set vector = ${tokenChange(withTokens, 'x.vector')}
        from ${messages} as m join ${tickets} as t on t.tenant_id = m.tenant_id and t.id = m.ticket_id
        where m.position = x.position and ${range}`.execute(db);
    }
    return;
  }
  const fts = sql.table(qualify(ctx, 'message_fts'));
  let after = 0;
  for (;;) {
    const { rows } = await sql<{ position: number; body: string; reseller_id: string | null; subscriber_id: string }>`
      select m.position as position, m.body as body, t.reseller_id as reseller_id, t.subscriber_id as subscriber_id
      from ${messages} as m join ${tickets} as t on t.tenant_id = m.tenant_id and t.id = m.ticket_id
      where m.position > ${after}
      order by m.position
      limit ${MESSAGE_BATCH}`.execute(db);
    if (rows.length === 0) return;
    after = rows[rows.length - 1]!.position;
    await sql`delete from ${fts} where rowid in (${sql.join(rows.map((r) => sql`${r.position}`))})`.execute(db);
    const values = rows.map((r) => sql`(${r.position}, ${withTokens ? messageIndexText(r) : searchText(r.body)})`);
    await sql`insert into ${fts} (rowid, search_text) values ${sql.join(values)}`.execute(db);
  }
}

/** Builds migration 010 for a dialect and set of names. */
export function ownerTokensMigration(ctx: MigrationContext): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await rewriteOwnTexts(db as Kysely<any>, ctx, true);
      await rewriteMessageTexts(db as Kysely<any>, ctx, true);
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await rewriteOwnTexts(db as Kysely<any>, ctx, false);
      await rewriteMessageTexts(db as Kysely<any>, ctx, false);
    },
  };
}
