import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { checkUpload } from '../../src/attachments/check-upload.js';
import { DEFAULT_ATTACHMENT_LIMITS } from '../../src/attachments/limits.js';
import { toByteStream } from '../../src/attachments/upload-content.js';
import { TicketError } from '../../src/errors.js';
import * as f from './fixtures.js';

const content = Buffer.concat([f.png(), Buffer.alloc(200_000, 7)]);

function webStream(parts: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const p of parts) controller.enqueue(p);
      controller.close();
    },
  });
}

const kinds: Array<[string, () => unknown]> = [
  ['Buffer', () => content],
  ['Uint8Array', () => new Uint8Array(content)],
  ['ArrayBuffer', () => content.buffer.slice(content.byteOffset, content.byteOffset + content.byteLength)],
  ['Blob', () => new Blob([content])],
  ['Readable', () => Readable.from([content.subarray(0, 1000), content.subarray(1000)])],
  ['ReadableStream', () => webStream([content.subarray(0, 10), content.subarray(10, 5000), content.subarray(5000)])],
  [
    'async generator',
    () =>
      (async function* () {
        for (let at = 0; at < content.length; at += 3000) yield content.subarray(at, at + 3000);
      })(),
  ],
];

describe('every kind of content', () => {
  test.each(kinds)('%s is checked and passed on byte for byte', async (_kind, make) => {
    const upload = await checkUpload({ filename: 'shot.png', content: make() }, 0, DEFAULT_ATTACHMENT_LIMITS);
    expect(upload.contentType).toBe('image/png');
    const read = await f.consume(upload);
    expect(read.equals(content)).toBe(true);
    expect(upload.size).toBe(content.length);
    expect(upload.checksum).toBe(f.sha256(content));
  });

  test('bytes given at once are handed on in slices (consumers stream them too)', async () => {
    const sizes: number[] = [];
    for await (const chunk of toByteStream(Buffer.alloc(200_000))) sizes.push(chunk.byteLength);
    expect(sizes.length).toBeGreaterThan(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(64 * 1024);
  });

  test('nothing is read before the consumer pulls', async () => {
    let pulled = 0;
    const stream = toByteStream(
      (async function* () {
        pulled++;
        yield new Uint8Array([1]);
      })(),
    );
    expect(pulled).toBe(0);
    for await (const _ of stream) break;
    expect(pulled).toBe(1);
  });
});

describe('content that is not bytes', () => {
  test.each([
    ['a string', 'hello'],
    ['a number', 5],
    ['null', null],
    ['a plain object', { data: [1, 2] }],
    ['an array of chunks (sync iterable)', [new Uint8Array([1])]],
  ])('%s is a validation error at once', (_what, value) => {
    let err: unknown;
    try {
      toByteStream(value, { field: 'attachments.0.content', params: { filename: 'a.png' } });
    } catch (e) {
      err = e;
    }
    expect(TicketError.is(err, 'validation')).toBe(true);
    expect((err as TicketError & { field: string }).field).toBe('attachments.0.content');
    expect((err as TicketError).params).toMatchObject({ reason: 'invalid_content', filename: 'a.png' });
  });

  test.each([
    ['a Readable with an encoding (strings)', () => Readable.from(['hello']).setEncoding('utf8')],
    ['an object-mode Readable', () => Readable.from([{ a: 1 }])],
    [
      'an async generator of numbers',
      () =>
        (async function* () {
          yield new Uint8Array([0x89]);
          yield 5;
        })(),
    ],
    ['a ReadableStream of strings', () => webStream(['x' as unknown as Uint8Array])],
  ])('%s fails with invalid_chunk when the bad chunk is met', async (_what, make) => {
    const err = await f.rejection(
      (async () => {
        for await (const _ of toByteStream(make(), { field: 'attachments.1.content' })) {
          /* drain */
        }
      })(),
    );
    expect(TicketError.is(err, 'validation')).toBe(true);
    expect((err as TicketError & { field: string }).field).toBe('attachments.1.content');
    expect((err as TicketError).params['reason']).toBe('invalid_chunk');
  });
});

describe('a source that fails is mapped, never a raw Node error', () => {
  test('a missing file (ENOENT) is internal, with the cause', async () => {
    const err = await f.rejection(
      checkUpload({ filename: 'a.png', content: createReadStream('/nonexistent/ticketry-b2/a.png') }, 0, DEFAULT_ATTACHMENT_LIMITS),
    );
    expect(TicketError.is(err, 'internal')).toBe(true);
    expect((err as TicketError).params).toMatchObject({ reason: 'read_failed', errorCode: 'ENOENT', filename: 'a.png' });
    expect((err as Error).cause).toMatchObject({ code: 'ENOENT' });
  });

  test('a transient failure (EMFILE) midway is unavailable', async () => {
    async function* failing() {
      yield f.png();
      yield new Uint8Array(10_000);
      throw Object.assign(new Error('too many open files'), { code: 'EMFILE' });
    }
    const upload = await checkUpload({ filename: 'a.png', content: failing() }, 0, DEFAULT_ATTACHMENT_LIMITS);
    const err = await f.rejection(f.consume(upload));
    expect(TicketError.is(err, 'unavailable')).toBe(true);
    expect((err as TicketError).params).toMatchObject({ reason: 'read_failed', errorCode: 'EMFILE' });
  });

  test('a destroyed Readable (client went away) is unavailable', async () => {
    const readable = new Readable({ read() {} });
    readable.push(f.png());
    readable.push(Buffer.alloc(5000));
    const upload = await checkUpload({ filename: 'a.png', content: readable }, 0, DEFAULT_ATTACHMENT_LIMITS);
    setTimeout(() => readable.destroy(Object.assign(new Error('aborted'), { code: 'ECONNRESET' })), 5);
    const err = await f.rejection(f.consume(upload));
    expect(TicketError.is(err, 'unavailable')).toBe(true);
  });
});
