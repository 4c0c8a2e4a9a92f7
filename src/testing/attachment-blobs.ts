/**
 * Blob stores for the attachment contract tests. The suite cannot import ticketry's own
 * blob stores (the core never imports an adapter), so a store without `blobStores` in its
 * contract options runs the attachment tests on this small in-memory test double, which
 * keeps the `BlobStore` rules the service relies on (a taken key is a conflict, `list` in
 * key order after `after`, `stat` with the write time of the given clock, a failed `put`
 * stores nothing). ticketry's own test runs add `memoryBlobStore` and `fileBlobStore`.
 */
import { checkBlobKey, checkBlobPrefix, type BlobStore } from '../blobs/blob-store.js';
import { ConflictError } from '../errors.js';

/** A blob store the attachment tests run with, made fresh for each test. */
export interface BlobStoreFactory {
  /** Shown in the test names. */
  name: string;
  /** A new, empty store whose `stat().createdAt` is `now()` at the write (the test clock). */
  create(options: { now: () => Date }): BlobStore | Promise<BlobStore>;
  /** Releases what `create` made (a temp directory). */
  destroy?(store: BlobStore): Promise<void> | void;
}

/** An in-memory `BlobStore` test double. */
export function testBlobStore(now: () => Date = () => new Date()): BlobStore {
  const entries = new Map<string, { bytes: Buffer; createdAt: Date }>();
  return {
    async put(key, content) {
      checkBlobKey(key);
      if (entries.has(key)) throw new ConflictError('A blob already exists under this key', { params: { key } });
      const chunks: Buffer[] = [];
      for await (const chunk of content) chunks.push(Buffer.from(chunk));
      if (entries.has(key)) throw new ConflictError('A blob already exists under this key', { params: { key } });
      const bytes = Buffer.concat(chunks);
      entries.set(key, { bytes, createdAt: now() });
      return { size: bytes.byteLength };
    },
    async get(key) {
      checkBlobKey(key);
      const entry = entries.get(key);
      if (!entry) return null;
      const bytes = entry.bytes;
      return (async function* () {
        for (let at = 0; at < bytes.byteLength; at += 64 * 1024) yield Uint8Array.from(bytes.subarray(at, at + 64 * 1024));
      })();
    },
    async stat(key) {
      checkBlobKey(key);
      const entry = entries.get(key);
      return entry ? { size: entry.bytes.byteLength, createdAt: new Date(entry.createdAt) } : null;
    },
    async delete(key) {
      checkBlobKey(key);
      entries.delete(key);
    },
    async list(prefix, options = {}) {
      checkBlobPrefix(prefix);
      const keys = [...entries.keys()]
        .filter((k) => k.startsWith(prefix) && (options.after === undefined || k > options.after))
        .sort();
      return options.limit === undefined ? keys : keys.slice(0, options.limit);
    },
  };
}

/** The test double as a factory: the default of the attachment tests. */
export const TEST_BLOB_STORE: BlobStoreFactory = { name: 'test blob store', create: ({ now }) => testBlobStore(now) };
