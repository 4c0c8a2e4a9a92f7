/**
 * Reading a raw mail into memory, no further than the size limit: a mail over
 * `config.email.maxBytes` is answered `too_large` after at most `maxBytes + 1` bytes were
 * read (a stream is then closed), before any parsing.
 */
import { Buffer } from 'node:buffer';
import { ValidationError } from '../errors.js';
import { isUint8Array, toByteStream } from '../attachments/upload-content.js';

/** What was read: the whole mail, or the fact that it is larger than the limit. */
export type RawRead =
  | { tooLarge: false; bytes: Buffer }
  /** `head`: the first bytes read (at most 64 KiB), for the Message-ID of the refusal. */
  | { tooLarge: true; head: Buffer };

/** The part of a refused mail kept to find its headers in. */
const HEAD_BYTES = 64 * 1024;

/**
 * Reads `raw` (a string, bytes, a Node `Readable` or a web `ReadableStream`) up to
 * `maxBytes`. A string is taken as the mail's text and encoded as UTF-8.
 *
 * @throws ValidationError (`field: 'raw'`) for anything else (a number, `null`, an object
 *   that is not a stream) and for a stream that yields something other than bytes; a
 *   stream that fails is an UnavailableError (may pass: retry) or InternalError.
 */
export async function readRaw(raw: unknown, maxBytes: number): Promise<RawRead> {
  if (typeof raw === 'string') {
    // Counted before it is encoded: a huge string is not copied to be refused.
    if (Buffer.byteLength(raw, 'utf8') > maxBytes) return { tooLarge: true, head: Buffer.from(raw.slice(0, HEAD_BYTES), 'utf8') };
    return { tooLarge: false, bytes: Buffer.from(raw, 'utf8') };
  }
  if (isUint8Array(raw)) {
    const bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    if (bytes.byteLength > maxBytes) return { tooLarge: true, head: bytes.subarray(0, HEAD_BYTES) };
    return { tooLarge: false, bytes };
  }
  if (typeof raw !== 'object' || raw === null || !isStream(raw)) {
    throw new ValidationError(
      `ingestEmail takes the raw mail as a string, a Uint8Array/Buffer, a Readable or a ReadableStream, not ${describe(raw)}`,
      'raw',
      { params: { reason: 'invalid_raw' } },
    );
  }
  const chunks: Buffer[] = [];
  let size = 0;
  // `break` closes the source (toByteStream's contract): nothing past the limit is read.
  for await (const chunk of toByteStream(raw, { field: 'raw' })) {
    size += chunk.byteLength;
    chunks.push(Buffer.from(chunk));
    if (size > maxBytes) return { tooLarge: true, head: headOf(chunks) };
  }
  return { tooLarge: false, bytes: Buffer.concat(chunks, size) };
}

/** The first `HEAD_BYTES` of `chunks`, copying no more than that. */
function headOf(chunks: readonly Buffer[]): Buffer {
  const head: Buffer[] = [];
  let size = 0;
  for (const chunk of chunks) {
    if (size >= HEAD_BYTES) break;
    head.push(chunk);
    size += chunk.byteLength;
  }
  return Buffer.concat(head).subarray(0, HEAD_BYTES);
}

function isStream(value: object): boolean {
  return (
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function' ||
    typeof (value as { getReader?: unknown }).getReader === 'function'
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}
