import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { isInlineSafe } from '../../src/attachments/allowed-types.js';
import { contentDisposition, sanitizeFilename } from '../../src/attachments/file-name.js';

describe('sanitizeFilename: hostile names', () => {
  test.each([
    ['../../etc/passwd', 'passwd'],
    ['/etc/shadow', 'shadow'],
    ['C:\\Windows\\System32\\x.exe', 'x.exe'],
    ['..\\..\\boot.ini', 'boot.ini'],
    ['\\\\server\\share\\f.txt', 'f.txt'],
    ['a\0b.png', 'ab.png'],
    ['evil.png\0.exe', 'evil.png.exe'],
    ['\u202Egnp.exe', 'gnp.exe'],
    ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['\u2066x\u2069.png', 'x.png'],
    ['zero\u200Bwidth.txt', 'zerowidth.txt'],
    ['\uFEFFbom.txt', 'bom.txt'],
    ['line\r\nbreak.txt', 'line break.txt'],
    ['tab\there.txt', 'tab here.txt'],
    ['bell\u0007\u001b[31m.txt', 'bell[31m.txt'],
    ['c1\u0085\u009b.txt', 'c1 .txt'],
    ['  many   spaces  .png  ', 'many spaces .png'],
    ['', 'file'],
    ['   ', 'file'],
    ['.', 'file'],
    ['..', 'file'],
    ['...', 'file'],
    ['. . .', 'file'],
    ['dir/', 'file'],
    ['dir/..', 'file'],
    ['.htaccess', 'htaccess'],
    ['...hidden.txt', 'hidden.txt'],
    ['trailing.txt...', 'trailing.txt'],
    ['trailing.txt. . ', 'trailing.txt'],
    ['lone\uD800surrogate.txt', 'lonesurrogate.txt'],
    ['Cafe\u0301.txt', 'Café.txt'],
    ['emoji 👨‍👩‍👧.png', 'emoji 👨‍👩‍👧.png'],
    ['Übersicht 2024 "final".pdf', 'Übersicht 2024 "final".pdf'],
  ])('%j -> %j', (input, expected) => {
    expect(sanitizeFilename(input)).toBe(expected);
  });

  test('anything but a string gives file', () => {
    expect(sanitizeFilename(undefined)).toBe('file');
    expect(sanitizeFilename(42)).toBe('file');
    expect(sanitizeFilename({ toString: () => '../x' })).toBe('file');
  });

  test('300-character names are cut to 255 bytes, keeping the extension', () => {
    const ascii = sanitizeFilename('a'.repeat(300) + '.png');
    expect(Buffer.byteLength(ascii)).toBe(255);
    expect(ascii.endsWith('.png')).toBe(true);
    const wide = sanitizeFilename('ü'.repeat(300) + '.pdf');
    expect(Buffer.byteLength(wide)).toBeLessThanOrEqual(255);
    expect(wide).toMatch(/^ü+\.pdf$/);
    const emoji = sanitizeFilename('😀'.repeat(100) + '.gif');
    expect(Buffer.byteLength(emoji)).toBeLessThanOrEqual(255);
    expect(emoji).toMatch(/^(😀)+\.gif$/u); // no pair split
    const noExtension = sanitizeFilename('b'.repeat(300));
    expect(noExtension).toBe('b'.repeat(255));
    const longExtension = sanitizeFilename('x.' + 'c'.repeat(300));
    expect(Buffer.byteLength(longExtension)).toBe(255);
    const spaceBeforeCut = sanitizeFilename('d'.repeat(250) + ' ' + 'e'.repeat(10) + '.txt');
    expect(spaceBeforeCut).toBe('d'.repeat(250) + '.txt');
  });
});

describe('sanitizeFilename: for every input', () => {
  const names = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 400 }),
    fc.string({ unit: fc.constantFrom('.', '/', '\\', ' ', '\0', '\u202E', '\n', 'a', 'ü', '😀', '\uD800', '\u200D', '\u0301'), maxLength: 300 }),
    fc.array(fc.constantFrom('..', '.', 'etc', 'C:', '\\', '/', 'passwd', '.exe', '.png', '\u202E', ' '), { maxLength: 40 }).map((a) => a.join('')),
  );

  test('never empty, never a separator, NUL, control or bidi character, at most 255 bytes, no leading dot, idempotent', () => {
    fc.assert(
      fc.property(names, (name) => {
        const clean = sanitizeFilename(name);
        expect(clean.length).toBeGreaterThan(0);
        expect(clean).not.toMatch(/[/\\\0]/);
        expect(clean).not.toMatch(/[\p{Cc}]/u);
        expect(clean).not.toMatch(/[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/);
        expect(clean).not.toMatch(/^[.\s]|[.\s]$/u);
        expect(Buffer.byteLength(clean)).toBeLessThanOrEqual(255);
        expect(() => encodeURIComponent(clean)).not.toThrow(); // no lone surrogates
        expect(sanitizeFilename(clean)).toBe(clean);
      }),
      { numRuns: 2000 },
    );
  });

  test('contentDisposition is one header line of safe characters for every input', () => {
    fc.assert(
      fc.property(names, fc.boolean(), (name, inline) => {
        const header = contentDisposition(name, inline);
        expect(header).toMatch(/^(inline|attachment); filename="([\x20-\x21\x23-\x5b\x5d-\x7e]|\\["\\])*"(; filename\*=UTF-8''[A-Za-z0-9!#$&+\-.^_`|~%]+)?$/);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('contentDisposition', () => {
  test.each([
    ['report.pdf', false, 'attachment; filename="report.pdf"'],
    ['shot.png', true, 'inline; filename="shot.png"'],
    ['Übersicht.pdf', false, `attachment; filename="_bersicht.pdf"; filename*=UTF-8''%C3%9Cbersicht.pdf`],
    ['say "hi".txt', false, `attachment; filename="say \\"hi\\".txt"; filename*=UTF-8''say%20%22hi%22.txt`],
    ["it's (1)*.txt", false, `attachment; filename="it's (1)*.txt"`],
    ['50%.txt', false, `attachment; filename="50%.txt"; filename*=UTF-8''50%25.txt`],
    ['日本語.txt', false, `attachment; filename="___.txt"; filename*=UTF-8''%E6%97%A5%E6%9C%AC%E8%AA%9E.txt`],
    ["é'(*).txt", false, `attachment; filename="_'(*).txt"; filename*=UTF-8''%C3%A9%27%28%2A%29.txt`],
    ['../../etc/passwd', false, 'attachment; filename="passwd"'],
    ['a\r\nSet-Cookie: x=1', false, 'attachment; filename="a Set-Cookie: x=1"'],
    ['', false, 'attachment; filename="file"'],
  ])('%j (inline %s)', (name, inline, header) => {
    expect(contentDisposition(name, inline)).toBe(header);
  });
});

describe('isInlineSafe', () => {
  test.each([
    ['image/png', true],
    ['image/jpeg', true],
    ['IMAGE/GIF; charset=binary', true],
    ['image/svg+xml', false],
    ['text/html', false],
    ['application/pdf', false],
    ['text/plain', false],
    ['application/xhtml+xml', false],
    ['image/webp', false],
    ['', false],
  ])('%s -> %s', (type, safe) => {
    expect(isInlineSafe(type)).toBe(safe);
  });
});
