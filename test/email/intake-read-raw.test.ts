/**
 * Reading a raw mail (src/email/read-raw.ts): every accepted form, the size limit applied
 * while reading (a stream is closed, never read to its end), and typed errors for
 * anything else.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { TicketError } from '../../src/errors.js';
import { readRaw } from '../../src/email/read-raw.js';

const MAIL = 'From: anna@customer.example\r\nSubject: hi\r\nMessage-ID: <a@b>\r\n\r\nbody';

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (TicketError.is(err)) return `${err.code}:${String(err.params.field ?? '')}`;
    throw err;
  }
  return 'ok';
}

describe('readRaw', () => {
  it('takes a string (as UTF-8), bytes, a Readable and a ReadableStream', async () => {
    const bytes = Buffer.from(`${MAIL} — ü`, 'utf8');
    for (const raw of [
      `${MAIL} — ü`,
      new Uint8Array(bytes),
      Readable.from([bytes.subarray(0, 5), bytes.subarray(5)]),
      new ReadableStream<Uint8Array>({
        start(c) {
          c.enqueue(bytes.subarray(0, 3));
          c.enqueue(bytes.subarray(3));
          c.close();
        },
      }),
    ]) {
      const read = await readRaw(raw, 1000);
      expect(read.tooLarge).toBe(false);
      if (!read.tooLarge) expect(read.bytes.equals(bytes)).toBe(true);
    }
  });

  it('exactly maxBytes is taken; one byte more is too large', async () => {
    const bytes = Buffer.from(MAIL);
    expect((await readRaw(bytes, bytes.length)).tooLarge).toBe(false);
    expect((await readRaw(bytes, bytes.length - 1)).tooLarge).toBe(true);
    // Counted in UTF-8 bytes, not characters.
    expect((await readRaw('ü'.repeat(10), 19)).tooLarge).toBe(true);
  });

  it('stops reading a stream at the limit and closes it; a web stream is cancelled', async () => {
    let pulled = 0;
    const endless = new Readable({
      read() {
        pulled++;
        this.push(Buffer.alloc(1024, 0x61));
      },
    });
    const read = await readRaw(endless, 10 * 1024);
    expect(read.tooLarge).toBe(true);
    expect(pulled).toBeLessThan(40);
    expect(endless.destroyed).toBe(true);

    let cancelled = false;
    const web = new ReadableStream<Uint8Array>({
      pull(c) {
        c.enqueue(new Uint8Array(1024));
      },
      cancel() {
        cancelled = true;
      },
    });
    expect((await readRaw(web, 4096)).tooLarge).toBe(true);
    expect(cancelled).toBe(true);
  });

  it('keeps the head of a refused mail (for its Message-ID), at most 64 KiB', async () => {
    const read = await readRaw(Readable.from([Buffer.from(MAIL), Buffer.alloc(200 * 1024)]), 1024);
    expect(read.tooLarge && read.head.subarray(0, 4).toString()).toBe('From');
    expect(read.tooLarge && read.head.length).toBe(64 * 1024);
  });

  it('anything else is a validation error naming raw; a failing stream a typed error', async () => {
    for (const bad of [42, null, undefined, true, { text: MAIL }, [MAIL]]) {
      expect(await code(readRaw(bad, 1000))).toBe('validation:raw');
    }
    expect(await code(readRaw(Readable.from(['strings', 'not bytes'], { objectMode: true }), 1000))).toBe('validation:raw');
    const failing = new Readable({
      read() {
        this.destroy(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
      },
    });
    expect(await code(readRaw(failing, 1000))).toBe('unavailable:raw');
  });
});
