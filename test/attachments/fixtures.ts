/**
 * Real (small) files of each type, built here so the tests need no binary fixtures, plus
 * helpers to read a checked upload.
 */
import { createHash } from 'node:crypto';
import { crc32, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import type { CheckedUpload } from '../../src/attachments/check-upload.js';

const enc = new TextEncoder();

export function bytes(...parts: Array<Uint8Array | string | number[]>): Buffer {
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(enc.encode(p)) : Buffer.from(p))));
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
}
function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
}
function u32be(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

/** A 1x1 RGB PNG. */
export function png(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    return Buffer.concat([u32be(data.length), td, u32be(crc32(td))]);
  };
  const ihdr = Buffer.concat([u32be(1), u32be(1), Buffer.from([8, 2, 0, 0, 0])]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.from([0, 255, 0, 0]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A JPEG start (SOI + JFIF APP0 + EOI): enough for magic-byte detection. */
export function jpeg(): Buffer {
  return bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10], 'JFIF\0', [1, 1, 0, 0, 1, 0, 1, 0, 0], [0xff, 0xd9]);
}

/** A 1x1 GIF. */
export function gif(): Buffer {
  return bytes('GIF89a', [1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 255, 255, 255], ',', [0, 0, 0, 0, 1, 0, 1, 0, 0], [2, 2, 0x44, 1, 0], ';');
}

/** A one-page PDF. */
export function pdf(): Buffer {
  return bytes('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
}

/** A zip archive (deflated entries) of the given files. */
export function zip(files: Record<string, string | Uint8Array>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = typeof content === 'string' ? Buffer.from(content) : Buffer.from(content);
    const packed = deflateRawSync(data);
    const nameBytes = Buffer.from(name);
    const crc = crc32(data);
    const common = Buffer.concat([u16(20), u16(0), u16(8), u16(0), u16(0x21), u32(crc), u32(packed.length), u32(data.length), u16(nameBytes.length), u16(0)]);
    const local = Buffer.concat([u32(0x04034b50), common, nameBytes, packed]);
    centrals.push(Buffer.concat([u32(0x02014b50), u16(20), common, u16(0), u16(0), u16(0), u32(0), u32(offset), nameBytes]));
    locals.push(local);
    offset += local.length;
  }
  const central = Buffer.concat(centrals);
  const end = Buffer.concat([u32(0x06054b50), u16(0), u16(0), u16(centrals.length), u16(centrals.length), u32(central.length), u32(offset), u16(0)]);
  return Buffer.concat([...locals, central, end]);
}

/** A minimal Word document (Office Open XML). */
export function docx(): Buffer {
  return zip({
    '[Content_Types].xml':
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    '_rels/.rels':
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    'word/document.xml':
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Hello</w:t></w:r></w:p></w:body></w:document>',
  });
}

/** A tar archive of one file, gzipped (TAR.GZ). */
export function tarGz(): Buffer {
  const data = Buffer.from('hello from a tarball\n');
  const header = Buffer.alloc(512);
  header.write('hello.txt', 0, 'latin1');
  header.write('0000644\0', 100, 'latin1');
  header.write('0000000\0', 108, 'latin1');
  header.write('0000000\0', 116, 'latin1');
  header.write(data.length.toString(8).padStart(11, '0') + '\0', 124, 'latin1');
  header.write('14000000000\0', 136, 'latin1');
  header.write('        ', 148, 'latin1');
  header.write('0', 156, 'latin1');
  header.write('ustar\0', 257, 'latin1');
  header.write('00', 263, 'latin1');
  let sum = 0;
  for (const b of header) sum += b;
  header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  const body = Buffer.concat([data, Buffer.alloc(512 - data.length)]);
  return gzipSync(Buffer.concat([header, body, Buffer.alloc(1024)]));
}

/** The GUID bytes of `{d1-d2-d3-d4-d5}` in the compound-file (mixed-endian) layout. */
function guidBytes(guid: string): Buffer {
  const [a, b, c, d, e] = guid.split('-') as [string, string, string, string, string];
  return Buffer.concat([u32(parseInt(a, 16)), u16(parseInt(b, 16)), u16(parseInt(c, 16)), Buffer.from(d + e, 'hex')]);
}

function directoryEntry(name: string, type: number, clsid?: string): Buffer {
  const entry = Buffer.alloc(128);
  const nameBytes = Buffer.from(name + '\0', 'utf16le');
  nameBytes.copy(entry, 0);
  entry.writeUInt16LE(nameBytes.length, 0x40);
  entry[0x42] = type;
  entry[0x43] = 1;
  entry.writeUInt32LE(0xffffffff, 0x44);
  entry.writeUInt32LE(0xffffffff, 0x48);
  entry.writeUInt32LE(type === 5 ? 1 : 0xffffffff, 0x4c);
  if (clsid) guidBytes(clsid).copy(entry, 0x50);
  entry.writeUInt32LE(0xfffffffe, 0x74);
  return entry;
}

export const WORD_CLSID = '00020906-0000-0000-C000-000000000046';
export const MSI_CLSID = '000C1084-0000-0000-C000-000000000046';

/**
 * An OLE compound file (version 3, 512-byte sectors): header, FAT, `fillerSectors` data
 * sectors, then the directory (so the directory can sit far beyond the head, as in real
 * DOC files).
 */
export function compoundFile(options: { streams: string[]; rootClsid?: string; fillerSectors?: number }): Buffer {
  const filler = options.fillerSectors ?? 0;
  const directorySector = 1 + filler;
  const header = Buffer.alloc(512);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(header, 0);
  header.writeUInt16LE(0x3e, 0x18);
  header.writeUInt16LE(3, 0x1a);
  header.writeUInt16LE(0xfffe, 0x1c);
  header.writeUInt16LE(9, 0x1e);
  header.writeUInt16LE(6, 0x20);
  header.writeUInt32LE(1, 0x2c);
  header.writeUInt32LE(directorySector, 0x30);
  header.writeUInt32LE(4096, 0x38);
  header.writeUInt32LE(0xfffffffe, 0x3c);
  header.writeUInt32LE(0xfffffffe, 0x44);
  header.fill(0xff, 0x4c);
  header.writeUInt32LE(0, 0x4c);
  const fat = Buffer.alloc(512, 0xff);
  fat.writeUInt32LE(0xfffffffd, 0);
  // The FAT chains are not checked by anyone here; only a small file gets a consistent one.
  if (directorySector < 128) {
    for (let i = 1; i < directorySector; i++) fat.writeUInt32LE(i + 1 < directorySector ? i + 1 : 0xfffffffe, i * 4);
    fat.writeUInt32LE(0xfffffffe, directorySector * 4);
  }
  const entries = [directoryEntry('Root Entry', 5, options.rootClsid), ...options.streams.map((s) => directoryEntry(s, 2))];
  while (entries.length < 4) entries.push(Buffer.alloc(128));
  return Buffer.concat([header, fat, Buffer.alloc(512 * filler, 0x41), ...entries.slice(0, 4)]);
}

/** A Word 97-2003 document's container: root class id of Word and a WordDocument stream. */
export function doc(fillerSectors = 0): Buffer {
  return compoundFile({ streams: ['WordDocument', '1Table'], rootClsid: WORD_CLSID, fillerSectors });
}

/** An ELF executable's start. */
export function elf(): Buffer {
  return bytes([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], Buffer.alloc(56), [0x3e, 0], Buffer.alloc(64));
}

/** A Windows PE executable's start (MZ header pointing at a PE header). */
export function exe(): Buffer {
  const mz = Buffer.alloc(128);
  mz.write('MZ', 0, 'latin1');
  mz.writeUInt32LE(64, 0x3c);
  mz.write('PE\0\0', 64, 'latin1');
  return mz;
}

/** A text of `size` bytes of log lines; `nulAt` puts a NUL byte there. */
export function logText(size: number, nulAt?: number): Buffer {
  const line = Buffer.from('2026-11-26T14:00:00Z INFO request served in 12 ms — ok\n');
  const out = Buffer.alloc(size);
  for (let at = 0; at < size; at += line.length) line.copy(out, at, 0, Math.min(line.length, size - at));
  // Do not leave a cut multi-byte character at the end.
  let end = size;
  while (end > 0 && (out[end - 1]! & 0xc0) === 0x80) end--;
  if (end > 0 && out[end - 1]! >= 0xc0) end--;
  out.fill(0x2e, end);
  if (nulAt !== undefined) out[nulAt] = 0;
  return out;
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Reads all of a checked upload's bytes. */
export async function consume(upload: CheckedUpload): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of upload.bytes) parts.push(chunk);
  return Buffer.concat(parts);
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}
