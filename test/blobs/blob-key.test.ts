import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blobKey } from '../../src/blobs/blob-key.js';
import { checkBlobKey, checkBlobPrefix } from '../../src/blobs/blob-store.js';
import { TicketError } from '../../src/errors.js';

const at = new Date('2026-03-09T23:59:59.000Z');

describe('blobKey', () => {
  it('is <sha256(tenant) first 16 hex>/<yyyy>/<mm>/<id> in UTC', () => {
    const hash = createHash('sha256').update('acme').digest('hex').slice(0, 16);
    const id = '0f6b3c2e-8d1a-4c55-9a0e-7b7f3e1d2c4b';
    expect(blobKey('acme', id, at)).toBe(`${hash}/2026/03/${id}`);
    // Month boundaries follow UTC, not the local zone.
    expect(blobKey('acme', 'x', new Date('2026-12-31T23:30:00-05:00'))).toBe(`${hash}/2027/01/x`);
  });

  it('never puts the tenant id in the key, and separates tenants', () => {
    const a = blobKey('../../etc', 'x', at);
    const b = blobKey('../../etc ', 'x', at);
    expect(a).not.toContain('etc');
    expect(a).not.toBe(b);
  });

  it('hashes ids with anything outside [a-z0-9_-], so ids differing in case stay apart', () => {
    for (const id of ['../../etc/passwd', 'C:\\evil', 'a\0b', 'Upper', 'é', 'a'.repeat(101), '']) {
      const key = blobKey('t', id, at);
      expect(key.split('/')[3], id).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(blobKey('t', 'Ab', at)).not.toBe(blobKey('t', 'ab', at));
    expect(blobKey('t', 'ab', at).endsWith('/ab')).toBe(true);
  });

  it('makes a key checkBlobKey accepts for any tenant and id (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary', maxLength: 300 }), fc.date({ noInvalidDate: true, min: new Date('1970-01-01'), max: new Date('9999-12-31') }), (tenant, id, now) => {
        const key = blobKey(tenant, id, now);
        checkBlobKey(key);
        expect(key.length).toBeLessThanOrEqual(16 + 1 + 4 + 1 + 2 + 1 + 100);
      }),
    );
  });
});

describe('checkBlobKey', () => {
  const refuses = (key: unknown) => {
    try {
      checkBlobKey(key as string);
    } catch (e) {
      return TicketError.is(e, 'config');
    }
    return false;
  };

  it('accepts what ticketry makes and refuses the rest with a config error', () => {
    expect(refuses('abc/2026/01/x-y_z')).toBe(false);
    expect(refuses('a'.repeat(300))).toBe(false);
    for (const key of ['../x', '/abs', 'a\\b', 'a\0b', 'Upper', 'a'.repeat(301), '', 'a//b', 'a/', 'a/./b', 'a/../b', '.', 'a b', undefined, 7]) {
      expect(refuses(key), JSON.stringify(key)).toBe(true);
    }
  });

  it('prefixes: empty or key-like, may end with a slash', () => {
    expect(() => checkBlobPrefix('')).not.toThrow();
    expect(() => checkBlobPrefix('abc/')).not.toThrow();
    expect(() => checkBlobPrefix('abc/20')).not.toThrow();
    for (const p of ['/', '../', 'a//', 'A', 'a\\']) expect(() => checkBlobPrefix(p), p).toThrow(TicketError);
  });
});
