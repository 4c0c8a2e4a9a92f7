/**
 * Peak memory of a 10 MB put and get on the filesystem store, in a file of its own so no
 * other test's buffers are in the numbers (vitest runs each file in its own worker).
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileBlobStore, memoryBlobStore } from '../../adapters/blobs/index.js';
import type { BlobStore } from '../../src/blobs/blob-store.js';

async function withRoot(body: (root: string) => Promise<void>): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'ticketry-blobs-'));
  try {
    await body(root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

// Garbage chunks would blur the numbers: collect it as we go when the flag can be set.
v8.setFlagsFromString('--expose-gc');
let gc: (() => void) | undefined;
try {
  gc = vm.runInNewContext('gc') as () => void;
} catch {
  gc = undefined;
}

/** Puts and gets 10 MiB through `store`; the peak growth of array buffers and RSS. */
async function peakOf(store: BlobStore): Promise<{ buffers: number; rss: number }> {
  gc?.();
  const base = process.memoryUsage();
  let buffers = 0;
  let rss = 0;
  const sample = (i: number) => {
    if (i % 8 === 0) gc?.();
    const m = process.memoryUsage();
    buffers = Math.max(buffers, m.arrayBuffers - base.arrayBuffers);
    rss = Math.max(rss, m.rss - base.rss);
  };
  const chunks = 160; // 160 x 64 KiB = 10 MiB
  await store.put('big', (async function* () {
    for (let i = 0; i < chunks; i++) {
      sample(i);
      yield Buffer.alloc(65536, i);
    }
  })());
  let n = 0;
  let bytes = 0;
  for await (const chunk of (await store.get('big'))!) {
    sample(n);
    expect(chunk[0]).toBe(Math.floor(bytes / 65536) % 256);
    bytes += chunk.byteLength;
    n++;
  }
  expect(bytes).toBe(chunks * 65536);
  return { buffers, rss };
}

const mib = (n: number) => `${(n / 2 ** 20).toFixed(2)} MiB`;

describe('filesystem blob store memory', () => {
  it('a 10 MB put and get never hold the blob in memory', () =>
    withRoot(async (root) => {
      const peak = await peakOf(fileBlobStore({ root }));
      console.log(`fileBlobStore 10 MiB put + get: peak arrayBuffers +${mib(peak.buffers)}, rss +${mib(peak.rss)}${gc ? '' : ' (no gc: numbers include garbage)'}`);
      if (gc) expect(peak.buffers).toBeLessThan(8 * 2 ** 20);
    }));

  it('the measure sees a store that holds the blob (the memory store holds all 10 MiB)', async () => {
    const peak = await peakOf(memoryBlobStore());
    console.log(`memoryBlobStore 10 MiB put + get: peak arrayBuffers +${mib(peak.buffers)}, rss +${mib(peak.rss)}`);
    if (gc) expect(peak.buffers).toBeGreaterThan(8 * 2 ** 20);
  });

  it('100 concurrent 1 MiB uploads hold a few chunks each, not their blobs', () =>
    withRoot(async (root) => {
      const store = fileBlobStore({ root });
      gc?.();
      const base = process.memoryUsage().arrayBuffers;
      let peak = 0;
      let samples = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          store.put(`t/2026/11/a${i}`, (async function* () {
            for (let c = 0; c < 16; c++) {
              if (++samples % 50 === 0) gc?.();
              peak = Math.max(peak, process.memoryUsage().arrayBuffers - base);
              yield Buffer.alloc(65536, c);
            }
          })()),
        ),
      );
      const ms = performance.now() - started;
      console.log(`fileBlobStore 100 concurrent 1 MiB puts: ${ms.toFixed(0)} ms, peak arrayBuffers +${mib(peak)} (100 MiB uploaded)`);
      expect((await store.list('t/')).length).toBe(100);
      if (gc) expect(peak).toBeLessThan(40 * 2 ** 20);
    }));
});
