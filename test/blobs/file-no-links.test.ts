/**
 * The filesystem store on a filesystem without hard links (FAT, some SMB and FUSE mounts):
 * `link` fails with EPERM, and the store publishes with an exclusive lock and a rename. It
 * must keep the whole contract, racing writers included.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

const linkCalls = vi.hoisted(() => ({ n: 0 }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...original,
    link: async () => {
      linkCalls.n++;
      throw Object.assign(new Error('EPERM: operation not permitted, link'), { code: 'EPERM' });
    },
  };
});

const { fileBlobStore } = await import('../../adapters/blobs/index.js');
const { runBlobStoreContract } = await import('../../src/testing/blob-store-contract.js');

async function leftovers(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).filter((f) => f.endsWith('.part') || f.endsWith('.lock'));
}

runBlobStoreContract({
  name: 'filesystem without hard links',
  create: async () => fileBlobStore({ root: await mkdtemp(join(tmpdir(), 'ticketry-nolink-')) }),
  destroy: async (store) => {
    expect(await leftovers(store.root)).toEqual([]);
    expect(linkCalls.n).toBeGreaterThan(0);
    await rm(store.root, { recursive: true, force: true });
  },
  describe,
  it,
});

describe('filesystem without hard links', () => {
  it('a stale lock from a crash makes its key a conflict until removePartials clears it', async () => {
    const root = await mkdtemp(join(tmpdir(), 'ticketry-nolink-'));
    try {
      const store = fileBlobStore({ root });
      await store.put('t/a', (async function* () {})());
      const { writeFile } = await import('node:fs/promises');
      await writeFile(join(root, 't', 'b.lock'), '');
      const err = await store.put('t/b', (async function* () {})()).catch((e: unknown) => e);
      expect((err as { code?: string }).code).toBe('conflict');
      expect(await store.list('t/')).toEqual(['t/a']);
      expect(await store.removePartials({ olderThanMs: 0 })).toBe(1);
      await store.put('t/b', (async function* () {})());
      expect(await store.list('t/')).toEqual(['t/a', 't/b']);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
