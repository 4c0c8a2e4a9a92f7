/**
 * Full-text search: the condition a list's `search` adds, the relevance rank, and the
 * index upkeep every ticket and message write calls.
 *
 * FOUNDATION STUB (issue 13): LIKE over the raw columns, to be replaced by the indexed
 * search of migration 007 (Postgres tsvector + GIN, SQLite FTS5, MySQL/MariaDB LIKE over
 * `search_text`), agreeing with `src/search/search-match.ts`.
 */
import { sql, type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool } from 'kysely';
import type { StoreScope, StoreSearch, StoreSearchPhrase } from '../../src/store.js';
import type { Message } from '../../src/types.js';
import { containsPattern, type QueryContext, type WithTicketAlias } from './query-context.js';

type TicketEb = ExpressionBuilder<WithTicketAlias, 't'>;

function like(ctx: QueryContext, value: Expression<string>, phrase: StoreSearchPhrase): Expression<SqlBool> {
  return sql<SqlBool>`${ctx.hooks.fold(value)} like ${containsPattern(phrase.words.join(' '))} escape ${'\\'}`;
}

function numberIs(ctx: QueryContext, eb: TicketEb, search: StoreSearch): Expression<SqlBool> {
  return sql<SqlBool>`${ctx.hooks.fold(eb.ref('t.number'))} = ${search.number.toLowerCase()}`;
}

function inTicketText(ctx: QueryContext, eb: TicketEb, phrase: StoreSearchPhrase): Expression<SqlBool> {
  return eb.or([like(ctx, eb.ref('t.number'), phrase), like(ctx, eb.ref('t.subject'), phrase)]);
}

/** Whether the ticket `t` matches `search` for `scope` (bodies filtered by its visibility). */
export function searchCondition(ctx: QueryContext, eb: TicketEb, scope: StoreScope, search: StoreSearch): Expression<SqlBool> {
  const phrases = search.phrases.map((phrase) =>
    eb.or([
      inTicketText(ctx, eb, phrase),
      eb.exists(
        (eb as unknown as ExpressionBuilder<any, any>)
          .selectFrom('messages as b')
          .select(sql.lit(1).as('one'))
          .whereRef('b.tenant_id', '=', 't.tenant_id')
          .whereRef('b.ticket_id', '=', 't.id')
          .where((e) => {
            const conditions: Expression<SqlBool>[] = [like(ctx, e.ref('b.body'), phrase)];
            if (scope.visibility === 'customer') {
              conditions.push(e('b.internal', '=', ctx.hooks.toBoolean(false)));
              conditions.push(e('b.hidden', '=', ctx.hooks.toBoolean(false)));
            }
            return e.and(conditions);
          }),
      ),
    ]),
  );
  const all = phrases.length > 0 ? [eb.and(phrases)] : [];
  return eb.or([numberIs(ctx, eb, search), ...all]);
}

/** The ticket's `searchRank` (see `StoreTicketSummary`). */
export function searchRank(ctx: QueryContext, eb: TicketEb, search: StoreSearch): RawBuilder<number> {
  const own = search.phrases.length > 0 ? eb.and(search.phrases.map((p) => inTicketText(ctx, eb, p))) : sql<SqlBool>`1 = 0`;
  return sql<number>`case when ${numberIs(ctx, eb, search)} then 2 when ${own} then 1 else 0 end`;
}

/** Indexes a new ticket's number and subject (and re-indexes after a subject change). */
export async function indexTicket(
  _ctx: QueryContext,
  _tenantId: string,
  _ticket: { id: string; number: string; subject: string },
): Promise<void> {}

/** Re-indexes a ticket whose subject changed. */
export async function reindexTicket(_ctx: QueryContext, _tenantId: string, _ticketId: string): Promise<void> {}

/** Indexes a new message's body. */
export async function indexMessage(_ctx: QueryContext, _tenantId: string, _message: Message): Promise<void> {}

/** Re-indexes a message whose body was edited. */
export async function reindexMessage(_ctx: QueryContext, _tenantId: string, _messageId: string, _body: string): Promise<void> {}
