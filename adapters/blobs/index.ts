/**
 * `ticketry/blobs`: where attachment bytes live. Pass one to `createTicketService({ blobs })`.
 * See examples/s3-blob-store.ts for one on S3-compatible storage written against the host's
 * own client.
 */
export type { BlobStore } from '../../src/blobs/blob-store.js';
export { checkBlobKey } from '../../src/blobs/blob-store.js';
export { memoryBlobStore, type MemoryBlobStoreOptions } from './memory-blob-store.js';
export { fileBlobStore, type FileBlobStore, type FileBlobStoreOptions } from './file-blob-store.js';
