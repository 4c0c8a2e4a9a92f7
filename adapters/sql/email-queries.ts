/**
 * Queries on `email_messages`: the Message-IDs ticketry received, recorded once per
 * tenant (the primary key makes a second ingest of the same mail a conflict), and the
 * lookup that threads a reply by its `In-Reply-To`/`References`.
 */
import type { EmailMessageRecord } from '../../src/store.js';
import type { QueryContext } from './query-context.js';

/** Ids per `IN (...)` list: well under every dialect's bound-parameter limit. */
const CHUNK = 500;

/** Records a Message-ID; a taken one (or a missing ticket) is a `ConflictError` (mapped by the store). */
export async function insertEmailMessage(ctx: QueryContext, tenantId: string, record: EmailMessageRecord): Promise<void> {
  await ctx.db
    .insertInto('email_messages')
    .values({
      tenant_id: tenantId,
      message_id: record.messageId,
      ticket_id: record.ticketId,
      ticket_message_id: record.ticketMessageId,
      direction: record.direction,
      created_at: ctx.hooks.toDate(record.createdAt),
    })
    .execute();
}

/** The recorded Message-IDs among `messageIds`. */
export async function findEmailMessages(
  ctx: QueryContext,
  tenantId: string,
  messageIds: readonly string[],
): Promise<EmailMessageRecord[]> {
  const unique = [...new Set(messageIds)];
  const records: EmailMessageRecord[] = [];
  for (let i = 0; i < unique.length; i += CHUNK) {
    const rows = await ctx.db
      .selectFrom('email_messages')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('message_id', 'in', unique.slice(i, i + CHUNK))
      .execute();
    for (const row of rows) {
      records.push({
        messageId: row.message_id,
        ticketId: row.ticket_id,
        ticketMessageId: row.ticket_message_id ?? null,
        direction: row.direction as EmailMessageRecord['direction'],
        createdAt: ctx.hooks.fromDate(row.created_at),
      });
    }
  }
  return records;
}
