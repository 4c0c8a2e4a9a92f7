/**
 * `GET /attachments/:id`: the file's bytes, streamed from the blob store, with headers that
 * keep a browser from treating an upload as part of the site: the type recognised from the
 * content (never the uploader's claim), `nosniff`, `inline` only for PNG, JPEG and GIF
 * (ticketry's `contentDisposition`/`isInlineSafe`), and a CSP that runs nothing.
 */
import type { RouteDef } from '../route-kit.js';

/** The CSP of every download: nothing loads, nothing runs, even if a browser renders it. */
export const DOWNLOAD_CSP = "default-src 'none'; sandbox";

/** A web stream over an async iterable (what `ReadableStream.from` does where it exists). */
export function streamOf(content: AsyncIterable<Uint8Array>): ReadableStream<Uint8Array> {
  const iterator = content[Symbol.asyncIterator]();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await iterator.next();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}

export const attachmentRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/attachments/:id',
    operationId: 'downloadAttachment',
    summary: 'Download a file the actor may see',
    description:
      'The bytes, with `Content-Type` as recognised from the content, `Content-Disposition` (inline only for PNG, JPEG and GIF), ' +
      '`X-Content-Type-Options: nosniff` and a sandboxing CSP. Out of sight or unknown: 404.',
    tag: 'attachments',
    response: { status: 200, description: 'The file', media: 'application/octet-stream' },
    errors: ['forbidden', 'not_found'],
    handle: async ({ desk, actor, context, params }) => {
      const { attachment, content } = await desk.getAttachment(actor, params.id!, context);
      return new Response(streamOf(content), {
        status: 200,
        headers: {
          'Content-Type': attachment.contentType,
          'Content-Length': String(attachment.size),
          'Content-Disposition': attachment.contentDisposition,
          'X-Content-Type-Options': 'nosniff',
          'Content-Security-Policy': DOWNLOAD_CSP,
          'Cross-Origin-Resource-Policy': 'same-origin',
          'Cache-Control': 'private, no-cache',
          ETag: `"${attachment.checksum}"`,
        },
      });
    },
  },
];
