/**
 * A `BlobStore` on S3 or an S3-compatible service (MinIO, Ceph RGW, Cloudflare R2, Wasabi...),
 * written against the host's own client so ticketry depends on no SDK. With the AWS SDK v3:
 *
 * ```ts
 * import { S3 } from '@aws-sdk/client-s3';              // the aggregated client: s3.putObject(...)
 * const blobs = s3BlobStore(new S3({ region: 'eu-central-1' }), 'panel-attachments', { prefix: 'tickets/' });
 * const desk = createTicketService({ store, blobs });
 * ```
 *
 * Copy this file into the host app and adapt it; it is an example, not a package entry.
 * How it keeps the BlobStore contract:
 * - put streams: content is cut into parts of `partSize` (default 5 MiB, S3's minimum) sent
 *   with a multipart upload, so an upload holds at most one part in memory; a blob smaller
 *   than one part is one PutObject. A failing source aborts the multipart upload (nothing
 *   stored; configure the bucket's "abort incomplete multipart uploads" lifecycle rule for
 *   crashes) and its error reaches the caller unchanged.
 * - a taken key is a ConflictError: the write is conditional (`If-None-Match: *`, supported
 *   by S3 since 2024 and by most compatibles); a HEAD first fails fast.
 * - get streams the object's body; 404s are null; list pages through ListObjectsV2.
 * - errors become ticketry errors: throttling, 5xx and network failures `unavailable`,
 *   the rest `internal`, with the SDK error as `cause`.
 * It passes ticketry's blob store contract (test/blobs/s3-example.test.ts runs it on an
 * in-memory fake of this interface; run the same against a real bucket to certify).
 *
 * A host imports the same names from `ticketry` and `ticketry/blobs`.
 */
import { checkBlobKey, type BlobStore } from '../adapters/blobs/index.js';
import { ConfigError, ConflictError, InternalError, TicketError, UnavailableError } from '../src/index.js';

/**
 * The part of an S3 client this store calls: the method names and input/output shapes of
 * `S3` from @aws-sdk/client-s3 v3 (the aggregated client), typed structurally so ticketry
 * needs no SDK (`new S3({...})` of @aws-sdk/client-s3 3.1175 is assignable to it as is). A
 * client of another library fits with a thin wrapper.
 */
export interface S3ClientLike {
  putObject(input: {
    Bucket: string;
    Key: string;
    Body: Uint8Array;
    ContentLength?: number;
    IfNoneMatch?: string;
  }): Promise<unknown>;
  getObject(input: { Bucket: string; Key: string }): Promise<{ Body?: unknown }>;
  headObject(input: { Bucket: string; Key: string }): Promise<{ ContentLength?: number; LastModified?: Date }>;
  deleteObject(input: { Bucket: string; Key: string }): Promise<unknown>;
  listObjectsV2(input: {
    Bucket: string;
    Prefix?: string;
    StartAfter?: string;
    MaxKeys?: number;
    ContinuationToken?: string;
  }): Promise<{ Contents?: { Key?: string }[]; IsTruncated?: boolean; NextContinuationToken?: string }>;
  createMultipartUpload(input: { Bucket: string; Key: string }): Promise<{ UploadId?: string }>;
  uploadPart(input: {
    Bucket: string;
    Key: string;
    UploadId: string;
    PartNumber: number;
    Body: Uint8Array;
    ContentLength?: number;
  }): Promise<{ ETag?: string }>;
  completeMultipartUpload(input: {
    Bucket: string;
    Key: string;
    UploadId: string;
    MultipartUpload: { Parts: { ETag: string; PartNumber: number }[] };
    IfNoneMatch?: string;
  }): Promise<unknown>;
  abortMultipartUpload(input: { Bucket: string; Key: string; UploadId: string }): Promise<unknown>;
}

/** Options of `s3BlobStore`. */
export interface S3BlobStoreOptions {
  /** Prepended to every key in the bucket, e.g. 'tickets/' to share a bucket. @default '' */
  prefix?: string;
  /** Bytes per multipart part (S3 needs >= 5 MiB for every part but the last). @default 5 * 1024 * 1024 */
  partSize?: number;
}

/** A `BlobStore` on an S3 bucket through the host's client. */
export function s3BlobStore(client: S3ClientLike, bucket: string, options: S3BlobStoreOptions = {}): BlobStore {
  const prefix = options.prefix ?? '';
  const partSize = options.partSize ?? 5 * 1024 * 1024;
  if (typeof bucket !== 'string' || bucket === '') {
    throw new ConfigError('s3BlobStore needs a bucket name', { params: { field: 'bucket' } });
  }
  if (!Number.isSafeInteger(partSize) || partSize < 1) {
    throw new ConfigError('partSize must be a positive number of bytes', { params: { field: 'partSize' } });
  }
  const at = (key: string) => ({ Bucket: bucket, Key: prefix + key });

  const head = async (key: string) => {
    try {
      return await client.headObject(at(key));
    } catch (err) {
      if (isNotFound(err)) return null;
      throw s3Error(err, 'stat', key);
    }
  };

  return {
    async put(key, content) {
      checkBlobKey(key);
      if (content === null || typeof content !== 'object' || !(Symbol.asyncIterator in content)) {
        throw new ConfigError('Blob content must be an async iterable of Uint8Array chunks', { params: { field: 'content' } });
      }
      if ((await head(key)) !== null) throw taken(key);

      let size = 0;
      let pending: Uint8Array[] = [];
      let pendingBytes = 0;
      let uploadId: string | undefined;
      const parts: { ETag: string; PartNumber: number }[] = [];
      // Joins the pending chunks into exactly `bytes` bytes (the rest stays pending).
      const take = (bytes: number): Uint8Array => {
        const out = new Uint8Array(bytes);
        let filled = 0;
        while (filled < bytes) {
          const chunk = pending[0]!;
          const n = Math.min(chunk.byteLength, bytes - filled);
          out.set(chunk.subarray(0, n), filled);
          filled += n;
          if (n === chunk.byteLength) pending.shift();
          else pending[0] = chunk.subarray(n);
        }
        pendingBytes -= bytes;
        return out;
      };
      const sendPart = async (body: Uint8Array) => {
        if (uploadId === undefined) {
          const created = await call(() => client.createMultipartUpload(at(key)), 'put', key);
          if (!created.UploadId) throw new InternalError('S3 returned no UploadId', { params: { op: 'put', key } });
          uploadId = created.UploadId;
        }
        const PartNumber = parts.length + 1;
        const { ETag } = await call(
          () => client.uploadPart({ ...at(key), UploadId: uploadId!, PartNumber, Body: body, ContentLength: body.byteLength }),
          'put',
          key,
        );
        if (!ETag) throw new InternalError('S3 returned no ETag for a part', { params: { op: 'put', key } });
        parts.push({ ETag, PartNumber });
      };

      try {
        for await (const chunk of content) {
          if (!(chunk instanceof Uint8Array)) {
            throw new ConfigError('Blob content must yield Uint8Array chunks', { params: { field: 'content', key } });
          }
          // Copy: the caller may reuse its buffer once the next chunk is asked for.
          pending.push(new Uint8Array(chunk));
          pendingBytes += chunk.byteLength;
          size += chunk.byteLength;
          while (pendingBytes >= partSize) await sendPart(take(partSize));
        }
        if (uploadId === undefined) {
          const body = take(pendingBytes);
          await call(
            () => client.putObject({ ...at(key), Body: body, ContentLength: body.byteLength, IfNoneMatch: '*' }),
            'put',
            key,
          );
        } else {
          if (pendingBytes > 0) await sendPart(take(pendingBytes));
          const UploadId = uploadId;
          await call(
            () => client.completeMultipartUpload({ ...at(key), UploadId, MultipartUpload: { Parts: parts }, IfNoneMatch: '*' }),
            'put',
            key,
          );
          uploadId = undefined;
        }
      } catch (err) {
        // The content's own error (a size limit, a broken upload) reaches the caller
        // unchanged; S3 failures are already ticketry errors (`call`).
        pending = [];
        if (uploadId !== undefined) {
          const UploadId = uploadId;
          await client.abortMultipartUpload({ ...at(key), UploadId }).catch(() => undefined);
        }
        throw err;
      }
      return { size };
    },

    async get(key) {
      checkBlobKey(key);
      let body: unknown;
      try {
        body = (await client.getObject(at(key))).Body;
      } catch (err) {
        if (isNotFound(err)) return null;
        throw s3Error(err, 'get', key);
      }
      if (body === undefined || body === null) return null;
      if (typeof body === 'object' && Symbol.asyncIterator in body) {
        return (async function* () {
          try {
            for await (const chunk of body as AsyncIterable<Uint8Array>) yield chunk;
          } catch (err) {
            throw s3Error(err, 'get', key);
          }
        })();
      }
      throw new InternalError('The S3 client returned a Body that is not a stream', { params: { op: 'get', key } });
    },

    async stat(key) {
      checkBlobKey(key);
      const info = await head(key);
      if (info === null) return null;
      return { size: info.ContentLength ?? 0, createdAt: info.LastModified ?? new Date(0) };
    },

    async delete(key) {
      checkBlobKey(key);
      try {
        await client.deleteObject(at(key)); // S3 deletes of a missing key succeed
      } catch (err) {
        if (!isNotFound(err)) throw s3Error(err, 'delete', key);
      }
    },

    async list(keyPrefix, listOptions = {}) {
      if (keyPrefix !== '' && !/^[a-z0-9_-]+(?:\/[a-z0-9_-]+)*\/?$/.test(keyPrefix)) {
        throw new ConfigError('Invalid blob key prefix', { params: { field: 'prefix' } });
      }
      const limit = listOptions.limit ?? Number.POSITIVE_INFINITY;
      if (limit !== Number.POSITIVE_INFINITY && (!Number.isSafeInteger(limit) || limit < 1)) {
        throw new ConfigError('The list limit must be a positive integer', { params: { field: 'limit' } });
      }
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await call(
          () =>
            client.listObjectsV2({
              Bucket: bucket,
              Prefix: prefix + keyPrefix,
              MaxKeys: Math.min(1000, limit - keys.length),
              ...(token !== undefined
                ? { ContinuationToken: token }
                : listOptions.after !== undefined
                  ? { StartAfter: prefix + listOptions.after }
                  : {}),
            }),
          'list',
          keyPrefix,
        );
        for (const object of page.Contents ?? []) {
          const key = object.Key?.slice(prefix.length);
          // S3 lists in UTF-8 byte order, which for these keys is ticketry's key order.
          if (key !== undefined && isKey(key) && keys.length < limit) keys.push(key);
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token !== undefined && keys.length < limit);
      return keys;
    },
  };
}

const isKey = (key: string): boolean => {
  try {
    checkBlobKey(key);
    return true;
  } catch {
    return false;
  }
};

const taken = (key: string) =>
  new ConflictError('A blob already exists under this key; blob keys are never reused', { params: { key } });

interface SdkErrorShape {
  name?: string;
  Code?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

const statusOf = (err: unknown): number | undefined => (err as SdkErrorShape | null)?.$metadata?.httpStatusCode;
/** The S3 error code (`NoSuchKey`, `SlowDown`...), else a Node network code (`ECONNRESET`). */
const nameOf = (err: unknown): string => {
  const e = err as SdkErrorShape | null;
  const name = e?.Code ?? (e?.name && e.name !== 'Error' ? e.name : undefined) ?? e?.code;
  return typeof name === 'string' ? name : '';
};

function isNotFound(err: unknown): boolean {
  return statusOf(err) === 404 || ['NoSuchKey', 'NotFound'].includes(nameOf(err));
}

/** Runs an S3 call, turning its failure into a ticketry error. */
async function call<T>(fn: () => Promise<T>, op: string, key: string): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw s3Error(err, op, key);
  }
}

/** A ticketry error for an S3 failure. */
function s3Error(err: unknown, op: string, key: string): TicketError {
  if (TicketError.is(err)) return err;
  const status = statusOf(err);
  const name = nameOf(err);
  const params = { op, key, s3: name, status };
  if (status === 412 || name === 'PreconditionFailed' || (status === 409 && name === 'ConditionalRequestConflict')) {
    return new ConflictError('A blob already exists under this key; blob keys are never reused', { cause: err, params });
  }
  const transient =
    (status !== undefined && (status === 429 || status >= 500)) ||
    ['SlowDown', 'Throttling', 'ThrottlingException', 'RequestTimeout', 'ServiceUnavailable', 'TimeoutError'].includes(name) ||
    ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN'].includes(name) ||
    (err as SdkErrorShape | null)?.$retryable !== undefined;
  if (transient) return new UnavailableError(`S3 is unavailable (${name || status}); try again later`, { cause: err, params });
  return new InternalError(`S3 failed to ${op}${name ? ` (${name})` : ''}`, { cause: err, params });
}
