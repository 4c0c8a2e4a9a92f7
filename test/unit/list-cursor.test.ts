import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../src/list-cursor.js';

describe('list cursors', () => {
  it('round-trip, and reject cursors of another sort or with an impossible time', () => {
    const row = { id: 'a', createdAt: new Date(5), updatedAt: new Date(9), attention: 2 } as never;
    expect(decodeCursor('queue', encodeCursor('queue', row))).toEqual({ at: new Date(9), id: 'a', attention: 2 });
    expect(decodeCursor('oldest', encodeCursor('oldest', row))).toEqual({ at: new Date(5), id: 'a' });
    expect(() => decodeCursor('newest', encodeCursor('oldest', row))).toThrow(/another sort/);
    const bad = Buffer.from(JSON.stringify({ s: 'newest', t: 1e20, i: 'a' })).toString('base64url');
    expect(() => decodeCursor('newest', bad)).toThrow(/Invalid list cursor/);
  });
});
