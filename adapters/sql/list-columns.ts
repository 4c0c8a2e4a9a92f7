/**
 * What a list row shows of a ticket's thread, kept on the ticket row (migration 006) so
 * a queue page is one index range scan: reply counts and the last reply time, once as
 * staff see them (`reply_count`, `last_reply_at`) and once as the customer does
 * (`public_reply_count`, `public_last_reply_at`: without internal notes and hidden
 * messages). A reply is a customer or staff message that is not the ticket's opening
 * message; system notes never count.
 *
 * Maintained in the write transaction of every message change: an inserted reply adds
 * itself with one UPDATE (`countInsertedMessage`), or within the ticket's own UPDATE when
 * the transaction updates the ticket next (`PendingReplies`); a hide, an unhide, a merge or a split
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
 * Replies inserted into one ticket and not yet counted in its list columns: a write
 * transaction holds them back (`SqlTx`) so that the ticket's UPDATE that usually follows
 * counts them in the same statement (`countedColumns`); otherwise they are counted on
 * their own (`countReplies`) before the transaction's next statement.
 */
export interface PendingReplies {
  tenantId: string;
  ticketId: string;
  /** Replies staff can see, and the latest of them. */
  n: number;
  at: Date;
  /** Of those, replies the customer can see (neither internal nor hidden), and the latest. */
  publicN: number;
  publicAt: Date | null;
}

/**
 * Adds a message just inserted to `pending` (for its ticket) and returns it: `undefined`
 * for a message no list row counts (an opening message or a system note), and a new
 * record when `pending` is for another ticket (the caller counts that one first).
 */
export function addReply(pending: PendingReplies | undefined, tenantId: string, message: Message): PendingReplies | undefined {
  if (!isReply(message)) return pending;
  const same = pending !== undefined && pending.tenantId === tenantId && pending.ticketId === message.ticketId;
  const base: PendingReplies = same ? pending : { tenantId, ticketId: message.ticketId, n: 0, at: message.createdAt, publicN: 0, publicAt: null };
  const later = (a: Date | null, b: Date) => (a === null || a < b ? b : a);
  return {
    ...base,
    n: base.n + 1,
    at: later(base.at, message.createdAt),
    ...(isPublic(message) ? { publicN: base.publicN + 1, publicAt: later(base.publicAt, message.createdAt) } : {}),
  };
}

/**
 * The statement cache key part and the arguments of `pending`'s SET clause: what
 * `countedColumns` needs, in order.
 */
export function countArgs(ctx: QueryContext, pending: PendingReplies): { key: string; args: unknown[] } {
  const args: unknown[] = [pending.n, ctx.hooks.toDate(pending.at)];
  if (pending.publicN === 0) return { key: 'count replies', args };
  args.push(pending.publicN, ctx.hooks.toDate(pending.publicAt!));
  return { key: 'count replies, public', args };
}

/**
 * The list columns' SET expressions for the arguments `countArgs` gave (as the
 * placeholders `runCached` hands a statement's `build`): the counts raised, the last
 * reply times moved forward.
 */
export function countedColumns(args: readonly unknown[]): Record<string, RawBuilder<unknown>> {
  const set: Record<string, RawBuilder<unknown>> = {
    reply_count: sql`${sql.ref('reply_count')} + ${args[0]}`,
    last_reply_at: latest('last_reply_at', args[1]),
  };
  if (args.length > 2) {
    set.public_reply_count = sql`${sql.ref('public_reply_count')} + ${args[2]}`;
    set.public_last_reply_at = latest('public_last_reply_at', args[3]);
  }
  return set;
}

/** Counts `pending` into its ticket's list columns with one UPDATE. */
export async function countReplies(ctx: QueryContext, pending: PendingReplies): Promise<void> {
  const { key, args } = countArgs(ctx, pending);
  const k = args.length;
  await runCached(ctx, key, [...args, pending.tenantId, pending.ticketId], (a) =>
    ctx.db
      .updateTable('tickets')
      .set(countedColumns(a.slice(0, k)))
      .where('tenant_id', '=', a[k] as string)
      .where('id', '=', a[k + 1] as string),
  );
}

/**
 * Counts a message just inserted into its ticket's list columns: one UPDATE for a reply
 * (the customer's columns too when it is neither internal nor hidden), nothing for an
 * opening message or a system note.
 */
export async function countInsertedMessage(ctx: QueryContext, tenantId: string, message: Message): Promise<void> {
  const pending = addReply(undefined, tenantId, message);
  if (pending !== undefined) await countReplies(ctx, pending);
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
