/**
 * A mail's attachments through the attachment path (`stageAttachments`: checked by
 * content, limited by `config.attachments`, shown to the host's scan), one file at a time,
 * so a refused file is dropped and listed while the mail and its other files are still
 * taken: a mail cannot be sent back to be fixed the way an upload form can.
 */
import { TicketError } from '../errors.js';
import { NO_ATTACHMENTS, deleteBlobs, stageAttachments, type StagedAttachments } from '../service/attachments.js';
import type { ServiceContext } from '../service/service-context.js';
import type { DroppedAttachment } from './email-types.js';
import type { MailAttachment } from './parse-mail.js';

/** What was stored, and what was dropped and why. */
export interface MailFiles {
  staged: StagedAttachments;
  dropped: DroppedAttachment[];
}

/**
 * Stores the files that pass, in the mail's order. A refusal of a file (its type, its
 * size, the count, the host's scan) or a service without a blob store drops it with the
 * refusal's message; any other failure (the blob store is down) deletes what was stored
 * and is thrown, so the mail is taken again later, whole.
 */
export async function stageMailAttachments(ctx: ServiceContext, files: readonly MailAttachment[]): Promise<MailFiles> {
  const dropped: DroppedAttachment[] = [];
  if (files.length === 0) return { staged: NO_ATTACHMENTS, dropped };
  if (!ctx.blobs) {
    return {
      staged: NO_ATTACHMENTS,
      dropped: files.map((f) => ({ filename: f.filename, reason: 'This help desk takes no attachments (no blob store is configured)' })),
    };
  }
  const maxFiles = ctx.config.attachments.maxFiles;
  const kept: StagedAttachments[] = [];
  try {
    for (const file of files) {
      if (kept.length >= maxFiles) {
        const reason = maxFiles === 0 ? 'Attachments are not accepted here' : `Too many attachments: at most ${maxFiles} per message`;
        dropped.push({ filename: file.filename, reason });
        continue;
      }
      try {
        kept.push(await stageAttachments(ctx, [{ filename: file.filename, content: file.content, contentType: file.contentType }]));
      } catch (err) {
        if (!TicketError.is(err, 'validation') && !TicketError.is(err, 'refused')) throw err;
        dropped.push({ filename: file.filename, reason: err.message });
      }
    }
  } catch (err) {
    await deleteBlobs(ctx.blobs, kept.flatMap((s) => s.keys));
    throw err;
  }
  return { staged: combine(kept), dropped };
}

/** Several single-file stagings as one. */
function combine(parts: readonly StagedAttachments[]): StagedAttachments {
  if (parts.length === 0) return NO_ATTACHMENTS;
  if (parts.length === 1) return parts[0]!;
  return {
    list: parts.flatMap((p) => p.list),
    keys: parts.flatMap((p) => p.keys),
    rows: (message) => parts.flatMap((p) => p.rows(message)),
  };
}
