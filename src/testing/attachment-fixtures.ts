/**
 * Files and a desk with a blob store for the attachment contract tests.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { BlobStore } from '../blobs/blob-store.js';
import type { TicketEvent } from '../events/event-types.js';
import type { TicketService, TicketServiceOptions } from '../index.js';
import { tenantBlobPrefix } from '../scheduled/sweep-blobs.js';
import type { StoreTx, TicketStore } from '../store.js';
import { TEST_BLOB_STORE, type BlobStoreFactory } from './attachment-blobs.js';
import { withDesk, type ContractOptions, type Desk } from './harness.js';

/** A 1×1 PNG. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** A PNG of `size` bytes (a real PNG head, then padding: the type is told by the head). */
export function pngOf(size: number): Buffer {
  const out = Buffer.alloc(size, 0x41);
  PNG.copy(out, 0, 0, Math.min(PNG.length, size));
  return out;
}

/** A one-page PDF. */
export const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
  'latin1',
);

/** A log file: UTF-8 text. */
export const LOG = Buffer.from('2026-03-02 10:00:01 pppoe: link down (LCP timeout) — ошибка\n'.repeat(40), 'utf8');

/** An HTML page (a stored XSS when served inline). */
export const HTML = Buffer.from('<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>\n', 'utf8');

/** The start of an ELF executable. */
export const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(120, 0)]);

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Reads a download to the end. */
export async function readAll(content: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of content) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** The bytes as a Node stream (one of the content kinds a host passes). */
export const asReadable = (bytes: Uint8Array): Readable => Readable.from([bytes.subarray(0, 7), bytes.subarray(7)]);

/** The bytes as a web stream. */
export function asWebStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(bytes.subarray(0, 10));
      controller.enqueue(bytes.subarray(10));
      controller.close();
    },
  });
}

/** A desk whose service has a blob store. */
export interface BlobDesk extends Desk {
  blobs: BlobStore;
  /** Every blob key of the desk's tenant. */
  tenantBlobs(): Promise<string[]>;
  /** Another service on the same store, tenant and blob store (overrides apply). */
  make(overrides?: Partial<TicketServiceOptions>): TicketService;
}

/** The blob stores of the run: `blobStores` from the options, else the test double. */
export function blobStoresOf(o: ContractOptions): readonly BlobStoreFactory[] {
  return o.blobStores && o.blobStores.length > 0 ? o.blobStores : [TEST_BLOB_STORE];
}

/** Like `withDesk`, with a fresh blob store on the test clock. */
export function withBlobDesk(
  o: ContractOptions,
  factory: BlobStoreFactory,
  body: (d: BlobDesk) => Promise<void>,
  serviceOptions: Partial<TicketServiceOptions> = {},
): () => Promise<void> {
  return withDesk(o, async (d) => {
    const blobs = await factory.create({ now: d.clock.now });
    try {
      const make = (overrides: Partial<TicketServiceOptions> = {}) => d.peer({ blobs, ...serviceOptions, ...overrides });
      const desk = make();
      const events: TicketEvent[] = [];
      desk.events.on('*', (_type, event) => events.push(event as TicketEvent));
      const prefix = tenantBlobPrefix(d.tenantId);
      await body({ ...d, desk, events, blobs, make, tenantBlobs: () => blobs.list(prefix) });
    } finally {
      await factory.destroy?.(blobs);
    }
  });
}

/** Calls a method of `target` with `target` as `this` (private fields of class stores). */
function bound<T extends object>(target: T, key: PropertyKey): unknown {
  const value = Reflect.get(target, key, target) as unknown;
  return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
}

/**
 * The store, except that every transaction fails at its end (after the service wrote its
 * rows): a database that loses its connection at commit.
 */
export function failingAtCommit(store: TicketStore): TicketStore {
  return new Proxy(store, {
    get(target, key) {
      if (key === 'transaction') {
        return <T>(fn: (tx: StoreTx) => Promise<T>) =>
          target.transaction(async (tx) => {
            await fn(tx);
            throw new Error('connection lost at commit');
          });
      }
      return bound(target, key);
    },
  });
}

/** The store, except that `attachmentKeysExist` fails (a store down while cleaning up). */
export function failingKeyLookups(store: TicketStore): TicketStore {
  return new Proxy(store, {
    get(target, key) {
      if (key === 'attachmentKeysExist') return () => Promise.reject(new Error('store down'));
      return bound(target, key);
    },
  });
}

/** The store, except that `markDelivered` fails (a crash between commit and marking the events sent). */
export function failingMarkDelivered(store: TicketStore): TicketStore {
  return new Proxy(store, {
    get(target, key) {
      if (key === 'markDelivered') return () => Promise.reject(new Error('crashed'));
      return bound(target, key);
    },
  });
}
