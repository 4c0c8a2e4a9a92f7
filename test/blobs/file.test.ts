import { mkdtemp, readdir, rm, writeFile, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileBlobStore } from '../../adapters/blobs/index.js';
import { fsError, resolveBlobPath } from '../../adapters/blobs/file-blob-store.js';
import { TicketError } from '../../src/errors.js';
import { chunksOf, readBlob, runBlobStoreContract } from '../../src/testing/blob-store-contract.js';

const roots = new WeakMap<object, string>();

runBlobStoreContract({
  name: 'filesystem',
  create: async () => {
    const root = await mkdtemp(join(tmpdir(), 'ticketry-blobs-'));
    const store = fileBlobStore({ root });
    roots.set(store, root);
    return store;
  },
  destroy: async (store) => {
    // Nothing a test wrote may be left as a stray `.part` file.
    expect(await partFiles(store.root)).toEqual([]);
    await rm(store.root, { recursive: true, force: true });
  },
  describe,
  it,
});

async function partFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.name.endsWith('.part')) out.push(join(entry.parentPath, entry.name));
  }
  return out;
}

async function withRoot(body: (root: string) => Promise<void>): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'ticketry-blobs-'));
  try {
    await body(root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

const code = async (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => 'resolved',
    (e: unknown) => (TicketError.is(e) ? e.code : `raw: ${String(e)}`),
  );

describe('filesystem blob store', () => {
  it('stores a blob as the file <root>/<key>', () =>
    withRoot(async (root) => {
      const store = fileBlobStore({ root });
      await store.put('ab/2026/11/x1', chunksOf(Buffer.from('hello')));
      expect((await stat(join(root, 'ab', '2026', '11', 'x1'))).size).toBe(5);
      expect(await partFiles(root)).toEqual([]);
    }));

  it('makes files 0o600 and directories 0o700 unless told otherwise (POSIX)', () =>
    withRoot(async (dir) => {
      if (process.platform === 'win32') return;
      const root = join(dir, 'blobs');
      await fileBlobStore({ root }).put('t/2026/k', chunksOf(Buffer.from('x')));
      expect((await stat(join(root, 't', '2026', 'k'))).mode & 0o777).toBe(0o600);
      expect((await stat(join(root, 't', '2026'))).mode & 0o777).toBe(0o700);
      expect((await stat(root)).mode & 0o777).toBe(0o700);
      const shared = fileBlobStore({ root, fileMode: 0o640, dirMode: 0o750 });
      await shared.put('u/k', chunksOf(Buffer.from('x')));
      expect((await stat(join(root, 'u', 'k'))).mode & 0o777).toBe(0o640 & ~process.umask());
      expect(() => fileBlobStore({ root, fileMode: 0o1777 })).toThrow(TicketError);
    }));

  it('keeps every path under root, even for a crafted key that skipped checkBlobKey', () => {
    const root = join(tmpdir(), 'ticketry-root');
    for (const key of ['../x', 'a/../../x', '/etc/passwd', 'a/../..', '..', '', '.', 'a/\0b', 'a/./b', 'a\\..\\..\\x', 'c:/x', 'a//b']) {
      expect(() => resolveBlobPath(root, key), key).toThrow(/outside the blob root/);
    }
    // '..' inside a longer name is a plain name, under root.
    for (const key of ['a/b', 'a..b', '...', 'a/b..']) {
      const rel = relative(root, resolveBlobPath(root, key));
      expect(rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel) || rel === '', key).toBe(false);
    }
  });

  it('maps fs error codes: transient ones unavailable, the rest internal, with the cause', () => {
    const fsErr = (code: string) => Object.assign(new Error(`${code}: x`), { code });
    for (const c of ['EMFILE', 'ENFILE', 'EBUSY', 'EAGAIN']) {
      const e = fsError(fsErr(c), 'put', 'k');
      expect([e.code, e.params.errno, e.params.op]).toEqual(['unavailable', c, 'put']);
      expect((e.cause as Error).message).toBe(`${c}: x`);
    }
    for (const c of ['EACCES', 'EPERM', 'EIO', 'ENOSPC', 'EROFS', undefined]) {
      expect(fsError(c ? fsErr(c) : new Error('odd'), 'get', 'k').code, String(c)).toBe('internal');
    }
    expect(fsError(fsErr('ENAMETOOLONG'), 'put', 'k').code).toBe('config');
  });

  it('refuses a root that is relative, empty, or a file, with a config error', async () => {
    for (const root of ['relative/dir', '', './x', undefined, 42]) {
      expect(() => fileBlobStore({ root: root as string }), String(root)).toThrow(TicketError);
      try {
        fileBlobStore({ root: root as string });
      } catch (e) {
        expect(TicketError.is(e, 'config')).toBe(true);
      }
    }
    await withRoot(async (dir) => {
      const file = join(dir, 'a-file');
      await writeFile(file, 'x');
      const store = fileBlobStore({ root: file });
      expect(await code(store.put('k', chunksOf(Buffer.from('x'))))).toBe('config');
      const under = fileBlobStore({ root: join(file, 'sub') });
      expect(await code(under.put('k', chunksOf(Buffer.from('x'))))).toBe('config');
    });
  });

  it('creates a missing root with its parents on first write, not in the factory', () =>
    withRoot(async (dir) => {
      const root = join(dir, 'deep', 'er', 'blobs');
      const store = fileBlobStore({ root });
      await expect(stat(root)).rejects.toThrow();
      expect(await store.list('')).toEqual([]);
      await store.put('k', chunksOf(Buffer.from('x')));
      expect((await stat(root)).isDirectory()).toBe(true);
    }));

  it('maps fs failures to typed errors: a directory where the key file would go is internal', () =>
    withRoot(async (root) => {
      const store = fileBlobStore({ root });
      await store.put('a/b', chunksOf(Buffer.from('x')));
      // 'a/b' is a file, so 'a/b/c' cannot get a directory: ENOTDIR/EEXIST from mkdir.
      const err = await store.put('a/b/c', chunksOf(Buffer.from('y'))).catch((e: unknown) => e);
      expect(TicketError.is(err)).toBe(true);
      expect((err as TicketError).code).toMatch(/^(internal|conflict)$/);
      expect((err as TicketError).params.errno ?? 'conflict').toBeTruthy();
      // get/stat below a file are simply missing.
      expect(await store.get('a/b/c')).toBe(null);
      expect(await store.stat('a/b/c')).toBe(null);
      // A directory at a key is not a blob either.
      expect(await store.get('a')).toBe(null);
      expect(await store.stat('a')).toBe(null);
    }));

  it('list ignores .part files and stray files; removePartials removes old .part files only', () =>
    withRoot(async (root) => {
      const store = fileBlobStore({ root });
      await store.put('t/2026/11/done', chunksOf(Buffer.from('x')));
      const dir = join(root, 't', '2026', '11');
      await writeFile(join(dir, 'crashed.0123abcd.part'), 'half');
      await writeFile(join(dir, 'fresh.89abcdef.part'), 'in progress');
      await writeFile(join(dir, '.DS_Store'), 'x');
      await writeFile(join(dir, 'README.txt'), 'x');
      const old = new Date(Date.now() - 2 * 3_600_000);
      await utimes(join(dir, 'crashed.0123abcd.part'), old, old);
      expect(await store.list('t/')).toEqual(['t/2026/11/done']);
      expect(await store.removePartials()).toBe(1);
      expect((await readdir(dir)).sort()).toEqual(['.DS_Store', 'README.txt', 'done', 'fresh.89abcdef.part']);
      expect(await store.removePartials({ olderThanMs: 0 })).toBe(1);
      expect(await partFiles(root)).toEqual([]);
    }));

  it('a get stream opens the file only when read, and stopping early releases it', () =>
    withRoot(async (root) => {
      const store = fileBlobStore({ root });
      await store.put('k', chunksOf(Buffer.alloc(1024 * 1024, 7)));
      const unread = await store.get('k');
      expect(unread).not.toBe(null);
      // Deleting after get but before reading: the read reports not_found, typed.
      await store.delete('k');
      const err = await (async () => {
        for await (const _ of unread!) void _;
      })().catch((e: unknown) => e);
      expect(TicketError.is(err, 'not_found')).toBe(true);

      await store.put('k2', chunksOf(Buffer.alloc(1024 * 1024, 7)));
      const stream = await store.get('k2');
      let chunks = 0;
      for await (const chunk of stream!) {
        expect(chunk.byteLength).toBeGreaterThan(0);
        if (++chunks === 2) break;
      }
      // Once released, the file is deletable and gone (Windows would refuse an open file).
      await store.delete('k2');
      expect(await store.stat('k2')).toBe(null);
    }));

  it('uses the `now` option as the write time', () =>
    withRoot(async (root) => {
      const at = new Date('2030-01-02T03:04:05.000Z');
      const store = fileBlobStore({ root, now: () => at });
      await store.put('k', chunksOf(Buffer.from('x')));
      expect((await store.stat('k'))?.createdAt.getTime()).toBe(at.getTime());
    }));

  it('100 concurrent puts of 1 MB each all succeed and read back', () =>
    withRoot(async (root) => {
      const store = fileBlobStore({ root });
      const n = 100;
      const blob = (i: number) => Buffer.alloc(1024 * 1024, i);
      const started = performance.now();
      const sizes = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          store.put(`tenant/2026/11/a${i}`, (async function* () {
            // 16 chunks of 64 KiB, as a stream arrives.
            const b = blob(i);
            for (let o = 0; o < b.length; o += 65536) yield b.subarray(o, o + 65536);
          })()),
        ),
      );
      const wrote = performance.now() - started;
      expect(sizes.every((s) => s.size === 1024 * 1024)).toBe(true);
      const readStarted = performance.now();
      const back = await Promise.all(Array.from({ length: n }, (_, i) => readBlob(store, `tenant/2026/11/a${i}`)));
      const read = performance.now() - readStarted;
      back.forEach((b, i) => expect(b?.equals(blob(i)), `blob ${i}`).toBe(true));
      expect(await store.list('tenant/')).toHaveLength(n);
      expect(await partFiles(root)).toEqual([]);
      console.log(`fileBlobStore: ${n} concurrent 1 MiB puts in ${wrote.toFixed(0)} ms, reads in ${read.toFixed(0)} ms`);
    }));
});
