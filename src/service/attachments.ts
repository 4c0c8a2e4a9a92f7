/**
 * Attachments on `create` and `addReply`: checked, stored and recorded with their message.
 *
 * The order, for each message:
 * 1. `checkAttachmentRequest`, with the operation's other checks that need no bytes: a
 *    blob store is configured, not too many files.
 * 2. `stageAttachments`, after every check of the operation passed and before its
 *    transaction (no row is locked while bytes flow): each file in turn is checked by
 *    content (`checkUpload`) as it streams into the blob store under a generated key, then
 *    shown to the host's scan. A refusal of any file deletes the files stored before it.
 * 3. `writeWithAttachments`: the transaction, in which `recordAttachments` writes a row per
 *    file for the message; when it fails, the stored files no row refers to are deleted
 *    (best effort: what a crash leaves is swept by `runScheduledWork`).
 */
import { checkUpload, checkUploadCount, type CheckedUpload } from '../attachments/check-upload.js';
import { blobKey } from '../blobs/blob-key.js';
import type { BlobStore } from '../blobs/blob-store.js';
import { ConfigError, InternalError, TicketError } from '../errors.js';
import type { StoreTx } from '../store.js';
import type { Attachment, Message, StoredAttachment } from '../types.js';
import { scanStoredFile } from './attachment-scan.js';
import type { ServiceContext } from './service-context.js';

/** Files stored for a message not yet written. */
export interface StagedAttachments {
  /** What the message lists (`message.attachments`), in the order given. */
  readonly list: readonly Attachment[];
  /** The rows to write, once the message is known. */
  rows(message: Message): StoredAttachment[];
  /** The blob keys written. */
  readonly keys: readonly string[];
}

/** Nothing to store. */
export const NO_ATTACHMENTS: StagedAttachments = Object.freeze({ list: [], keys: [], rows: () => [] });

/** The blob store, or the `config` error of a service without one. */
function blobsOf(ctx: ServiceContext): BlobStore {
  if (!ctx.blobs) {
    throw new ConfigError('createTicketService needs blobs to take attachments: pass memoryBlobStore() or fileBlobStore({ root }) from ticketry/blobs', {
      params: { field: 'blobs' },
    });
  }
  return ctx.blobs;
}

/**
 * The checks that need no bytes: with files, a blob store must be configured and the
 * count within `config.attachments.maxFiles`.
 *
 * @throws ConfigError without `blobs`; ValidationError (`attachments`, `too_many`).
 */
export function checkAttachmentRequest(ctx: ServiceContext, inputs: readonly unknown[] | undefined): void {
  if (!inputs || inputs.length === 0) return;
  blobsOf(ctx);
  checkUploadCount(inputs.length, ctx.config.attachments);
}

/**
 * Checks each file by content as it streams into the blob store, then asks the host's
 * scan about it. Call after every other check of the operation, before its transaction.
 *
 * @param inputs The `attachments` of the input (validated by `checkAttachmentRequest`).
 * @returns What was stored. On any error the files stored so far are deleted first, and
 *   sources not read yet are closed.
 */
export async function stageAttachments(ctx: ServiceContext, inputs: readonly unknown[] | undefined): Promise<StagedAttachments> {
  if (!inputs || inputs.length === 0) return NO_ATTACHMENTS;
  const blobs = blobsOf(ctx);
  checkUploadCount(inputs.length, ctx.config.attachments);
  const scan = ctx.scanAttachment;
  const now = ctx.clock();
  const stored: { id: string; key: string; upload: CheckedUpload }[] = [];
  const written: string[] = [];
  let index = 0;
  try {
    for (; index < inputs.length; index++) {
      const upload = await checkUpload(inputs[index], index, ctx.config.attachments);
      const id = ctx.id();
      const key = blobKey(ctx.tenantId, id, now);
      // Before the put: a store that fails midway may still have written part of it.
      written.push(key);
      try {
        await blobs.put(key, upload.bytes);
      } catch (err) {
        // A taken key holds another file's bytes (an id the host's generateId repeated): not ours to delete.
        if (TicketError.is(err, 'conflict')) written.pop();
        throw err;
      } finally {
        // A store that stopped reading early (or failed) must not leave the source open.
        if (!upload.complete) await upload.discard();
      }
      if (!upload.complete) {
        throw new InternalError(`The blob store returned before it read all of "${upload.filename}"`, {
          params: { field: `attachments.${index}`, filename: upload.filename },
        });
      }
      stored.push({ id, key, upload });
      if (scan) {
        await scanStoredFile(
          scan,
          {
            filename: upload.filename,
            contentType: upload.contentType,
            size: upload.size,
            checksum: upload.checksum,
            read: () => readBlob(blobs, key),
          },
          index,
        );
      }
    }
  } catch (err) {
    await releaseSources(inputs.slice(index + 1));
    await deleteBlobs(blobs, written);
    throw err;
  }
  const list: Attachment[] = stored.map(({ id, upload }) => ({
    id,
    filename: upload.filename,
    contentType: upload.contentType,
    size: upload.size,
  }));
  return {
    list,
    keys: written,
    rows: (message) =>
      stored.map(({ id, key, upload }) => ({
        id,
        filename: upload.filename,
        contentType: upload.contentType,
        size: upload.size,
        ticketId: message.ticketId,
        messageId: message.id,
        checksum: upload.checksum,
        blobKey: key,
        uploadedByType: message.authorType,
        uploadedById: message.authorId,
        createdAt: message.createdAt,
      })),
  };
}

/** Writes the rows of the staged files for `message` (written in the same transaction). */
export async function recordAttachments(ctx: ServiceContext, tx: StoreTx, message: Message, staged: StagedAttachments): Promise<void> {
  for (const row of staged.rows(message)) await tx.insertAttachment(ctx.tenantId, row);
}

/**
 * Runs the operation's write; when it fails, deletes the staged files that no row refers to
 * (a commit whose answer was lost keeps its files), then rethrows.
 */
export async function writeWithAttachments<T>(ctx: ServiceContext, staged: StagedAttachments, write: () => Promise<T>): Promise<T> {
  if (staged.keys.length === 0) return write();
  try {
    return await write();
  } catch (err) {
    await discardUnreferenced(ctx, staged.keys);
    throw err;
  }
}

/** Deletes those of `keys` without a row; when the store cannot say, leaves them to the sweep. */
async function discardUnreferenced(ctx: ServiceContext, keys: readonly string[]): Promise<void> {
  let referenced: Set<string>;
  try {
    referenced = await ctx.store.attachmentKeysExist(ctx.tenantId, keys);
  } catch {
    return; // the store is failing: the sweep removes them once it answers again
  }
  await deleteBlobs(ctx.blobs!, keys.filter((k) => !referenced.has(k)));
}

/** Best effort: a blob that cannot be deleted now is an orphan the sweep removes later. */
export async function deleteBlobs(blobs: BlobStore, keys: readonly string[]): Promise<number> {
  let deleted = 0;
  for (const key of keys) {
    try {
      await blobs.delete(key);
      deleted++;
    } catch {
      // left for runScheduledWork's sweep
    }
  }
  return deleted;
}

/** The stored bytes under `key`, read lazily (each iteration reads them again). */
function readBlob(blobs: BlobStore, key: string): AsyncIterable<Uint8Array> {
  return {
    async *[Symbol.asyncIterator]() {
      const content = await blobs.get(key);
      if (!content) throw new InternalError('The file just stored is missing from the blob store', { params: { key } });
      yield* content;
    },
  };
}

/** Closes the sources of files not read (a refused message reads no more of its upload). */
async function releaseSources(inputs: readonly unknown[]): Promise<void> {
  for (const input of inputs) {
    const content = typeof input === 'object' && input !== null ? (input as { content?: unknown }).content : undefined;
    if (typeof content !== 'object' || content === null) continue;
    try {
      const c = content as { destroy?: () => void; cancel?: () => Promise<void>; locked?: boolean };
      if (typeof c.destroy === 'function') c.destroy();
      else if (typeof c.cancel === 'function' && c.locked !== true) await c.cancel();
    } catch {
      // the host's stream; nothing more to do
    }
  }
}
