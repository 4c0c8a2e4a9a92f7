/**
 * What a mail adds to the ordinary `create` and `addReply` writes, so an emailed ticket or
 * reply goes through the same rules (status machine, SLA, routing, policy, audit, events)
 * in the same single transaction. Internal: `ingestEmail` passes it; the public facade
 * never does.
 */
import type { StagedAttachments } from '../service/attachments.js';
import type { StoreTx } from '../store.js';
import type { MessageEmail } from '../types.js';

export interface IntakeWrite {
  /** The sender's reseller as the directory gave it (`create`): no second lookup by id, and a guest has none. */
  resellerId: string | null;
  /** The sender's address (`ticket.requesterEmail` on `create`). */
  requesterEmail: string;
  /** `message.email`. */
  email: MessageEmail;
  /** Stores the mail's attachments, called where the operation stores uploads (after its checks, before its transaction). */
  stage(): Promise<StagedAttachments>;
  /**
   * Writes in the operation's transaction, after its message: the `email_messages` row. A
   * Message-ID already taken is a ConflictError that rolls the whole write back.
   */
  record(tx: StoreTx, ticketId: string, messageId: string): Promise<void>;
}
