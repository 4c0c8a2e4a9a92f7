import { Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { checkUpload, checkUploadCount, type CheckedUpload } from '../../src/attachments/check-upload.js';
import { DEFAULT_ATTACHMENT_LIMITS, type AttachmentLimits } from '../../src/attachments/limits.js';
import { TicketError } from '../../src/errors.js';
import * as f from './fixtures.js';

const limits = DEFAULT_ATTACHMENT_LIMITS;

async function accept(filename: string, content: Uint8Array, contentType?: string, lim: AttachmentLimits = limits) {
  const upload = await checkUpload({ filename, content, contentType }, 0, lim);
  const read = await f.consume(upload);
  return { upload, read };
}

/** The ValidationError a whole upload (check + reading its bytes) is refused with. */
async function refusal(input: unknown, lim: AttachmentLimits = limits, index = 0) {
  const err = await f.rejection(
    (async () => {
      const upload: CheckedUpload = await checkUpload(input, index, lim);
      await f.consume(upload);
    })(),
  );
  expect(TicketError.is(err, 'validation'), String(err)).toBe(true);
  return err as TicketError & { field: string | null };
}

describe('allowed types, recognised by content', () => {
  const cases: Array<[string, string, () => Buffer]> = [
    ['screenshot.png', 'image/png', f.png],
    ['photo.jpg', 'image/jpeg', f.jpeg],
    ['anim.gif', 'image/gif', f.gif],
    ['invoice.pdf', 'application/pdf', f.pdf],
    ['notes.txt', 'text/plain', () => f.logText(5000)],
    ['server.log', 'text/plain', () => f.logText(300_000)],
    ['old.doc', 'application/msword', () => f.doc()],
    ['letter.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', f.docx],
    ['files.zip', 'application/zip', () => f.zip({ 'a.txt': 'hello', 'b/c.txt': 'world' })],
    ['backup.tar.gz', 'application/gzip', f.tarGz],
  ];
  test.each(cases)('%s is accepted as %s, with its size and sha256, byte for byte', async (name, type, make) => {
    const content = make();
    const { upload, read } = await accept(name, content);
    expect(upload.contentType).toBe(type);
    expect(upload.filename).toBe(name);
    expect(read.equals(content)).toBe(true);
    expect(upload.complete).toBe(true);
    expect(upload.size).toBe(content.length);
    expect(upload.checksum).toBe(f.sha256(content));
  });

  test('the declared contentType is only a hint: a PNG declared text/html is image/png', async () => {
    const { upload } = await accept('pic.png', f.png(), 'text/html');
    expect(upload.contentType).toBe('image/png');
  });

  test('a PNG named .txt is stored as image/png (the content decides)', async () => {
    const { upload } = await accept('notes.txt', f.png());
    expect(upload.contentType).toBe('image/png');
  });

  test('a DOC whose directory lies far beyond the head is confirmed as it streams', async () => {
    const content = f.doc(600); // directory at ~300 KB
    const { upload } = await accept('report.doc', content);
    expect(upload.contentType).toBe('application/msword');
    expect(upload.size).toBe(content.length);
  });

  test('a DOC recognised by its WordDocument stream alone (no class id)', async () => {
    const { upload } = await accept('x.doc', f.compoundFile({ streams: ['WordDocument'] }));
    expect(upload.contentType).toBe('application/msword');
  });

  test('rotated logs (app.log.1) and text declared text/plain without an extension are text', async () => {
    expect((await accept('app.log.1', f.logText(100))).upload.contentType).toBe('text/plain');
    expect((await accept('README', f.logText(100), 'text/plain')).upload.contentType).toBe('text/plain');
  });

  test('text that happens to start like a binary type (BM, MZ, PK) is still text when named .log', async () => {
    for (const start of ['BM', 'MZ', 'ID3']) {
      const content = Buffer.concat([Buffer.from(start + ' service restarted\n'), f.logText(2000)]);
      const { upload } = await accept('x.log', content);
      expect(upload.contentType).toBe('text/plain');
    }
  });

  test('a UTF-8 BOM is text; UTF-16 (full of NULs) is not', async () => {
    expect((await accept('bom.txt', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), f.logText(100)]))).upload.contentType).toBe('text/plain');
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('hello log\n', 'utf16le')]);
    expect((await refusal({ filename: 'u16.txt', content: utf16 })).params).toMatchObject({ reason: 'not_text', detected: 'text/plain; charset=utf-16' });
  });

  test('a DOCX whose [Content_Types].xml lies beyond the head is only recognised as a zip', async () => {
    const { zip, docx } = f;
    const late = zip({ 'media/big.bin': new Uint8Array(Buffer.from(Array.from({ length: 8000 }, (_, i) => (i * 7919) % 251))), ...Object.fromEntries([['[Content_Types].xml', '<Types/>']]) });
    expect((await accept('late.docx', late)).upload.contentType).toBe('application/zip');
    expect((await accept('early.docx', docx())).upload.contentType).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
  });

  test('a UTF-8 multi-byte character split across chunks is still text', async () => {
    const text = Buffer.from('ü'.repeat(5000));
    const chunks = [text.subarray(0, 4101), text.subarray(4101, 7777), text.subarray(7777)];
    async function* gen() {
      yield* chunks;
    }
    const upload = await checkUpload({ filename: 'u.txt', content: gen() }, 0, limits);
    expect((await f.consume(upload)).equals(text)).toBe(true);
  });
});

describe('refused types', () => {
  test('an ELF executable', async () => {
    const err = await refusal({ filename: 'tool', content: f.elf() });
    expect(err.field).toBe('attachments.0');
    expect(err.params).toMatchObject({ reason: 'type_not_allowed', detected: 'application/x-elf', filename: 'tool' });
  });

  test('a Windows executable renamed .png, even declared image/png', async () => {
    const err = await refusal({ filename: 'cat.png', content: f.exe(), contentType: 'image/png' }, limits, 3);
    expect(err.field).toBe('attachments.3');
    expect(err.params).toMatchObject({ reason: 'type_not_allowed', detected: 'application/x-msdownload', filename: 'cat.png' });
    expect(err.message).toContain('cat.png');
  });

  test('an ELF named .txt (not text: NULs) is refused as an executable', async () => {
    const err = await refusal({ filename: 'notes.txt', content: f.elf() });
    expect(err.params).toMatchObject({ reason: 'type_not_allowed', detected: 'application/x-elf' });
  });

  test.each([
    ['page.png', '<!DOCTYPE html><html><script>alert(1)</script></html>', 'text/html'],
    ['page.txt', '\n  <html><body onload="alert(1)"></body></html>', 'text/html'],
    ['comment.png', '<!-- hi --><script>alert(1)</script>', 'text/html'],
    ['logo.svg', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', 'image/svg+xml'],
    ['logo.png', '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"></svg>', 'image/svg+xml'],
    ['data.txt', '<?xml version="1.0"?><a/>', 'application/xml'],
    ['run.txt', '#!/bin/sh\nrm -rf /\n', 'text/x-shellscript'],
    ['x.log', '<?php system($_GET["c"]); ?>', 'application/x-httpd-php'],
  ])('%s (%s) is refused as %s', async (filename, content, detected) => {
    const err = await refusal({ filename, content: Buffer.from(content), contentType: 'text/plain' });
    expect(err.params).toMatchObject({ reason: 'type_not_allowed', detected, filename });
  });

  test('plain text named .png is refused (text only as .txt or .log)', async () => {
    const err = await refusal({ filename: 'x.png', content: f.logText(200), contentType: 'text/plain' });
    expect(err.params).toMatchObject({ reason: 'type_not_allowed', detected: 'text/plain' });
    expect(err.message).toMatch(/\.txt or \.log/);
  });

  test.each(['run.bat', 'page.html', 'x.js', 'evil.svg', 'notes.csv'])('text declared text/plain but named %s is refused', async (filename) => {
    const err = await refusal({ filename, content: Buffer.from('echo hello\r\n'), contentType: 'text/plain' });
    expect(err.params).toMatchObject({ reason: 'type_not_allowed', detected: 'text/plain', filename });
  });

  test('unknown binary content is refused as application/octet-stream', async () => {
    const err = await refusal({ filename: 'blob.bin', content: Buffer.from([1, 2, 3, 0, 200, 201, 5]) });
    expect(err.params).toMatchObject({ reason: 'type_not_allowed', detected: 'application/octet-stream' });
  });

  test('binary named .log is not text', async () => {
    const err = await refusal({ filename: 'x.log', content: Buffer.from([1, 2, 3, 0, 200, 201, 5]) });
    expect(err.params).toMatchObject({ reason: 'not_text', filename: 'x.log' });
  });

  test('a .log with a NUL at byte 200000 is refused while streaming, before its end is handed on', async () => {
    const content = f.logText(400_000, 200_000);
    const upload = await checkUpload({ filename: 'server.log', content }, 0, limits);
    let handedOn = 0;
    const err = await f.rejection(
      (async () => {
        for await (const chunk of upload.bytes) handedOn += chunk.byteLength;
      })(),
    );
    expect(TicketError.is(err, 'validation')).toBe(true);
    expect((err as TicketError).params).toMatchObject({ reason: 'not_text', filename: 'server.log' });
    expect(handedOn).toBeLessThanOrEqual(200_000);
    expect(upload.complete).toBe(false);
    expect(() => upload.size).toThrow();
  });

  test('invalid UTF-8 later in a .txt, and a multi-byte character cut at the very end, are not text', async () => {
    const bad = f.logText(100_000);
    bad[90_000] = 0xff;
    expect((await refusal({ filename: 'a.txt', content: bad })).params['reason']).toBe('not_text');
    const cut = Buffer.concat([f.logText(10_000), Buffer.from([0xe2, 0x82])]);
    expect((await refusal({ filename: 'b.txt', content: cut })).params['reason']).toBe('not_text');
  });

  test('a compound file that is not a Word document (an MSI) named .doc is refused once its directory is seen', async () => {
    const msi = f.compoundFile({ streams: ['\u4840\u3b3f\u4577'], rootClsid: f.MSI_CLSID, fillerSectors: 20 });
    const err = await refusal({ filename: 'setup.doc', content: msi });
    expect(err.params).toMatchObject({ reason: 'type_not_allowed', detected: 'application/x-cfb' });
  });

  test('a compound file cut off before its directory is refused', async () => {
    const cut = f.doc(40).subarray(0, 512 * 20);
    const err = await refusal({ filename: 'x.doc', content: cut });
    expect(err.params).toMatchObject({ reason: 'type_not_allowed', detected: 'application/x-cfb' });
  });

  test('an XLS (compound file named .xls) is refused by default and accepted when allowed', async () => {
    const xls = f.compoundFile({ streams: ['Workbook'] });
    const err = await refusal({ filename: 'sheet.xls', content: xls });
    expect(err.params).toMatchObject({ reason: 'type_not_allowed', detected: 'application/vnd.ms-excel' });
    const lim = { ...limits, allowedTypes: [...limits.allowedTypes, 'application/vnd.ms-excel'] };
    expect((await accept('sheet.xls', xls, undefined, lim)).upload.contentType).toBe('application/vnd.ms-excel');
  });

  test('a type missing from allowedTypes is refused: a PNG when only PDF is allowed', async () => {
    const err = await refusal({ filename: 'a.png', content: f.png() }, { ...limits, allowedTypes: ['application/pdf'] });
    expect(err.params).toMatchObject({ reason: 'type_not_allowed', detected: 'image/png' });
    const text = await refusal({ filename: 'a.txt', content: f.logText(10) }, { ...limits, allowedTypes: ['application/pdf'] });
    expect(text.params).toMatchObject({ reason: 'type_not_allowed', detected: 'text/plain' });
  });
});

describe('size limits', () => {
  test('too large is refused before the stream is fully read', async () => {
    let pulled = 0;
    let closed = false;
    async function* endless() {
      try {
        yield f.png();
        // 16 MiB in all: far past the limit, but finite, so a missing check fails rather than hangs.
        for (let i = 0; i < 1024; i++) {
          pulled++;
          yield new Uint8Array(16 * 1024);
        }
      } finally {
        closed = true;
      }
    }
    const lim = { ...limits, maxFileBytes: 100 * 1024 };
    const upload = await checkUpload({ filename: 'huge.png', content: endless() }, 2, lim);
    let handedOn = 0;
    const err = await f.rejection(
      (async () => {
        for await (const chunk of upload.bytes) handedOn += chunk.byteLength;
      })(),
    );
    expect(TicketError.is(err, 'validation')).toBe(true);
    expect((err as TicketError & { field: string }).field).toBe('attachments.2');
    expect((err as TicketError).params).toMatchObject({ reason: 'too_large', filename: 'huge.png', maxFileBytes: 100 * 1024 });
    expect(handedOn).toBeLessThanOrEqual(100 * 1024);
    expect(pulled).toBe(7); // 69 + 6 * 16 KiB fit, the 7th passes the limit
    expect(closed).toBe(true);
  });

  test('a file over the limit within its head is refused by checkUpload itself', async () => {
    const err = await refusal({ filename: 'a.png', content: Buffer.concat([f.png(), Buffer.alloc(5000)]) }, { ...limits, maxFileBytes: 1000 });
    expect(err.params).toMatchObject({ reason: 'too_large', maxFileBytes: 1000 });
    expect(err.message).toContain('1000 bytes');
  });

  test('exactly maxFileBytes is accepted; one more byte is not', async () => {
    const content = Buffer.concat([f.png(), Buffer.alloc(10_000 - f.png().length)]);
    const lim = { ...limits, maxFileBytes: 10_000 };
    expect((await accept('a.png', content, undefined, lim)).upload.size).toBe(10_000);
    const err = await refusal({ filename: 'a.png', content: Buffer.concat([content, Buffer.alloc(1)]) }, lim);
    expect(err.params['reason']).toBe('too_large');
  });

  test('an empty file, and an empty stream, are refused', async () => {
    expect((await refusal({ filename: 'a.txt', content: new Uint8Array(0) })).params).toMatchObject({ reason: 'empty', filename: 'a.txt' });
    async function* nothing() {
      yield new Uint8Array(0);
    }
    expect((await refusal({ filename: 'b.png', content: nothing() })).params['reason']).toBe('empty');
  });

  test('checkUploadCount: more than maxFiles is too_many on the attachments field', () => {
    expect(() => checkUploadCount(10, limits)).not.toThrow();
    let err: unknown;
    try {
      checkUploadCount(11, limits);
    } catch (e) {
      err = e;
    }
    expect(TicketError.is(err, 'validation')).toBe(true);
    expect((err as TicketError & { field: string }).field).toBe('attachments');
    expect((err as TicketError).params).toMatchObject({ reason: 'too_many', count: 11, maxFiles: 10 });
    expect(() => checkUploadCount(1, { maxFiles: 0 })).toThrow(/not accepted/);
  });
});

describe('input shape', () => {
  test.each([
    ['null', null, 'attachments.0', 'invalid'],
    ['a string', 'x.png', 'attachments.0', 'invalid'],
    ['no filename', { content: f.png() }, 'attachments.0.filename', 'filename_required'],
    ['empty filename', { filename: '', content: f.png() }, 'attachments.0.filename', 'filename_required'],
    ['blank filename', { filename: '   ', content: f.png() }, 'attachments.0.filename', 'filename_required'],
    ['numeric filename', { filename: 42, content: f.png() }, 'attachments.0.filename', 'filename_required'],
    ['5000-char filename', { filename: 'a'.repeat(5000), content: f.png() }, 'attachments.0.filename', 'invalid_filename'],
    ['numeric contentType', { filename: 'a.png', content: f.png(), contentType: 7 }, 'attachments.0.contentType', 'invalid_content_type'],
    ['string content', { filename: 'a.png', content: 'aGVsbG8=' }, 'attachments.0.content', 'invalid_content'],
    ['numeric content', { filename: 'a.png', content: 12 }, 'attachments.0.content', 'invalid_content'],
    ['no content', { filename: 'a.png' }, 'attachments.0.content', 'invalid_content'],
    ['array content', { filename: 'a.png', content: [1, 2, 3] }, 'attachments.0.content', 'invalid_content'],
  ])('%s is refused on %s (%s)', async (_label, input, field, reason) => {
    const err = await refusal(input);
    expect(err.field).toBe(field);
    expect(err.params['reason']).toBe(reason);
  });

  test('a hostile name is cleaned before it is used anywhere, errors included', async () => {
    const err = await refusal({ filename: '../../etc/\u202Egnp.exe', content: f.exe() });
    expect(err.params['filename']).toBe('gnp.exe');
    const { upload } = await accept('C:\\Users\\me\\..\\shot.png', f.png());
    expect(upload.filename).toBe('shot.png');
  });
});

describe('the checked stream', () => {
  test('size and checksum throw until the bytes are read; bytes can be read once', async () => {
    const upload = await checkUpload({ filename: 'a.png', content: f.png() }, 0, limits);
    expect(upload.complete).toBe(false);
    expect(() => upload.size).toThrow(/only after/);
    expect(() => upload.checksum).toThrow(/only after/);
    await f.consume(upload);
    expect(() => upload.bytes[Symbol.asyncIterator]()).toThrow(/only once/);
    expect(upload.checksum).toBe(f.sha256(f.png()));
  });

  test('stopping early closes the source, and discard() releases an unread one', async () => {
    const big = Buffer.concat([f.png(), Buffer.alloc(1024 * 1024)]);
    const readable = Readable.from([big.subarray(0, 50_000), big.subarray(50_000)], { objectMode: false });
    const upload = await checkUpload({ filename: 'a.png', content: readable }, 0, limits);
    for await (const chunk of upload.bytes) {
      expect(chunk.byteLength).toBeGreaterThan(0);
      break;
    }
    expect(readable.destroyed).toBe(true);
    expect(upload.complete).toBe(false);

    const other = Readable.from([big]);
    const unread = await checkUpload({ filename: 'b.png', content: other }, 1, limits);
    await unread.discard();
    await unread.discard();
    expect(other.destroyed).toBe(true);
  });
});
