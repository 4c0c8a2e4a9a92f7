/**
 * examples/s3-blob-store.ts against an in-memory fake of the S3 client interface it asks
 * for: it type-checks with the rest, keeps the blob store contract, and streams big blobs
 * as multipart uploads that a failure aborts.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { s3BlobStore, type S3ClientLike } from '../../examples/s3-blob-store.js';
import { TicketError } from '../../src/errors.js';
import { chunksOf, readBlob, runBlobStoreContract } from '../../src/testing/blob-store-contract.js';

const s3Failure = (name: string, status: number) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });

/** S3 as far as s3BlobStore uses it: conditional writes, multipart, paged listing in byte order. */
class FakeS3 implements S3ClientLike {
  readonly objects = new Map<string, { bytes: Buffer; lastModified: Date }>();
  readonly uploads = new Map<string, { key: string; parts: Map<number, Buffer> }>();
  readonly calls: string[] = [];
  private nextUpload = 0;
  /** Fails the next call of this method once with this error. */
  failNext: { method: string; error: unknown } | undefined;

  constructor(readonly bucket: string, readonly pageSize = 3, readonly minPart = 0) {}

  private enter(method: string, bucket: string): void {
    this.calls.push(method);
    expect(bucket).toBe(this.bucket);
    if (this.failNext?.method === method) {
      const { error } = this.failNext;
      this.failNext = undefined;
      throw error;
    }
  }

  async putObject(input: { Bucket: string; Key: string; Body: Uint8Array; ContentLength?: number; IfNoneMatch?: string }) {
    this.enter('putObject', input.Bucket);
    expect(input.ContentLength).toBe(input.Body.byteLength);
    if (input.IfNoneMatch === '*' && this.objects.has(input.Key)) throw s3Failure('PreconditionFailed', 412);
    this.objects.set(input.Key, { bytes: Buffer.from(input.Body), lastModified: new Date() });
    return {};
  }

  async getObject(input: { Bucket: string; Key: string }) {
    this.enter('getObject', input.Bucket);
    const object = this.objects.get(input.Key);
    if (!object) throw s3Failure('NoSuchKey', 404);
    const chunks: Buffer[] = [];
    for (let o = 0; o < object.bytes.length; o += 65536) chunks.push(Buffer.from(object.bytes.subarray(o, o + 65536)));
    // The SDK's Body on Node is a Readable.
    return { Body: Readable.from(chunks) };
  }

  async headObject(input: { Bucket: string; Key: string }) {
    this.enter('headObject', input.Bucket);
    const object = this.objects.get(input.Key);
    if (!object) throw s3Failure('NotFound', 404);
    return { ContentLength: object.bytes.length, LastModified: object.lastModified };
  }

  async deleteObject(input: { Bucket: string; Key: string }) {
    this.enter('deleteObject', input.Bucket);
    this.objects.delete(input.Key);
    return {};
  }

  async listObjectsV2(input: { Bucket: string; Prefix?: string; StartAfter?: string; MaxKeys?: number; ContinuationToken?: string }) {
    this.enter('listObjectsV2', input.Bucket);
    const from = input.ContinuationToken ?? input.StartAfter;
    const keys = [...this.objects.keys()]
      .filter((k) => k.startsWith(input.Prefix ?? '') && (from === undefined || Buffer.compare(Buffer.from(k), Buffer.from(from)) > 0))
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const max = Math.min(input.MaxKeys ?? 1000, this.pageSize);
    const page = keys.slice(0, max);
    const truncated = keys.length > max;
    return {
      Contents: page.map((Key) => ({ Key })),
      IsTruncated: truncated,
      ...(truncated ? { NextContinuationToken: page[page.length - 1] } : {}),
    };
  }

  async createMultipartUpload(input: { Bucket: string; Key: string }) {
    this.enter('createMultipartUpload', input.Bucket);
    const UploadId = `u${++this.nextUpload}`;
    this.uploads.set(UploadId, { key: input.Key, parts: new Map() });
    return { UploadId };
  }

  async uploadPart(input: { Bucket: string; Key: string; UploadId: string; PartNumber: number; Body: Uint8Array; ContentLength?: number }) {
    this.enter('uploadPart', input.Bucket);
    const upload = this.uploads.get(input.UploadId);
    if (!upload || upload.key !== input.Key) throw s3Failure('NoSuchUpload', 404);
    upload.parts.set(input.PartNumber, Buffer.from(input.Body));
    return { ETag: `"${input.UploadId}-${input.PartNumber}"` };
  }

  async completeMultipartUpload(input: {
    Bucket: string;
    Key: string;
    UploadId: string;
    MultipartUpload: { Parts: { ETag: string; PartNumber: number }[] };
    IfNoneMatch?: string;
  }) {
    this.enter('completeMultipartUpload', input.Bucket);
    const upload = this.uploads.get(input.UploadId);
    if (!upload) throw s3Failure('NoSuchUpload', 404);
    if (input.IfNoneMatch === '*' && this.objects.has(input.Key)) throw s3Failure('PreconditionFailed', 412);
    const parts = input.MultipartUpload.Parts;
    parts.forEach((p, i) => {
      expect(p.PartNumber).toBe(i + 1);
      expect(p.ETag).toBe(`"${input.UploadId}-${p.PartNumber}"`);
      if (i < parts.length - 1) expect(upload.parts.get(p.PartNumber)!.length).toBeGreaterThanOrEqual(this.minPart);
    });
    this.objects.set(input.Key, { bytes: Buffer.concat(parts.map((p) => upload.parts.get(p.PartNumber)!)), lastModified: new Date() });
    this.uploads.delete(input.UploadId);
    return {};
  }

  async abortMultipartUpload(input: { Bucket: string; Key: string; UploadId: string }) {
    this.enter('abortMultipartUpload', input.Bucket);
    this.uploads.delete(input.UploadId);
    return {};
  }
}

const fakes = new WeakMap<object, FakeS3>();

for (const [label, partSize, prefix] of [
  ['one PutObject per blob', undefined, undefined],
  ['multipart in 256 KiB parts, shared bucket prefix', 256 * 1024, 'tickets/'],
] as const) {
  runBlobStoreContract({
    name: `S3 example (${label})`,
    create: () => {
      const fake = new FakeS3('bucket', 3, partSize ?? 0);
      // A stranger's object in the bucket, outside the prefix or not a key: never listed.
      fake.objects.set('other-app/x', { bytes: Buffer.from('x'), lastModified: new Date() });
      const store = s3BlobStore(fake, 'bucket', { ...(partSize ? { partSize } : {}), ...(prefix ? { prefix } : {}) });
      fakes.set(store, fake);
      return store;
    },
    destroy: (store) => {
      // No multipart upload is left open by anything a test did.
      expect([...fakes.get(store)!.uploads.keys()]).toEqual([]);
    },
    describe,
    it,
  });
}

describe('S3 example', () => {
  it('streams a big blob as multipart parts of partSize, and a small one as one PutObject', async () => {
    const fake = new FakeS3('b', 1000, 1024 * 1024);
    const store = s3BlobStore(fake, 'b', { partSize: 1024 * 1024 });
    const big = Buffer.alloc(3.5 * 1024 * 1024, 1);
    await store.put('a/big', chunksOf(...Array.from({ length: 56 }, (_, i) => big.subarray(i * 65536, (i + 1) * 65536))));
    expect(fake.calls.filter((c) => c === 'uploadPart')).toHaveLength(4);
    expect(fake.calls).toContain('completeMultipartUpload');
    expect(fake.calls).not.toContain('putObject');
    expect((await readBlob(store, 'a/big'))?.equals(big)).toBe(true);
    await store.put('a/small', chunksOf(Buffer.from('hi')));
    expect(fake.calls.filter((c) => c === 'putObject')).toHaveLength(1);
  });

  it('a source failing after parts were sent aborts the upload and rethrows the error unchanged', async () => {
    const fake = new FakeS3('b');
    const store = s3BlobStore(fake, 'b', { partSize: 1024 });
    const boom = new Error('too large');
    const err = await store
      .put('k', (async function* () {
        yield Buffer.alloc(5000);
        throw boom;
      })())
      .catch((e: unknown) => e);
    expect(err).toBe(boom);
    expect(fake.calls).toContain('abortMultipartUpload');
    expect(fake.uploads.size).toBe(0);
    expect(fake.objects.size).toBe(0);
  });

  it('maps S3 failures: throttling and 5xx unavailable, access denied internal, both with the cause', async () => {
    const fake = new FakeS3('b');
    const store = s3BlobStore(fake, 'b');
    const cases: [unknown, string][] = [
      [s3Failure('SlowDown', 503), 'unavailable'],
      [s3Failure('InternalError', 500), 'unavailable'],
      [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'unavailable'],
      [s3Failure('AccessDenied', 403), 'internal'],
    ];
    for (const [error, code] of cases) {
      fake.failNext = { method: 'headObject', error };
      const e = await store.stat('k').catch((x: unknown) => x);
      expect(TicketError.is(e) && e.code, String(error)).toBe(code);
      expect((e as TicketError).cause).toBe(error);
    }
    fake.failNext = { method: 'putObject', error: s3Failure('SlowDown', 503) };
    const e = await store.put('k', chunksOf(Buffer.from('x'))).catch((x: unknown) => x);
    expect(TicketError.is(e, 'unavailable')).toBe(true);
    expect(fake.objects.size).toBe(0);
  });
});
