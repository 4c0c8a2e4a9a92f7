/**
 * Queries on a ticket's thread (`messages`) and its audit trail (`audit`).
 */
import { checkMessagePatch } from '../../src/store-checks.js';
import type { MessagePatch, StoreScope } from '../../src/store.js';
import type { AuditEntry, Message } from '../../src/types.js';
import { insertRow, runCached, scopeFromArgs, scopeParts, ticketScope, type QueryContext } from './query-context.js';
import { attachmentsOfMessages, moveAttachments } from './attachment-queries.js';
import { countInsertedMessage, recountTickets } from './list-columns.js';
import { indexMessage, reindexMessage } from './search-queries.js';
import { auditFromRow, auditToRow, messageFromRow, messageToRow } from './row-mappers.js';

/**
 * The messages the scope may see: of a ticket within the scope (the thread of a ticket
 * outside it is empty, whoever asks), and for customers neither internal nor hidden.
 */
function visibleMessages(ctx: QueryContext, scope: StoreScope) {
  let query = ctx.db
    .selectFrom('messages as m')
    .selectAll('m')
    .where('m.tenant_id', '=', scope.tenantId)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('tickets as t')
          .select('t.id')
          .whereRef('t.tenant_id', '=', 'm.tenant_id')
          .whereRef('t.id', '=', 'm.ticket_id')
          .where((tb) => ticketScope(tb, scope)),
      ),
    );
  if (scope.visibility === 'customer') {
    query = query
      .where('m.internal', '=', ctx.hooks.toBoolean(false))
      .where('m.hidden', '=', ctx.hooks.toBoolean(false));
  }
  return query;
}

/**
 * The ticket's messages the scope may see, oldest first, ties in insertion order, each
 * with its attachments in the order they were attached. The caller has checked the
 * ticket is in scope; the tenant is still filtered here.
 *
 * One statement, the attachments LEFT JOINed (a message with files comes back once per
 * file), compiled once per shape of scope and prepared on Postgres (`keyed`): a thread
 * read as a statement for its messages and another for their files, each built and
 * planned anew, cost three times what the database took to run them.
 */
export async function listMessages(
  ctx: QueryContext,
  scope: StoreScope,
  ticketId: string,
): Promise<Message[]> {
  const { shape, args } = scopeParts(scope);
  const { rows } = await runCached(
    ctx,
    `thread ${shape}`,
    [...args, ticketId],
    (values) =>
      visibleMessages(ctx, scopeFromArgs(shape, values))
        .leftJoin('attachments as a', (join) => join.onRef('a.tenant_id', '=', 'm.tenant_id').onRef('a.message_id', '=', 'm.id'))
        .select([
          'a.id as attachment_id',
          'a.filename as attachment_filename',
          'a.content_type as attachment_content_type',
          'a.size as attachment_size',
        ])
        .where('m.ticket_id', '=', values[values.length - 1] as string)
        .orderBy('m.created_at', 'asc')
        .orderBy('m.position', 'asc')
        .orderBy('a.position', 'asc'),
    true,
  );
  const messages: Message[] = [];
  let last: Message | undefined;
  for (const row of rows as ThreadRow[]) {
    if (last?.id !== row.id) {
      last = messageFromRow(ctx.hooks, row);
      last.attachments = [];
      messages.push(last);
    }
    if (row.attachment_id !== null) {
      last.attachments.push({
        id: row.attachment_id,
        filename: row.attachment_filename!,
        contentType: row.attachment_content_type!,
        size: Number(row.attachment_size),
      });
    }
  }
  return messages;
}

/** A row of the thread statement: a message's columns and one of its attachments, or nulls. */
type ThreadRow = Record<string, unknown> & {
  id: string;
  attachment_id: string | null;
  attachment_filename: string | null;
  attachment_content_type: string | null;
  attachment_size: unknown;
};

/**
 * Appends a message; a missing ticket or a taken id is a `ConflictError` (mapped by the
 * store). With `countNow` false the caller counts a reply into its ticket's list columns
 * itself (`SqlTx`, see `PendingReplies`).
 */
export async function insertMessage(ctx: QueryContext, tenantId: string, message: Message, countNow = true): Promise<void> {
  await insertRow(ctx, 'messages', messageToRow(ctx.hooks, tenantId, message));
  if (countNow) await countInsertedMessage(ctx, tenantId, message);
  await indexMessage(ctx, tenantId, message);
}

/** A ticket's audit trail, oldest first, ties in insertion order. */
export async function listAudit(ctx: QueryContext, tenantId: string, ticketId: string): Promise<AuditEntry[]> {
  const rows = await ctx.db
    .selectFrom('audit as a')
    .selectAll('a')
    .where('a.tenant_id', '=', tenantId)
    .where('a.ticket_id', '=', ticketId)
    .orderBy('a.created_at', 'asc')
    .orderBy('a.position', 'asc')
    .execute();
  return rows.map((row) => auditFromRow(ctx.hooks, row));
}

/** Appends an audit entry. */
export async function insertAudit(ctx: QueryContext, tenantId: string, entry: AuditEntry): Promise<void> {
  await insertRow(ctx, 'audit', auditToRow(ctx.hooks, tenantId, entry));
}

/**
 * The message with this id whose ticket is within scope and which the scope's visibility
 * may see, or `null`.
 */
export async function findMessage(ctx: QueryContext, scope: StoreScope, messageId: string): Promise<Message | null> {
  const row = await visibleMessages(ctx, scope).where('m.id', '=', messageId).executeTakeFirst();
  if (!row) return null;
  const message = messageFromRow(ctx.hooks, row);
  message.attachments = (await attachmentsOfMessages(ctx, scope.tenantId, [message.id])).get(message.id) ?? [];
  return message;
}

/** Changes a message in place; false when the tenant has no message with that id. */
export async function updateMessage(
  ctx: QueryContext,
  tenantId: string,
  messageId: string,
  patch: MessagePatch,
): Promise<boolean> {
  checkMessagePatch(patch);
  const set: Record<string, unknown> = {};
  if (patch.body !== undefined) set.body = patch.body;
  if (patch.html !== undefined) set.html = patch.html;
  if (patch.hidden !== undefined) set.hidden = ctx.hooks.toBoolean(patch.hidden);
  if (patch.editedAt !== undefined) set.edited_at = ctx.hooks.toNullableDate(patch.editedAt);
  if (Object.keys(set).length === 0) {
    const found = await ctx.db
      .selectFrom('messages as m')
      .select('m.id')
      .where('m.tenant_id', '=', tenantId)
      .where('m.id', '=', messageId)
      .executeTakeFirst();
    return found !== undefined;
  }
  const result = await ctx.db
    .updateTable('messages')
    .set(set)
    .where('tenant_id', '=', tenantId)
    .where('id', '=', messageId)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return false;
  if (patch.body !== undefined) await reindexMessage(ctx, tenantId, messageId, patch.body);
  if (patch.hidden !== undefined) {
    const owner = await ctx.db
      .selectFrom('messages as m')
      .select('m.ticket_id')
      .where('m.tenant_id', '=', tenantId)
      .where('m.id', '=', messageId)
      .executeTakeFirst();
    if (owner) await recountTickets(ctx, tenantId, [owner.ticket_id]);
  }
  return true;
}

/** Moves messages to another ticket, in chunks; `opening` becomes `id === openingId`. */
export async function moveMessages(
  ctx: QueryContext,
  tenantId: string,
  messageIds: readonly string[],
  toTicketId: string,
  openingId: string | null,
): Promise<void> {
  const touched = new Set<string>([toTicketId]);
  for (let i = 0; i < messageIds.length; i += MOVE_CHUNK) {
    const chunk = messageIds.slice(i, i + MOVE_CHUNK);
    const from = await ctx.db
      .selectFrom('messages as m')
      .select('m.ticket_id')
      .distinct()
      .where('m.tenant_id', '=', tenantId)
      .where('m.id', 'in', chunk)
      .execute();
    for (const row of from) touched.add(row.ticket_id);
    await ctx.db
      .updateTable('messages')
      .set({ ticket_id: toTicketId, opening: ctx.hooks.toBoolean(false) })
      .where('tenant_id', '=', tenantId)
      .where('id', 'in', chunk)
      .execute();
  }
  await moveAttachments(ctx, tenantId, messageIds, toTicketId);
  if (openingId !== null && messageIds.includes(openingId)) {
    await ctx.db
      .updateTable('messages')
      .set({ opening: ctx.hooks.toBoolean(true) })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', openingId)
      .execute();
  }
  await recountTickets(ctx, tenantId, [...touched]);
}

/** Ids per `IN (...)` list: well under every dialect's bound-parameter limit. */
const MOVE_CHUNK = 500;
