/**
 * Request bodies, read with a ceiling: a declared `Content-Length` over the limit is
 * refused before a byte is read, and a body without one (chunked) is counted as it
 * streams and cut off the moment it passes the limit, so a client can never make the
 * server hold more than the limit in memory. Both are 413.
 */
import { ValidationError } from '../../src/errors.js';
import { HttpError } from './error-response.js';

/** 1 MiB: far more than any JSON input needs (a body is capped by `config.maxBodyLength`). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

function tooLarge(limit: number): HttpError {
  return new HttpError('payload_too_large', `The request body is larger than the limit of ${limit} bytes`);
}

/** Refuses a request whose declared length is over `limit`. */
export function checkDeclaredLength(request: Request, limit: number): void {
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared) && Number(declared) > limit) throw tooLarge(limit);
}

/** The body of `request` as a stream that errors (413) as soon as it passes `limit` bytes. */
export function limitedStream(request: Request, limit: number): ReadableStream<Uint8Array> | null {
  checkDeclaredLength(request, limit);
  if (!request.body) return null;
  let seen = 0;
  return request.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > limit) controller.error(tooLarge(limit));
        else controller.enqueue(chunk);
      },
    }),
  );
}

/** The whole body, at most `limit` bytes. */
export async function readLimited(request: Request, limit: number): Promise<Uint8Array> {
  const stream = limitedStream(request, limit);
  if (!stream) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.byteLength;
    }
  } catch (error) {
    await reader.cancel().catch(() => {});
    if (error instanceof HttpError) throw error;
    // The client went away or sent a broken stream: its request, not the server, failed.
    throw new ValidationError('The request body could not be read to the end', null, { cause: error });
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/** The media type of `request`, lower-cased, without parameters; `''` when none is given. */
export function mediaType(request: Request): string {
  return (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
}

const isJsonType = (type: string) => type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));

/**
 * The JSON body of `request`, or `undefined` when it has none. A body in another media
 * type is 415; text that is not JSON is a 400 `validation` error.
 */
export async function readJsonBody(request: Request, limit: number): Promise<unknown> {
  const type = mediaType(request);
  if (type !== '' && !isJsonType(type)) {
    throw new HttpError('unsupported_media_type', `Send the body as application/json, not ${type}`);
  }
  const bytes = await readLimited(request, limit);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ValidationError('The request body is not valid UTF-8', null);
  }
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ValidationError(`The request body is not valid JSON: ${(error as Error).message}`, null);
  }
}

/** A JSON body that must be an object (or absent: `{}`). */
export async function readJsonObject(request: Request, limit: number): Promise<Record<string, unknown>> {
  const body = await readJsonBody(request, limit);
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError('The request body must be a JSON object', null);
  }
  return body as Record<string, unknown>;
}
