import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, stat, unlink, link, rename, utimes } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { ConfigError, InternalError, NotFoundError, TicketError, UnavailableError } from '../../src/errors.js';
import { checkBlobKey, checkBlobPrefix, type BlobStore } from '../../src/blobs/blob-store.js';
import { checkContent, checkLimit, notBytes, taken } from '../../src/blobs/blob-checks.js';

/** Options of `fileBlobStore`. */
export interface FileBlobStoreOptions {
  /**
   * The directory the blobs live under: an absolute path of an existing directory, or of one
   * ticketry may create (on first use, with its parents). Give ticketry a directory of its
   * own, outside anything a web server serves.
   */
  root: string;
  /**
   * The write time of a new blob (its file's mtime, what `stat` reports as `createdAt`), for
   * tests with a controlled clock. Absent: the filesystem's own time.
   * @default undefined
   */
  now?: () => Date;
  /** Permissions of blob files (before the umask): readable by the host's user only. @default 0o600 */
  fileMode?: number;
  /** Permissions of the directories ticketry creates, `root` included when it creates it. @default 0o700 */
  dirMode?: number;
}

/** A blob store on the local filesystem, with a way to remove what a crash left behind. */
export interface FileBlobStore extends BlobStore {
  /** The absolute root directory. */
  readonly root: string;
  /**
   * Removes the temporary `.part` (and `.lock`) files a crash or a killed process left behind, when older
   * than `olderThanMs` (so writes in progress are left alone). Returns how many it removed.
   * @default olderThanMs 3_600_000 (one hour)
   */
  removePartials(options?: { olderThanMs?: number }): Promise<number>;
}

/** fs error codes that mean "busy, try again later" rather than a broken setup. */
const TRANSIENT = new Set(['EMFILE', 'ENFILE', 'EBUSY', 'EAGAIN']);

/** A segment of a key; a file name with anything else (a '.part' file, a stray file) is not a blob. */
const SEGMENT = /^[a-z0-9_-]+$/;

/** What a crash can leave: a write's `<name>.<random>.part`, a `<name>.lock` (filesystems without links). */
const PART = /^[a-z0-9_-]+\.(?:[0-9a-f]+\.part|lock)$/;

/**
 * A blob store on the local filesystem: a blob is a file at `<root>/<key>`.
 *
 * - Files are made with mode 0o600 and directories 0o700 (`fileMode`, `dirMode`); each blob
 *   is fsync'ed before it gets its key, and its directory after.
 * - Writes are atomic: the bytes go to `<key>.<random>.part` in the same directory, which
 *   is then hard-linked to its final name (which fails when the key is taken, so two writers
 *   can never both win) and unlinked (or renamed, on filesystems without hard links). A
 *   crash leaves only `.part` files: never a half-written blob. `list` ignores them and
 *   `removePartials` removes them.
 * - Streams both ways: `put` pipes the content into a write stream with backpressure, `get`
 *   returns a read stream that opens the file only when first read; neither holds the file
 *   in memory.
 * - Paths are only ever made from keys `checkBlobKey` accepted, and the resolved path must
 *   still lie under `root`.
 * - fs errors become ticketry errors: EMFILE, ENFILE, EBUSY, EAGAIN are `unavailable`,
 *   anything else `internal` (with the fs error as `cause`).
 *
 * The factory does no I/O; `root` is created on first use (a ConfigError if it cannot be).
 */
export function fileBlobStore(options: FileBlobStoreOptions): FileBlobStore {
  const root = checkRoot(options?.root);
  const now = options.now;
  const fileMode = checkMode(options.fileMode, 0o600, 'fileMode');
  const dirMode = checkMode(options.dirMode, 0o700, 'dirMode');
  let ready: Promise<void> | undefined;

  // Creates root once; a failure is not remembered, so a fixed mount works on the next call.
  const ensureRoot = (): Promise<void> => {
    ready ??= mkdir(root, { recursive: true, mode: dirMode }).then(
      () => undefined,
      (err: unknown) => {
        ready = undefined;
        if (TRANSIENT.has(codeOf(err))) throw fsError(err, 'mkdir', '');
        throw new ConfigError(`The blob root ${root} is not a directory ticketry can create or use (${codeOf(err)})`, {
          cause: err,
          params: { field: 'root', root, errno: codeOf(err) },
        });
      },
    );
    return ready;
  };

  const pathOf = (key: string): string => {
    checkBlobKey(key);
    return resolveBlobPath(root, key);
  };

  return {
    root,

    async put(key, content) {
      const path = pathOf(key);
      checkContent(content);
      await ensureRoot();
      // Fails fast before reading anything; the link below is what makes a race safe.
      if (await exists(path, key)) throw taken(key);
      await mkdir(dirname(path), { recursive: true, mode: dirMode }).catch((err: unknown) => {
        throw fsError(err, 'put', key);
      });
      const part = `${path}.${randomBytes(8).toString('hex')}.part`;
      let size = 0;
      let sourceError: { error: unknown } | undefined;
      async function* counted(source: AsyncIterable<unknown>): AsyncGenerator<Uint8Array> {
        try {
          for await (const chunk of source) {
            if (!(chunk instanceof Uint8Array)) throw notBytes(key);
            size += chunk.byteLength;
            yield chunk;
          }
        } catch (error) {
          // The content's own error (a size limit, a scan refusal, a broken upload) reaches
          // the caller unchanged; only errors of our own writing are mapped.
          sourceError = { error };
          throw error;
        }
      }
      // flush: fsync before close, so the blob is on disk before its key points at it
      // (and before the caller commits the row that names it).
      const out = createWriteStream(part, { flags: 'wx', mode: fileMode, flush: true });
      try {
        await pipeline(counted(content), out);
      } catch (err) {
        // A stream destroyed before its file was open still opens (creates) it, then
        // closes: removing the file before that left a `.part` behind.
        if (!out.closed) await once(out, 'close').catch(() => undefined);
        await removeQuietly(part);
        if (sourceError) throw sourceError.error;
        throw fsError(err, 'put', key);
      }
      try {
        // Before publishing (the link shares the inode, a rename keeps it): once the key
        // exists, nothing may fail, or a caller would retry into a conflict.
        if (now) {
          const at = now();
          await utimes(part, at, at);
        }
        await publish(part, path, key);
      } catch (err) {
        await removeQuietly(part);
        throw TicketError.is(err) ? err : fsError(err, 'put', key);
      }
      await syncDirectory(dirname(path));
      return { size };
    },

    async get(key) {
      const path = pathOf(key);
      const info = await statFile(path, key);
      if (!info) return null;
      return readFile(path, key);
    },

    async stat(key) {
      const path = pathOf(key);
      const info = await statFile(path, key);
      return info ? { size: info.size, createdAt: info.mtime } : null;
    },

    async delete(key) {
      const path = pathOf(key);
      try {
        await unlink(path);
      } catch (err) {
        const code = codeOf(err);
        if (code === 'ENOENT' || code === 'ENOTDIR') return;
        throw fsError(err, 'delete', key);
      }
    },

    async list(prefix, listOptions = {}) {
      checkBlobPrefix(prefix);
      const limit = checkLimit(listOptions.limit) ?? Number.POSITIVE_INFINITY;
      const after = listOptions.after;
      if (after !== undefined && typeof after !== 'string') {
        throw new ConfigError('`after` must be a key', { params: { field: 'after' } });
      }
      const slash = prefix.lastIndexOf('/');
      const dirKey = prefix.slice(0, slash + 1); // '' or 'a/b/'
      const namePrefix = prefix.slice(slash + 1);
      const dir = dirKey === '' ? root : resolveBlobPath(root, dirKey.slice(0, -1));
      const keys: string[] = [];
      await walk(dir, dirKey, namePrefix, after, limit, keys);
      return keys;
    },

    async removePartials(partialOptions = {}) {
      const olderThanMs = partialOptions.olderThanMs ?? 3_600_000;
      if (!Number.isFinite(olderThanMs) || olderThanMs < 0) {
        throw new ConfigError('olderThanMs must be a number of milliseconds >= 0', { params: { field: 'olderThanMs' } });
      }
      const cutoff = Date.now() - olderThanMs;
      let removed = 0;
      const sweep = async (dir: string): Promise<void> => {
        for (const entry of await readDir(dir)) {
          const path = join(dir, entry.name);
          if (entry.isDirectory() && SEGMENT.test(entry.name)) await sweep(path);
          else if (entry.isFile() && PART.test(entry.name)) {
            const info = await stat(path).catch(() => null);
            if (info && info.mtimeMs <= cutoff && (await removeQuietly(path))) removed++;
          }
        }
      };
      await sweep(root);
      return removed;
    },
  };
}

/**
 * The file of `key` under `root`, refusing (ConfigError) any path that would leave `root`.
 * Stores call it only with keys `checkBlobKey` accepted; the containment check is a second
 * line of defence, exported for the tests that hand it a crafted key.
 */
export function resolveBlobPath(root: string, key: string): string {
  if (typeof key !== 'string') throw outside(key);
  const segments = key.split('/');
  // Nothing but plain names: no '', '.', '..', separators of any platform or NUL.
  if (segments.some((s) => s === '' || s === '.' || s === '..' || /[\\/:\0]/.test(s))) throw outside(key);
  const path = resolve(root, ...segments);
  const rel = relative(root, path);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) throw outside(key);
  return path;
}

function outside(key: unknown): ConfigError {
  return new ConfigError('A blob key resolved to a path outside the blob root', {
    params: { field: 'blobKey', key: typeof key === 'string' ? key.slice(0, 80) : typeof key },
  });
}

function checkMode(mode: unknown, fallback: number, field: string): number {
  if (mode === undefined) return fallback;
  if (!Number.isInteger(mode) || (mode as number) < 0 || (mode as number) > 0o777) {
    throw new ConfigError(`${field} must be a permission number such as 0o600`, { params: { field } });
  }
  return mode as number;
}

function checkRoot(root: unknown): string {
  if (typeof root !== 'string' || root === '' || root.includes('\0') || !isAbsolute(root)) {
    throw new ConfigError('fileBlobStore needs `root`: the absolute path of a directory', {
      params: { field: 'root', root: typeof root === 'string' ? root : typeof root },
    });
  }
  return resolve(root);
}

/** Moves the finished `.part` file to its key without ever replacing a blob. */
async function publish(part: string, path: string, key: string): Promise<void> {
  try {
    await link(part, path);
  } catch (err) {
    const code = codeOf(err);
    if (code === 'EEXIST') throw taken(key);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw err;
    // Filesystems without hard links (FAT, some SMB and FUSE mounts): rename, which would
    // replace a blob, so writers first take `<key>.lock`, created exclusively (O_EXCL): a
    // second writer of the key gets a conflict. A crash may leave the lock: list ignores
    // it, and removePartials removes it once old.
    const lock = `${path}.lock`;
    try {
      await (await open(lock, 'wx', 0o600)).close();
    } catch (lockErr) {
      if (codeOf(lockErr) === 'EEXIST') throw taken(key);
      throw lockErr;
    }
    try {
      if (await exists(path, key)) throw taken(key);
      await rename(part, path);
    } finally {
      await removeQuietly(lock);
    }
    return;
  }
  await removeQuietly(part);
}

/**
 * fsyncs a directory so the new name in it survives a power loss. Best effort: some
 * platforms (Windows) and filesystems cannot open or sync a directory.
 */
async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // The blob is written and named; only its durability across a power loss is weaker.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

async function exists(path: string, key: string): Promise<boolean> {
  return (await statFile(path, key, true)) !== null;
}

/** The file's stat, or null when there is no file (or a directory) at `path`. */
async function statFile(path: string, key: string, anyKind = false) {
  try {
    const info = await stat(path);
    return info.isFile() || anyKind ? info : null;
  } catch (err) {
    const code = codeOf(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw fsError(err, 'stat', key);
  }
}

/** Streams the file, opening it on the first read (a stream nobody reads holds no descriptor). */
async function* readFile(path: string, key: string): AsyncGenerator<Uint8Array> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    const code = codeOf(err);
    if (code === 'ENOENT') throw new NotFoundError('The blob was removed before it was read', { cause: err, params: { key } });
    throw fsError(err, 'get', key);
  }
  // autoClose: the stream closes the handle at its end, on an error, and when the consumer
  // stops early (the for-await below destroys it).
  const stream = handle.createReadStream();
  try {
    for await (const chunk of stream) yield chunk as Buffer;
  } catch (err) {
    throw TicketError.is(err) ? err : fsError(err, 'get', key);
  } finally {
    stream.destroy();
  }
}

/**
 * Keys under `dir` (whose key prefix is `dirKey`), depth first. Siblings are sorted by the
 * key text they stand for (a directory as `name/`), so the walk meets keys in key order and
 * can stop at `limit` and skip subtrees that lie wholly at or before `after`.
 */
async function walk(
  dir: string,
  dirKey: string,
  namePrefix: string,
  after: string | undefined,
  limit: number,
  out: string[],
): Promise<void> {
  const entries = (await readDir(dir))
    .filter((e) => e.name.startsWith(namePrefix) && SEGMENT.test(e.name) && (e.isDirectory() || e.isFile()))
    .map((e) => ({ name: e.name, isDir: e.isDirectory(), sortKey: dirKey + e.name + (e.isDirectory() ? '/' : '') }))
    .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
  for (const entry of entries) {
    if (out.length >= limit) return;
    if (entry.isDir) {
      const sub = entry.sortKey;
      // Every key below starts with `sub`: all are <= after when after is past them all.
      if (after !== undefined && after > sub && !after.startsWith(sub)) continue;
      await walk(join(dir, entry.name), sub, '', after, limit, out);
    } else if (after === undefined || entry.sortKey > after) {
      out.push(entry.sortKey);
    }
  }
}

async function readDir(dir: string) {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (err) {
    const code = codeOf(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw fsError(err, 'list', '');
  }
}

/** Unlinks `path`, ignoring every error (it is cleanup); true when it was removed. */
async function removeQuietly(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch {
    return false;
  }
}

function codeOf(err: unknown): string {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string'
    ? (err as { code: string }).code
    : '';
}

/**
 * A ticketry error for an fs failure: transient ones (EMFILE, ENFILE, EBUSY, EAGAIN)
 * `unavailable`, a name too long `config`, the rest `internal`; the fs error is the `cause`.
 */
export function fsError(err: unknown, op: string, key: string): TicketError {
  if (TicketError.is(err)) return err;
  const code = codeOf(err);
  const params = { op, key, errno: code };
  if (code === 'ENAMETOOLONG') {
    return new ConfigError('A blob key segment is too long for this filesystem (names of ticketry keys are at most 100 characters)', {
      cause: err,
      params: { field: 'blobKey', ...params },
    });
  }
  if (TRANSIENT.has(code)) {
    return new UnavailableError(`The blob store is busy (${code} on ${op}); try again later`, { cause: err, params });
  }
  return new InternalError(`The blob store failed to ${op}${code ? ` (${code})` : ''}`, { cause: err, params });
}
