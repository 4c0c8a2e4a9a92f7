import { ConfigError } from '../errors.js';

/** Where attachment bytes live. Keys are made by ticketry: `[a-z0-9/_-]`, never from a file name. */
export interface BlobStore {
  /** Writes the bytes under `key` (replacing nothing: a taken key is a ConflictError); returns the size written. */
  put(key: string, content: AsyncIterable<Uint8Array>): Promise<{ size: number }>;
  /** The bytes under `key` as a stream, or null when there are none. */
  get(key: string): Promise<AsyncIterable<Uint8Array> | null>;
  /** Size and write time, or null. */
  stat(key: string): Promise<{ size: number; createdAt: Date } | null>;
  /** Removes the key; removing a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Keys under `prefix` (for the orphan sweep), at most `limit`, in key order after `after`. */
  list(prefix: string, options?: { after?: string; limit?: number }): Promise<string[]>;
}

/** The longest key a blob store accepts. */
export const MAX_BLOB_KEY_LENGTH = 300;

const KEY_PATTERN = /^[a-z0-9_-]+(?:\/[a-z0-9_-]+)*$/;

/**
 * Checks a key is one ticketry would make (ConfigError otherwise): no '..', no leading '/',
 * only [a-z0-9/_-], <= 300 chars. Also refused: the empty key, empty segments (`a//b`) and
 * a trailing '/'. Every blob store calls it before touching anything.
 */
export function checkBlobKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_BLOB_KEY_LENGTH || !KEY_PATTERN.test(key)) {
    throw new ConfigError(
      `Invalid blob key: keys are made by ticketry, 1-${MAX_BLOB_KEY_LENGTH} characters of [a-z0-9_-] in '/'-separated segments`,
      { params: { field: 'blobKey', key: typeof key === 'string' ? key.slice(0, 80) : typeof key } },
    );
  }
}

/**
 * Checks a `list` prefix: '' (every key), or a key prefix of the same alphabet that may end
 * with '/' (ConfigError otherwise).
 */
export function checkBlobPrefix(prefix: string): void {
  if (prefix === '') return;
  if (typeof prefix !== 'string' || prefix.length > MAX_BLOB_KEY_LENGTH || !/^[a-z0-9_-]+(?:\/[a-z0-9_-]+)*\/?$/.test(prefix)) {
    throw new ConfigError('Invalid blob key prefix: only [a-z0-9_-] segments separated by \'/\'', {
      params: { field: 'prefix', prefix: typeof prefix === 'string' ? prefix.slice(0, 80) : typeof prefix },
    });
  }
}
