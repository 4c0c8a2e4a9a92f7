/**
 * The attachment contract (src/testing/attachments.ts) on every ticket store × ticketry's
 * own blob stores: memory, and the filesystem on a fresh temp directory per test.
 * (runStoreContract runs it with the in-suite test double; the suite cannot import the
 * adapters, so the real blob stores come in here.)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { fileBlobStore, memoryBlobStore, type FileBlobStore } from '../../adapters/blobs/index.js';
import { memoryStore } from '../../adapters/memory/index.js';
import { attachmentTests } from '../../src/testing/attachments.js';
import type { BlobStoreFactory, ContractOptions } from '../../src/testing/index.js';
import { POSTGRES_IS_REAL, postgresFixture, sqliteFileFixture, sqliteMemoryFixture } from '../sql/stores.js';

const blobStores: BlobStoreFactory[] = [
  { name: 'memoryBlobStore', create: ({ now }) => memoryBlobStore({ now }) },
  {
    name: 'fileBlobStore',
    create: async ({ now }) => fileBlobStore({ root: join(await mkdtemp(join(tmpdir(), 'ticketry-att-')), 'blobs'), now }),
    destroy: async (store) => {
      await rm(join((store as FileBlobStore).root, '..'), { recursive: true, force: true });
    },
  },
];

const fixtures = [
  { name: 'sqlite (file)', fixture: sqliteFileFixture() },
  { name: 'sqlite (:memory:)', fixture: sqliteMemoryFixture() },
  { name: POSTGRES_IS_REAL ? 'postgres' : 'postgres (PGlite)', fixture: postgresFixture() },
];
afterAll(async () => {
  for (const { fixture } of fixtures) await fixture.dispose();
});

const run = (name: string, createStore: ContractOptions['createStore']) => {
  describe(`attachment contract: ${name}`, () => attachmentTests({ name, createStore, describe, it, blobStores }));
};

run('memory', () => memoryStore());
for (const { name, fixture } of fixtures) {
  let shared: ReturnType<typeof fixture.create> | undefined;
  run(name, async () => (await (shared ??= fixture.create())).store);
}
