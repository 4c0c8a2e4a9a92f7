/**
 * `desk.getAttachment`: an attachment's metadata and its bytes as a stream, scoped exactly
 * like its message: a customer reaches only files of public, unhidden messages of their
 * own tickets; staff those of tickets in their scope. A deleted ticket's files read as
 * missing for everyone (like the ticket; restore it to reach them), and so does anything
 * out of scope, so existence does not leak.
 */
import { contentDisposition } from '../attachments/file-name.js';
import { isInlineSafe } from '../attachments/allowed-types.js';
import { ConfigError, InternalError, NotFoundError, ValidationError } from '../errors.js';
import { identifierProblem } from '../schemas.js';
import type { Actor, Attachment, RequestContext } from '../types.js';
import { parseActor, parseRequestContext, readScope } from './request-guards.js';
import type { ServiceContext } from './service-context.js';

/** What `getAttachment` gives: the attachment, and its bytes as a stream. */
export interface AttachmentDownload {
  attachment: Attachment & {
    /** When it was attached. */
    createdAt: Date;
    /** sha256 of the bytes, hex (an `ETag`, or a check after download). */
    checksum: string;
    /** Whether a browser may show it (`isInlineSafe`: PNG, JPEG, GIF); never HTML or SVG. */
    inline: boolean;
    /** The `Content-Disposition` header to serve it with: `inline` only when `inline`, sanitised name, RFC 6266. */
    contentDisposition: string;
  };
  /** The bytes, streamed from the blob store (read once). */
  content: AsyncIterable<Uint8Array>;
}

/**
 * The attachment `attachmentId` if the actor may see its message.
 *
 * @throws ValidationError for an id that is not a non-empty string of at most 200
 *   characters, or holds a NUL or a lone surrogate; ForbiddenError for staff without `tickets.view`; NotFoundError when it
 *   does not exist or is out of the actor's sight; ConfigError without a blob store;
 *   InternalError when its row exists but its bytes do not.
 */
export async function getAttachment(
  ctx: ServiceContext,
  actorInput: Actor,
  attachmentId: string,
  contextInput: RequestContext = {},
): Promise<AttachmentDownload> {
  const actor = parseActor(actorInput);
  parseRequestContext(contextInput);
  if (typeof attachmentId !== 'string' || attachmentId.length === 0 || attachmentId.length > 200) {
    throw new ValidationError('An attachment id must be a non-empty string of at most 200 characters', 'attachmentId');
  }
  // A NUL reached Postgres (the driver's refusal) where the other stores said not found.
  const problem = identifierProblem(attachmentId);
  if (problem !== null) throw new ValidationError(`attachmentId ${problem}`, 'attachmentId');
  const scope = readScope(ctx, actor);
  const found = await ctx.store.findAttachment(scope, attachmentId);
  if (!found) {
    throw new NotFoundError(`Attachment ${attachmentId} not found`, { params: { attachment: attachmentId } });
  }
  if (!ctx.blobs) {
    throw new ConfigError('createTicketService needs blobs to serve attachments: pass the blob store the files were stored in', {
      params: { field: 'blobs' },
    });
  }
  const content = await ctx.blobs.get(found.blobKey);
  if (!content) {
    throw new InternalError(`The bytes of attachment ${found.id} are missing from the blob store`, {
      params: { attachment: found.id, key: found.blobKey },
    });
  }
  const inline = isInlineSafe(found.contentType);
  return {
    attachment: {
      id: found.id,
      filename: found.filename,
      contentType: found.contentType,
      size: found.size,
      createdAt: found.createdAt,
      checksum: found.checksum,
      inline,
      contentDisposition: contentDisposition(found.filename, inline),
    },
    content,
  };
}
