import type { Readable } from 'node:stream';
import { InternalError, TicketError, UnavailableError, ValidationError } from '../errors.js';

/**
 * What an upload's `content` may be: bytes (`Uint8Array`, `Buffer`, `ArrayBuffer`), a
 * `Blob`/`File`, a Node `Readable`, a web `ReadableStream`, or any async iterable of
 * `Uint8Array` chunks.
 */
export type UploadContent =
  | Uint8Array
  | ArrayBuffer
  | Blob
  | Readable
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>;

/** Where a content error points: the field and the params every error carries. */
export interface ContentErrorContext {
  /** Dot path of the content, e.g. `attachments.0.content`. @default 'content' */
  field?: string;
  /** Extra params for every error (e.g. `{ filename }`). */
  params?: Record<string, unknown>;
}

/** Bytes given at once are handed on in slices of this size, so consumers stream them too. */
const SLICE_BYTES = 64 * 1024;

/** Error codes of a source that failed for a reason that may pass (retry later). */
const TRANSIENT_CODES = new Set([
  'EMFILE',
  'ENFILE',
  'EBUSY',
  'EAGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EPIPE',
  'ECONNABORTED',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ABORT_ERR',
]);

/**
 * Turns upload content into one async iterable of non-empty `Uint8Array` chunks, read
 * lazily (nothing is read before the consumer pulls). Stopping early (`break`) closes the
 * source.
 *
 * @param content The upload's content.
 * @returns The bytes as they come.
 * @throws ValidationError (`params.reason: 'invalid_content'`) at once for a string or any
 *   other kind of value, and (`'invalid_chunk'`) while reading when the source yields
 *   something that is not a `Uint8Array` (a Readable in object or string mode).
 *   A source that fails while being read is an UnavailableError when the cause may pass
 *   (EMFILE, EBUSY, a dropped connection...) and an InternalError otherwise, with `cause`.
 */
export function toByteStream(content: unknown, context: ContentErrorContext = {}): AsyncIterable<Uint8Array> {
  const field = context.field ?? 'content';
  if (isUint8Array(content)) return sliced(content);
  if (content instanceof ArrayBuffer) return sliced(new Uint8Array(content));
  if (typeof content === 'string') {
    throw new ValidationError(`Invalid ${field}: give the bytes (Uint8Array, Buffer or a stream), not a string`, field, {
      params: { ...context.params, reason: 'invalid_content' },
    });
  }
  if (typeof content === 'object' && content !== null) {
    if (typeof Blob !== 'undefined' && content instanceof Blob) return checked(webStreamIterable(content.stream()), field, context);
    if (hasAsyncIterator(content)) return checked(content, field, context);
    if (typeof (content as { getReader?: unknown }).getReader === 'function') {
      return checked(webStreamIterable(content as ReadableStream<unknown>), field, context);
    }
  }
  throw new ValidationError(
    `Invalid ${field}: expected a Uint8Array, Buffer, Blob, Readable, ReadableStream or async iterable of Uint8Array chunks`,
    field,
    { params: { ...context.params, reason: 'invalid_content' } },
  );
}

/** True for a `Uint8Array` or `Buffer`, also from another realm. */
export function isUint8Array(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array || Object.prototype.toString.call(value) === '[object Uint8Array]';
}

async function* sliced(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.byteLength; at += SLICE_BYTES) {
    yield bytes.subarray(at, Math.min(at + SLICE_BYTES, bytes.byteLength));
  }
}

function hasAsyncIterator(value: object): value is AsyncIterable<unknown> {
  return typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function';
}

/** Reads a web stream with a reader, so it works for streams without async iteration too. */
async function* webStreamIterable(stream: ReadableStream<unknown>): AsyncGenerator<unknown> {
  const reader = stream.getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      yield value;
    }
  } finally {
    // Stopped early (or failed): tell the producer, so it stops producing.
    if (!finished) await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}

async function* checked(source: AsyncIterable<unknown>, field: string, context: ContentErrorContext): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of source) {
      if (!isUint8Array(chunk)) {
        throw new ValidationError(
          `Invalid ${field}: the stream gave a ${describe(chunk)} where bytes (Uint8Array) were expected; do not set an encoding or object mode`,
          field,
          { params: { ...context.params, reason: 'invalid_chunk' } },
        );
      }
      if (chunk.byteLength > 0) yield chunk;
    }
  } catch (err) {
    throw readFailure(err, field, context);
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}

/**
 * Maps a failure of the host's stream to a ticketry error: never a raw Node error.
 * TicketErrors pass through unchanged.
 *
 * @param err What the source threw.
 * @param field The content's dot path, for the message and `params.field`.
 * @param context Params every error carries (e.g. `{ filename }`).
 * @returns An UnavailableError (`params.reason: 'read_failed'`, `params.errorCode`) when the
 *   cause may pass (EMFILE, EBUSY, ECONNRESET, an abort...), an InternalError otherwise;
 *   the original error is the `cause`.
 */
export function readFailure(err: unknown, field: string, context: ContentErrorContext): TicketError {
  if (TicketError.is(err)) return err;
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  const name = typeof err === 'object' && err !== null ? (err as { name?: unknown }).name : undefined;
  const params = { ...context.params, field, reason: 'read_failed', ...(typeof code === 'string' ? { errorCode: code } : {}) };
  if ((typeof code === 'string' && TRANSIENT_CODES.has(code)) || name === 'AbortError') {
    return new UnavailableError(`Could not read ${field}: the upload stream failed (${String(code ?? name)}); try again`, {
      cause: err,
      params,
    });
  }
  return new InternalError(`Could not read ${field}: the upload stream failed${typeof code === 'string' ? ` (${code})` : ''}`, {
    cause: err,
    params,
  });
}
