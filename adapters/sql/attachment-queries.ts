/**
 * Queries on `attachments`: recording a message's files, finding one within scope, a
 * message's files for `findMessage` (`listMessages` joins a thread's), and what the
 * orphan sweep and a purge ask.
 */
import type { StoreScope } from '../../src/store.js';
import type { Attachment, StoredAttachment } from '../../src/types.js';
import { ticketScope, type QueryContext } from './query-context.js';
import { attachmentFromRow, attachmentToRow } from './row-mappers.js';

/** Ids per `IN (...)` list: well under every dialect's bound-parameter limit. */
const CHUNK = 500;

/** Records an attachment; a missing message or ticket, or a taken id, is a `ConflictError` (mapped by the store). */
export async function insertAttachment(ctx: QueryContext, tenantId: string, attachment: StoredAttachment): Promise<void> {
  await ctx.db.insertInto('attachments').values(attachmentToRow(ctx.hooks, tenantId, attachment)).execute();
}

/** The attachment whose message the scope may see, on a ticket within scope. */
export async function findAttachment(
  ctx: QueryContext,
  scope: StoreScope,
  attachmentId: string,
): Promise<StoredAttachment | null> {
  let query = ctx.db
    .selectFrom('attachments as a')
    .innerJoin('messages as m', (join) => join.onRef('m.tenant_id', '=', 'a.tenant_id').onRef('m.id', '=', 'a.message_id'))
    .innerJoin('tickets as t', (join) => join.onRef('t.tenant_id', '=', 'a.tenant_id').onRef('t.id', '=', 'a.ticket_id'))
    .selectAll('a')
    .where('a.tenant_id', '=', scope.tenantId)
    .where('a.id', '=', attachmentId)
    .where((eb) => ticketScope(eb, scope));
  if (scope.visibility === 'customer') {
    query = query
      .where('m.internal', '=', ctx.hooks.toBoolean(false))
      .where('m.hidden', '=', ctx.hooks.toBoolean(false));
  }
  const row = await query.executeTakeFirst();
  return row ? attachmentFromRow(ctx.hooks, row) : null;
}

/** The attachments of `messageIds`, by message, each list in the order they were attached. */
export async function attachmentsOfMessages(
  ctx: QueryContext,
  tenantId: string,
  messageIds: readonly string[],
): Promise<Map<string, Attachment[]>> {
  const byMessage = new Map<string, Attachment[]>();
  for (let i = 0; i < messageIds.length; i += CHUNK) {
    const rows = await ctx.db
      .selectFrom('attachments as a')
      .select(['a.id', 'a.message_id', 'a.filename', 'a.content_type', 'a.size'])
      .where('a.tenant_id', '=', tenantId)
      .where('a.message_id', 'in', messageIds.slice(i, i + CHUNK))
      .orderBy('a.position', 'asc')
      .execute();
    for (const row of rows) {
      const list = byMessage.get(row.message_id) ?? [];
      list.push({ id: row.id, filename: row.filename, contentType: row.content_type, size: Number(row.size) });
      byMessage.set(row.message_id, list);
    }
  }
  return byMessage;
}

/** Every attachment of a ticket, in the order they were attached. */
export async function listTicketAttachments(ctx: QueryContext, tenantId: string, ticketId: string): Promise<StoredAttachment[]> {
  const rows = await ctx.db
    .selectFrom('attachments as a')
    .selectAll('a')
    .where('a.tenant_id', '=', tenantId)
    .where('a.ticket_id', '=', ticketId)
    .orderBy('a.position', 'asc')
    .execute();
  return rows.map((row) => attachmentFromRow(ctx.hooks, row));
}

/** Removes every attachment row of a ticket; returns the rows removed. */
export async function deleteTicketAttachments(ctx: QueryContext, tenantId: string, ticketId: string): Promise<StoredAttachment[]> {
  const rows = await listTicketAttachments(ctx, tenantId, ticketId);
  await ctx.db.deleteFrom('attachments').where('tenant_id', '=', tenantId).where('ticket_id', '=', ticketId).execute();
  return rows;
}

/** Which of `blobKeys` an attachment row of the tenant refers to. */
export async function attachmentKeysExist(
  ctx: QueryContext,
  tenantId: string,
  blobKeys: readonly string[],
): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < blobKeys.length; i += CHUNK) {
    const rows = await ctx.db
      .selectFrom('attachments as a')
      .select('a.blob_key')
      .where('a.tenant_id', '=', tenantId)
      .where('a.blob_key', 'in', blobKeys.slice(i, i + CHUNK))
      .execute();
    for (const row of rows) found.add(row.blob_key);
  }
  return found;
}

/** Moves the attachments of `messageIds` to `toTicketId` (their messages moved there). */
export async function moveAttachments(
  ctx: QueryContext,
  tenantId: string,
  messageIds: readonly string[],
  toTicketId: string,
): Promise<void> {
  for (let i = 0; i < messageIds.length; i += CHUNK) {
    await ctx.db
      .updateTable('attachments')
      .set({ ticket_id: toTicketId })
      .where('tenant_id', '=', tenantId)
      .where('message_id', 'in', messageIds.slice(i, i + CHUNK))
      .execute();
  }
}
