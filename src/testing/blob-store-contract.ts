/**
 * The blob store contract: what ticketry relies on from a `BlobStore`. ticketry's memory and
 * filesystem stores run it; a host's own store (S3, a database) certifies itself the same way:
 *
 * ```ts
 * import { describe, it } from 'vitest';
 * import { runBlobStoreContract } from 'ticketry/testing';
 * runBlobStoreContract({ name: 'my S3 store', create: () => s3BlobStore(client, bucket), describe, it });
 * ```
 *
 * Every test works under a fresh random prefix, so a factory may hand out one shared store
 * (one bucket) as long as nothing else writes under `t-<random>/`.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { BlobStore } from '../blobs/blob-store.js';
import { TicketError, type TicketErrorCode } from '../errors.js';
import type { TestFn } from './harness.js';

/** What a blob store passes to `runBlobStoreContract`. */
export interface BlobStoreContractOptions<B extends BlobStore = BlobStore> {
  /** Shown in the test names. */
  name: string;
  /** Returns a ready store. Called once per test. */
  create: () => Promise<B> | B;
  /** Releases what `create` made. Called after each test. */
  destroy?: (store: B) => Promise<void> | void;
  describe: (name: string, fn: () => void) => void;
  it: TestFn;
}

/** The context of one blob store test: the store, and a fresh key prefix of its own. */
export interface BlobKit<B extends BlobStore = BlobStore> {
  store: B;
  /** `t-<random>`, a prefix no other test uses. */
  prefix: string;
  /** A key under the test's prefix. */
  key(...segments: string[]): string;
}

/** Wraps a blob store test body: makes a store and a prefix; always releases the store. */
export function withBlobStore<B extends BlobStore>(
  options: BlobStoreContractOptions<B>,
  body: (kit: BlobKit<B>) => Promise<void>,
): () => Promise<void> {
  return async () => {
    const store = await options.create();
    try {
      const prefix = `t-${randomBytes(6).toString('hex')}`;
      await body({ store, prefix, key: (...segments) => [prefix, ...segments].join('/') });
    } finally {
      await options.destroy?.(store);
    }
  };
}

/** Yields `chunks` one by one, as an upload arrives. */
export async function* chunksOf(...chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield chunk;
}

/** Reads a stream whole (for tests: small blobs only). */
export async function readAll(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) {
    assert.ok(chunk instanceof Uint8Array, 'a blob stream yields Uint8Array chunks');
    parts.push(Buffer.from(chunk));
  }
  return Buffer.concat(parts);
}

/** The bytes under `key`, or null. */
export async function readBlob(store: BlobStore, key: string): Promise<Buffer | null> {
  const stream = await store.get(key);
  return stream === null ? null : readAll(stream);
}

/** Asserts `promise` rejects with a TicketError of `code`. */
async function rejectsWithCode(promise: Promise<unknown>, code: TicketErrorCode, what: string): Promise<TicketError> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught !== undefined, `${what}: expected a ${code} error, but the call succeeded`);
  assert.ok(TicketError.is(caught), `${what}: expected a TicketError, got ${String(caught)}`);
  assert.equal(caught.code, code, `${what}: expected ${code}, got ${caught.code}: ${caught.message}`);
  return caught;
}

const sha = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Registers the blob store contract for one store. */
export function runBlobStoreContract<B extends BlobStore>(options: BlobStoreContractOptions<B>): void {
  const { describe, it } = options;
  const test = (name: string, body: (kit: BlobKit<B>) => Promise<void>) => it(name, withBlobStore(options, body));

  describe(`blob store contract: ${options.name}`, () => {
    test('round-trips an empty blob, one byte, and 3 MB put in chunks', async ({ store, key }) => {
      assert.deepEqual(await store.put(key('empty'), chunksOf()), { size: 0 });
      assert.deepEqual(await readBlob(store, key('empty')), Buffer.alloc(0));
      assert.equal((await store.stat(key('empty')))?.size, 0);

      assert.deepEqual(await store.put(key('one'), chunksOf(new Uint8Array([0xff]))), { size: 1 });
      assert.deepEqual(await readBlob(store, key('one')), Buffer.from([0xff]));

      const big = randomBytes(3 * 1024 * 1024);
      const chunks: Uint8Array[] = [];
      // Uneven chunks, as a network upload arrives.
      for (let offset = 0, n = 0; offset < big.length; n++) {
        const size = 1 + ((n * 7919) % 200_000);
        chunks.push(big.subarray(offset, offset + size));
        offset += size;
      }
      const before = Date.now();
      assert.deepEqual(await store.put(key('big'), chunksOf(...chunks)), { size: big.length });
      const got = await readBlob(store, key('big'));
      assert.ok(got);
      assert.equal(got.length, big.length);
      assert.equal(sha(got), sha(big));
      const info = await store.stat(key('big'));
      assert.ok(info);
      assert.equal(info.size, big.length);
      assert.ok(info.createdAt instanceof Date && !Number.isNaN(info.createdAt.getTime()), 'createdAt is a valid Date');
      // A coarse bound: filesystems round mtimes, hosts' clocks differ a little.
      assert.ok(Math.abs(info.createdAt.getTime() - before) < 10 * 60_000, `createdAt ${info.createdAt.toISOString()} is about now`);
    });

    test('takes a Node Readable as content, and get streams bytes a Readable can wrap', async ({ store, key }) => {
      const bytes = randomBytes(200_000);
      await store.put(key('readable'), Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]));
      const stream = await store.get(key('readable'));
      assert.ok(stream);
      const back = await readAll(Readable.from(stream));
      assert.equal(sha(back), sha(bytes));
    });

    test('get and stat of a missing key are null', async ({ store, key }) => {
      assert.equal(await store.get(key('missing')), null);
      assert.equal(await store.stat(key('missing')), null);
      assert.equal(await store.get(key('no', 'such', 'dir')), null);
      assert.equal(await store.stat(key('no', 'such', 'dir')), null);
    });

    test('delete removes the blob, is idempotent, and frees the key', async ({ store, key }) => {
      await store.delete(key('never'));
      await store.put(key('d'), chunksOf(Buffer.from('first')));
      await store.delete(key('d'));
      assert.equal(await store.get(key('d')), null);
      assert.equal(await store.stat(key('d')), null);
      await store.delete(key('d'));
      await store.put(key('d'), chunksOf(Buffer.from('second')));
      assert.equal((await readBlob(store, key('d')))?.toString(), 'second');
    });

    test('a taken key is a conflict and keeps its bytes, even when two writers race', async ({ store, key }) => {
      await store.put(key('c'), chunksOf(Buffer.from('original')));
      await rejectsWithCode(store.put(key('c'), chunksOf(Buffer.from('other'))), 'conflict', 'second put');
      assert.equal((await readBlob(store, key('c')))?.toString(), 'original');

      const results = await Promise.allSettled(
        Array.from({ length: 5 }, (_, i) => store.put(key('race'), chunksOf(Buffer.from(`writer ${i}`), Buffer.from('!')))),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      assert.equal(won.length, 1, 'exactly one racing put wins');
      for (const r of results) {
        if (r.status === 'rejected') assert.ok(TicketError.is(r.reason, 'conflict'), `a losing put is a conflict: ${String(r.reason)}`);
      }
      assert.match((await readBlob(store, key('race')))?.toString() ?? '', /^writer \d!$/);
      assert.deepEqual(await store.list(`${key('race')}`), [key('race')]);
    });

    test('the store keeps its own copy of the bytes', async ({ store, key }) => {
      const source = Buffer.from('abcdef');
      await store.put(key('copy'), chunksOf(source));
      source.fill(0);
      const first = await store.get(key('copy'));
      assert.ok(first);
      for await (const chunk of first) chunk.fill?.(0);
      assert.equal((await readBlob(store, key('copy')))?.toString(), 'abcdef');
    });

    test('list returns the keys under a prefix in key order, after `after`, at most `limit`', async ({ store, key, prefix }) => {
      // '-' sorts before '/', '_' after it: key order is not a directory walk's order.
      const keys = [key('p', 'a-c'), key('p', 'a', 'b'), key('p', 'a', 'a'), key('p', 'a_d'), key('p', 'b'), key('p', 'a-c-2'), key('q', 'x')];
      for (const k of keys) await store.put(k, chunksOf(Buffer.from(k)));
      const underP = keys.filter((k) => k.startsWith(`${prefix}/p/`)).sort();
      assert.deepEqual(underP, [key('p', 'a-c'), key('p', 'a-c-2'), key('p', 'a', 'a'), key('p', 'a', 'b'), key('p', 'a_d'), key('p', 'b')]);

      assert.deepEqual(await store.list(`${prefix}/p/`), underP);
      assert.deepEqual(await store.list(`${prefix}/`), [...underP, key('q', 'x')]);
      assert.deepEqual(await store.list(prefix), [...underP, key('q', 'x')]);
      // A prefix that ends inside a segment.
      assert.deepEqual(await store.list(`${prefix}/p/a`), underP.slice(0, 5));
      assert.deepEqual(await store.list(`${prefix}/p/a-`), [key('p', 'a-c'), key('p', 'a-c-2')]);
      assert.deepEqual(await store.list(`${prefix}/p/a/`), [key('p', 'a', 'a'), key('p', 'a', 'b')]);
      assert.deepEqual(await store.list(`${prefix}/none/`), []);

      // Paging through with limit and after visits every key once, in order.
      const paged: string[] = [];
      let after: string | undefined;
      for (let page = 0; page < 10; page++) {
        const got = await store.list(`${prefix}/p/`, after === undefined ? { limit: 2 } : { limit: 2, after });
        assert.ok(got.length <= 2, 'at most limit keys');
        if (got.length === 0) break;
        paged.push(...got);
        after = got[got.length - 1];
      }
      assert.deepEqual(paged, underP);
      // `after` need not be a stored key.
      assert.deepEqual(await store.list(`${prefix}/p/`, { after: key('p', 'a-c-1') }), underP.slice(1));
      assert.deepEqual(await store.list(`${prefix}/p/`, { after: key('p', 'a') }), underP);
      assert.deepEqual(await store.list(`${prefix}/p/`, { after: key('p', 'a-d') }), underP.slice(2));
      assert.deepEqual(await store.list(`${prefix}/p/`, { after: key('p', 'z') }), []);
      assert.deepEqual(await store.list(`${prefix}/p/`, { limit: 1 }), underP.slice(0, 1));

      await store.delete(key('p', 'a', 'a'));
      assert.deepEqual(await store.list(`${prefix}/p/a/`), [key('p', 'a', 'b')]);
    });

    test('keys ticketry would not make are refused with a config error, touching nothing', async ({ store, key, prefix }) => {
      await store.put(key('ok'), chunksOf(Buffer.from('x')));
      const bad = [
        '../x',
        `${prefix}/../x`,
        '/abs',
        `${prefix}/a\\b`,
        `${prefix}/a\0b`,
        `${prefix}/Upper`,
        `${prefix}/a.b`,
        `${prefix}//x`,
        `${prefix}/x/`,
        `${prefix}/sp ace`,
        `${prefix}/é`,
        '',
        'a'.repeat(301),
      ];
      for (const k of bad) {
        const what = JSON.stringify(k);
        await rejectsWithCode(store.put(k, chunksOf(Buffer.from('x'))), 'config', `put ${what}`);
        await rejectsWithCode(store.get(k), 'config', `get ${what}`);
        await rejectsWithCode(store.stat(k), 'config', `stat ${what}`);
        await rejectsWithCode(store.delete(k), 'config', `delete ${what}`);
      }
      for (const p of ['../', '/abs', 'a\\b', 'A', 'a//', 'a\0']) {
        await rejectsWithCode(store.list(p), 'config', `list ${JSON.stringify(p)}`);
      }
      // 300 characters is still a key (in segments a filesystem takes: ticketry's are <= 100).
      const longest = `${prefix}/${'a'.repeat(90)}/${'b'.repeat(90)}/${'c'.repeat(300 - prefix.length - 183)}`;
      assert.equal(longest.length, 300);
      await store.put(longest, chunksOf(Buffer.from('y')));
      assert.deepEqual(await store.list(`${prefix}/`), [longest, key('ok')].sort());
      assert.equal((await readBlob(store, longest))?.toString(), 'y');
    });

    test('a put whose content fails midway stores nothing and passes the error on unchanged', async ({ store, key, prefix }) => {
      const boom = new Error('upload broke');
      async function* failing(): AsyncGenerator<Uint8Array> {
        yield randomBytes(300_000);
        yield randomBytes(300_000);
        throw boom;
      }
      let caught: unknown;
      await store.put(key('broken'), failing()).catch((err: unknown) => (caught = err));
      assert.equal(caught, boom, 'the content error reaches the caller as it was thrown');
      assert.equal(await store.get(key('broken')), null);
      assert.equal(await store.stat(key('broken')), null);
      assert.deepEqual(await store.list(`${prefix}/`), []);
      // The key is not held by the failed write.
      await store.put(key('broken'), chunksOf(Buffer.from('retry')));
      assert.equal((await readBlob(store, key('broken')))?.toString(), 'retry');
    });

    test('content that is not a stream of Uint8Array is refused, storing nothing', async ({ store, key, prefix }) => {
      async function* strings(): AsyncGenerator<unknown> {
        yield Buffer.from('ok');
        yield 'a string';
      }
      await rejectsWithCode(store.put(key('s'), strings() as AsyncIterable<Uint8Array>), 'config', 'string chunk');
      await rejectsWithCode(store.put(key('u'), Buffer.from('raw') as unknown as AsyncIterable<Uint8Array>), 'config', 'bare buffer');
      assert.deepEqual(await store.list(`${prefix}/`), []);
    });

    test('many blobs written and read at once stay separate', async ({ store, key }) => {
      const blobs = Array.from({ length: 20 }, () => randomBytes(50_000));
      await Promise.all(blobs.map((b, i) => store.put(key('many', `b${i}`), chunksOf(b.subarray(0, 100), b.subarray(100)))));
      const back = await Promise.all(blobs.map((_, i) => readBlob(store, key('many', `b${i}`))));
      back.forEach((b, i) => assert.equal(b && sha(b), sha(blobs[i]!), `blob ${i}`));
    });
  });
}
