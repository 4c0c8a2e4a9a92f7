import { checkBlobKey, checkBlobPrefix, type BlobStore } from '../../src/blobs/blob-store.js';
import { checkContent, checkLimit, notBytes, taken } from '../../src/blobs/blob-checks.js';

/** Options of `memoryBlobStore`. */
export interface MemoryBlobStoreOptions {
  /** What `stat` reports as `createdAt` (a test clock, so an orphan sweep can be tested). @default () => new Date() */
  now?: () => Date;
}

interface Entry {
  /** Copies of the chunks as they came (not joined: joining would hold the blob twice). */
  chunks: Uint8Array[];
  size: number;
  createdAt: Date;
}

/**
 * A blob store in memory, for tests and demos: the bytes go when the process does. It keeps
 * its own copies (a caller reusing or changing its buffers after `put`, or the chunks `get`
 * gave it, changes nothing stored), and a `put` that fails midway stores nothing.
 */
export function memoryBlobStore(options: MemoryBlobStoreOptions = {}): BlobStore {
  const now = options.now ?? (() => new Date());
  const entries = new Map<string, Entry>();
  // Keys being written: a second put of the same key is a conflict at once, not a race.
  const writing = new Set<string>();

  return {
    async put(key, content) {
      checkBlobKey(key);
      checkContent(content);
      if (entries.has(key) || writing.has(key)) throw taken(key);
      writing.add(key);
      try {
        const chunks: Uint8Array[] = [];
        let size = 0;
        for await (const chunk of content) {
          if (!(chunk instanceof Uint8Array)) throw notBytes(key);
          chunks.push(Buffer.from(chunk));
          size += chunk.byteLength;
        }
        entries.set(key, { chunks, size, createdAt: now() });
        return { size };
      } finally {
        writing.delete(key);
      }
    },

    async get(key) {
      checkBlobKey(key);
      const entry = entries.get(key);
      if (!entry) return null;
      const { chunks } = entry;
      return (async function* () {
        for (const chunk of chunks) yield Buffer.from(chunk);
      })();
    },

    async stat(key) {
      checkBlobKey(key);
      const entry = entries.get(key);
      return entry ? { size: entry.size, createdAt: new Date(entry.createdAt) } : null;
    },

    async delete(key) {
      checkBlobKey(key);
      entries.delete(key);
    },

    async list(prefix, listOptions = {}) {
      checkBlobPrefix(prefix);
      const limit = checkLimit(listOptions.limit);
      const after = listOptions.after;
      const keys = [...entries.keys()]
        .filter((k) => k.startsWith(prefix) && (after === undefined || k > after))
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      return limit === undefined ? keys : keys.slice(0, limit);
    },
  };
}
