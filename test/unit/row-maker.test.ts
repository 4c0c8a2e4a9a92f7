/**
 * `rowMaker`: rows read as arrays made into the objects the drivers would have made
 * (SQLite's `shapedStatement`, Postgres' `namingClient`).
 */
import { describe, expect, it } from 'vitest';
import { rowMaker } from '../../adapters/sql/row-maker.js';

describe('rowMaker', () => {
  it('makes the object the driver would: columns in order, the last of duplicate names winning', () => {
    const make = rowMaker(['id', 'n', 'when', 'id', 'weird "name"\n']);
    const at = new Date(0);
    const row = make(['a', 1, at, 'b', null]);
    expect(row).toEqual({ id: 'b', n: 1, when: at, 'weird "name"\n': null });
    expect(Object.keys(row)).toEqual(['id', 'n', 'when', 'weird "name"\n']);
    expect(row.when).toBe(at);
    // Every row a fresh object.
    expect(make(['a', 1, at, 'b', null])).not.toBe(row);
  });

  it('keeps a column named __proto__ as an own property, never the prototype', () => {
    const row = rowMaker(['__proto__', 'x'])([{ polluted: true }, 1]);
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(Object.getOwnPropertyNames(row)).toEqual(['__proto__', 'x']);
    expect((row as { polluted?: unknown }).polluted).toBeUndefined();
  });
});
