import { InternalError, ValidationError } from '../errors.js';
import { nodeCrypto } from '../node-crypto.js';
import type { AttachmentLimits } from './limits.js';
import { sanitizeFilename } from './file-name.js';
import { SNIFF_HEAD_BYTES, sniffType, type ContentVerifier, type Refusal } from './sniff-type.js';
import { readFailure, toByteStream } from './upload-content.js';

/** Longest `filename` accepted as given, in characters (it is shortened to 255 bytes after cleaning). */
const MAX_RAW_FILENAME_CHARS = 4096;
/** Longest declared `contentType`. */
const MAX_CONTENT_TYPE_CHARS = 255;

/** Why an upload is refused: `params.reason` of its ValidationError. */
export type UploadRefusalReason =
  | 'invalid'
  | 'filename_required'
  | 'invalid_filename'
  | 'invalid_content_type'
  | 'invalid_content'
  | 'invalid_chunk'
  | 'empty'
  | 'too_large'
  | 'too_many'
  | 'type_not_allowed'
  | 'not_text';

/**
 * An upload whose head passed the type check, ready to be streamed into a blob store.
 *
 * `bytes` is a pass-through over the uploaded content: it can be iterated once, and it
 * counts, hashes (sha256) and keeps checking the bytes as the consumer pulls them. It throws
 * a ValidationError, before handing on the offending chunk, as soon as the file passes
 * `maxFileBytes` (`too_large`) or its content stops matching its type (`not_text` for text
 * with a NUL or invalid UTF-8 further on; `type_not_allowed` for a compound file that is
 * not the DOC/XLS/PPT it claimed), and after the last chunk when the file ended before its
 * type was confirmed. So a consumer that stored the bytes must delete them when iterating
 * throws.
 *
 * `size` and `checksum` are final only once `bytes` has been iterated to its end without
 * an error (`complete` is then `true`); reading them earlier throws an InternalError (a bug
 * in the caller). A caller that decides not to read `bytes` at all (another file of the
 * same message was refused) calls `discard()` to release the source stream.
 */
export interface CheckedUpload {
  /** The cleaned display name (`sanitizeFilename`). */
  readonly filename: string;
  /** The type recognised from the content, e.g. `image/png`; never the uploader's claim. */
  readonly contentType: string;
  /** The bytes, checked as they pass. Iterable once. */
  readonly bytes: AsyncIterable<Uint8Array>;
  /** Whether `bytes` has been read to its end and passed every check. */
  readonly complete: boolean;
  /** Size in bytes. Throws unless `complete`. */
  readonly size: number;
  /** sha256 of the bytes, lower-case hex. Throws unless `complete`. */
  readonly checksum: string;
  /** Stops reading and releases the source (closes a Readable, cancels a ReadableStream). Safe to call twice. */
  discard(): Promise<void>;
}

/** One attachment as given to `create` / `addReply` (validated here, so `unknown`). */
export interface UploadInput {
  filename: unknown;
  content: unknown;
  contentType?: unknown;
}

/**
 * Validates one upload and checks its type by content: reads the first bytes (up to 4100,
 * what `file-type` needs), recognises the type, and returns the rest as a checked stream
 * (see `CheckedUpload`). Nothing beyond the head is read or buffered here.
 *
 * @param input `{ filename, content, contentType? }`; `contentType` is only a hint.
 * @param index Position of the file in the message's `attachments`, for the error's field.
 * @param limits `maxFileBytes` and `allowedTypes`.
 * @returns The checked upload.
 * @throws ValidationError with `field` `attachments.<index>` (or `.filename`, `.contentType`,
 *   `.content`) and `params: { filename, reason, ... }`: `invalid`, `filename_required`,
 *   `invalid_filename`, `invalid_content_type`, `invalid_content`, `invalid_chunk`,
 *   `empty`, `too_large` (`params.maxFileBytes`), `type_not_allowed` (`params.detected`),
 *   `not_text`. A source stream that fails is an UnavailableError or InternalError.
 */
export async function checkUpload(input: unknown, index: number, limits: AttachmentLimits): Promise<CheckedUpload> {
  const field = `attachments.${index}`;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ValidationError(`Invalid ${field}: expected { filename, content, contentType? }`, field, {
      params: { reason: 'invalid' },
    });
  }
  const { filename: rawName, content, contentType: hint } = input as UploadInput;
  if (typeof rawName !== 'string' || rawName.trim() === '') {
    throw new ValidationError(`Invalid ${field}.filename: every attachment needs a file name`, `${field}.filename`, {
      params: { reason: 'filename_required' },
    });
  }
  if (rawName.length > MAX_RAW_FILENAME_CHARS) {
    throw new ValidationError(`Invalid ${field}.filename: longer than ${MAX_RAW_FILENAME_CHARS} characters`, `${field}.filename`, {
      params: { reason: 'invalid_filename' },
    });
  }
  const filename = sanitizeFilename(rawName);
  if (hint !== undefined && hint !== null && (typeof hint !== 'string' || hint.length > MAX_CONTENT_TYPE_CHARS)) {
    throw new ValidationError(`Invalid ${field}.contentType: expected a MIME type such as image/png`, `${field}.contentType`, {
      params: { filename, reason: 'invalid_content_type' },
    });
  }

  const refuse = (reason: UploadRefusalReason, message: string, params: Record<string, unknown> = {}) =>
    new ValidationError(message, field, { params: { filename, reason, ...params } });
  const tooLarge = () =>
    refuse('too_large', `"${filename}" is larger than the limit of ${formatBytes(limits.maxFileBytes)}`, {
      maxFileBytes: limits.maxFileBytes,
    });
  const contentContext = { field: `${field}.content`, params: { filename } };
  const source = toByteStream(content, contentContext)[Symbol.asyncIterator]();

  let sourceDone = false;
  const closeSource = async () => {
    if (sourceDone) return;
    sourceDone = true;
    // Closing a failed or finished source can itself fail; the upload is over either way.
    await source.return?.().catch(() => undefined);
  };
  const pull = async (): Promise<Uint8Array | null> => {
    let result: IteratorResult<Uint8Array>;
    try {
      result = await source.next();
    } catch (err) {
      sourceDone = true; // a throwing generator is finished
      throw readFailure(err, contentContext.field, contentContext);
    }
    if (result.done) {
      sourceDone = true;
      return null;
    }
    return result.value;
  };

  // The head: whole chunks until SNIFF_HEAD_BYTES are in (the last may reach further).
  let headChunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < SNIFF_HEAD_BYTES) {
      const chunk = await pull();
      if (chunk === null) break;
      size += chunk.byteLength;
      if (size > limits.maxFileBytes) throw tooLarge();
      headChunks.push(chunk);
    }
    if (size === 0) throw refuse('empty', `"${filename}" is empty`);
  } catch (err) {
    await closeSource();
    throw err;
  }
  const head = concatHead(headChunks, SNIFF_HEAD_BYTES);
  let sniffed;
  try {
    sniffed = await sniffType(head, { filename, hint: typeof hint === 'string' ? hint : undefined }, limits.allowedTypes);
  } catch (err) {
    await closeSource();
    throw err;
  }
  const refusal = (r: Refusal) =>
    r.reason === 'not_text'
      ? refuse('not_text', `"${filename}" is not plain text: text must be UTF-8 without NUL bytes`, { detected: r.detected })
      : refuse(
          'type_not_allowed',
          r.detected === 'text/plain' && limits.allowedTypes.includes('text/plain')
            ? `"${filename}" is plain text by its content; text is accepted only named .txt or .log`
            : `"${filename}" is ${describeType(r.detected)} by its content, which is not an accepted attachment type`,
          { detected: r.detected },
        );
  if (!sniffed.ok) {
    await closeSource();
    throw refusal(sniffed);
  }
  const contentType = sniffed.contentType;
  const verifier: ContentVerifier | null = sniffed.verifier;

  const hash = nodeCrypto().createHash('sha256');
  let final: { size: number; checksum: string } | null = null;
  let started = false;

  /** Counts, hashes and checks one chunk; throws before it is handed on. */
  const accept = (chunk: Uint8Array): Uint8Array => {
    const failed = verifier?.push(chunk);
    if (failed) throw refusal(failed);
    hash.update(chunk);
    return chunk;
  };

  async function* stream(): AsyncGenerator<Uint8Array> {
    try {
      const first = headChunks;
      headChunks = []; // hand the head on once; do not keep it
      for (const chunk of first) yield accept(chunk);
      for (;;) {
        const chunk = await pull();
        if (chunk === null) break;
        size += chunk.byteLength;
        if (size > limits.maxFileBytes) throw tooLarge();
        yield accept(chunk);
      }
      const failed = verifier?.end();
      if (failed) throw refusal(failed);
      final = { size, checksum: hash.digest('hex') };
    } finally {
      // Stopped early, refused or failed: release the source.
      await closeSource();
    }
  }

  const bytes: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]() {
      if (started) throw new InternalError(`The bytes of "${filename}" can be read only once`);
      started = true;
      return stream();
    },
  };

  const unfinished = (what: string) =>
    new InternalError(`The ${what} of "${filename}" is known only after its bytes have been read to the end`);

  return {
    filename,
    contentType,
    bytes,
    get complete() {
      return final !== null;
    },
    get size() {
      if (final === null) throw unfinished('size');
      return final.size;
    },
    get checksum() {
      if (final === null) throw unfinished('checksum');
      return final.checksum;
    },
    async discard() {
      started = true;
      headChunks = [];
      await closeSource();
    },
  };
}

/**
 * Checks how many files one message carries.
 *
 * @param count The number of attachments given.
 * @param limits `maxFiles`.
 * @throws ValidationError (`field: 'attachments'`, `params: { reason: 'too_many', count, maxFiles }`)
 *   when there are more than `maxFiles`.
 */
export function checkUploadCount(count: number, limits: Pick<AttachmentLimits, 'maxFiles'>): void {
  if (count > limits.maxFiles) {
    throw new ValidationError(
      limits.maxFiles === 0
        ? 'Attachments are not accepted here'
        : `Too many attachments: ${count} given, at most ${limits.maxFiles} per message`,
      'attachments',
      { params: { reason: 'too_many', count, maxFiles: limits.maxFiles } },
    );
  }
}

function concatHead(chunks: readonly Uint8Array[], limit: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!.subarray(0, limit);
  const total = Math.min(limit, chunks.reduce((n, c) => n + c.byteLength, 0));
  const head = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    if (at >= total) break;
    const part = chunk.subarray(0, total - at);
    head.set(part, at);
    at += part.byteLength;
  }
  return head;
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024 && n % (1024 * 1024) === 0) return `${n / (1024 * 1024)} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024} KiB`;
  return `${n} bytes`;
}

function describeType(type: string): string {
  const names: Record<string, string> = {
    'text/html': 'HTML',
    'image/svg+xml': 'SVG',
    'application/xml': 'XML',
    'application/x-msdownload': 'a Windows executable',
    'application/x-elf': 'an ELF executable',
    'application/x-mach-binary': 'a Mach-O executable',
    'text/x-shellscript': 'a script',
    'application/x-httpd-php': 'PHP',
    'application/octet-stream': 'of an unknown type',
  };
  return names[type] ?? type;
}
