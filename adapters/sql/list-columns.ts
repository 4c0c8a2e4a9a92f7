/**
 * What a list row shows of a ticket's thread, kept on the ticket row (migration 006) so
 * a queue page is one index range scan: reply counts and the last reply time, once as
 * staff see them (`reply_count`, `last_reply_at`) and once as the customer does
 * (`public_reply_count`, `public_last_reply_at`: without internal notes and hidden
 * messages). A reply is a customer or staff message that is not the ticket's opening
 * message; system notes never count.
 *
 * Maintained in the write transaction of every message change: an inserted reply adds
 * itself with one UPDATE (`countInsertedMessage`); a hide, an unhide, a merge or a split
 * recounts the tickets it touched from their messages (`recountTickets`). Migration 006
 * and the benchmark seeds recount every ticket (`recountAllTickets`).
 */
import { sql, type ExpressionBuilder, type Kysely, type RawBuilder } from 'kysely';
import type { Message } from '../../src/types.js';
import { runCached, type QueryContext } from './query-context.js';
import type { TicketryDatabase } from './schema.js';

/** Ticket ids per `IN (...)` list: well under every dialect's bound-parameter limit. */
const RECOUNT_CHUNK = 500;

/** Whether a message is a reply a list row counts (for staff). */
function isReply(message: Pick<Message, 'opening' | 'authorType'>): boolean {
  return !message.opening && (message.authorType === 'customer' || message.authorType === 'staff');
}

/** Whether a reply is one the customer may count as well. */
function isPublic(message: Pick<Message, 'internal' | 'hidden'>): boolean {
  return !message.internal && !message.hidden;
}

/** `column`, moved forward to `at` when it is null or earlier. */
function latest(column: 'last_reply_at' | 'public_last_reply_at', at: unknown): RawBuilder<unknown> {
  const ref = sql.ref(column);
  return sql`case when ${ref} is null or ${ref} < ${at} then ${at} else ${ref} end`;
}

/**
 * Counts a message just inserted into its ticket's list columns: one UPDATE for a reply
 * (the customer's columns too when it is neither internal nor hidden), nothing for an
 * opening message or a system note.
 */
export async function countInsertedMessage(ctx: QueryContext, tenantId: string, message: Message): Promise<void> {
  if (!isReply(message)) return;
  const visible = isPublic(message);
  await runCached(ctx, `count reply${visible ? ', public' : ''}`, [ctx.hooks.toDate(message.createdAt), tenantId, message.ticketId], ([at, tenant, ticket]) => {
    const set: Record<string, RawBuilder<unknown>> = {
      reply_count: sql`${sql.ref('reply_count')} + 1`,
      last_reply_at: latest('last_reply_at', at),
    };
    if (visible) {
      set.public_reply_count = sql`${sql.ref('public_reply_count')} + 1`;
      set.public_last_reply_at = latest('public_last_reply_at', at);
    }
    return ctx.db
      .updateTable('tickets')
      .set(set)
      .where('tenant_id', '=', tenant as string)
      .where('id', '=', ticket as string);
  });
}

/**
 * The four columns as correlated subqueries over the ticket's messages (the thread
 * index: tenant, ticket). Booleans are compared with SQL literals, not bound values, so
 * the same statement serves the migration, which has no value hooks.
 */
function recountedColumns(eb: ExpressionBuilder<TicketryDatabase, 'tickets'>) {
  const replies = (customer: boolean) => {
    let query = eb
      .selectFrom('messages as m')
      .whereRef('m.tenant_id', '=', 'tickets.tenant_id')
      .whereRef('m.ticket_id', '=', 'tickets.id')
      .where('m.opening', '=', sql.lit(false))
      .where('m.author_type', 'in', [sql.lit('customer'), sql.lit('staff')]);
    if (customer) query = query.where('m.internal', '=', sql.lit(false)).where('m.hidden', '=', sql.lit(false));
    return query;
  };
  return {
    reply_count: replies(false).select((e) => e.fn.countAll().as('n')),
    last_reply_at: replies(false).select((e) => e.fn.max('m.created_at').as('at')),
    public_reply_count: replies(true).select((e) => e.fn.countAll().as('n')),
    public_last_reply_at: replies(true).select((e) => e.fn.max('m.created_at').as('at')),
  };
}

/**
 * Recomputes the list columns of `ticketIds` from their messages (after a hide, an
 * unhide, a merge or a split): one UPDATE per 500 tickets.
 */
export async function recountTickets(ctx: QueryContext, tenantId: string, ticketIds: readonly string[]): Promise<void> {
  const ids = [...new Set(ticketIds)];
  for (let i = 0; i < ids.length; i += RECOUNT_CHUNK) {
    await ctx.db
      .updateTable('tickets')
      .set((eb) => recountedColumns(eb) as never)
      .where('tenant_id', '=', tenantId)
      .where('id', 'in', ids.slice(i, i + RECOUNT_CHUNK))
      .execute();
  }
}

/**
 * Recomputes the list columns of every ticket of every tenant, in one UPDATE. `db`
 * carries ticketry's table names (`TableNamePlugin`, and the schema where there is one).
 * Run it inside a transaction that holds off message writers, or the columns miss their
 * changes.
 */
export async function recountAllTickets(db: Kysely<TicketryDatabase>): Promise<void> {
  await db
    .updateTable('tickets')
    .set((eb) => recountedColumns(eb) as never)
    .execute();
}
