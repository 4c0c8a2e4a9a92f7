/** `desk.getAttachment`. (Helper B3: stub from the foundation.) */
import type { Actor, Attachment, RequestContext } from '../types.js';
import type { ServiceContext } from './service-context.js';

/** What `getAttachment` gives: the attachment, and its bytes as a stream. */
export interface AttachmentDownload {
  attachment: Attachment & { createdAt: Date; checksum: string; inline: boolean; contentDisposition: string };
  content: AsyncIterable<Uint8Array>;
}

export async function getAttachment(
  _ctx: ServiceContext,
  _actor: Actor,
  _attachmentId: string,
  _context: RequestContext = {},
): Promise<AttachmentDownload> {
  throw new Error('not implemented yet: getAttachment');
}
