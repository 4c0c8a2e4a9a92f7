/** Checks and errors every blob store shares (the memory and filesystem stores, and a host's own). */
import { ConfigError, ConflictError } from '../errors.js';

/** Refuses a `put` content that is not an async iterable (a bare Uint8Array, a string). */
export function checkContent(content: unknown): void {
  if (content === null || typeof content !== 'object' || typeof (content as AsyncIterable<unknown>)[Symbol.asyncIterator] !== 'function') {
    throw new ConfigError('Blob content must be an async iterable of Uint8Array chunks', { params: { field: 'content' } });
  }
}

/** Checks `list`'s `limit`: a positive integer, or absent. */
export function checkLimit(limit: number | undefined): number | undefined {
  if (limit === undefined) return undefined;
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new ConfigError('The list limit must be a positive integer', { params: { field: 'limit', limit } });
  }
  return limit;
}

/** The error of a `put` on a taken key. */
export const taken = (key: string): ConflictError =>
  new ConflictError('A blob already exists under this key; blob keys are never reused', { params: { key } });

/** The error of a content chunk that is not a Uint8Array. */
export const notBytes = (key: string): ConfigError =>
  new ConfigError('Blob content must yield Uint8Array chunks (a Readable with an encoding yields strings)', {
    params: { field: 'content', key },
  });
