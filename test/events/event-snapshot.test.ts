import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { snapshot } from '../../src/events/new-event.js';

/** Values an event is made of, plus the odd ones a store or host could hand over. */
const leaf = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.bigInt(),
  fc.date({ noInvalidDate: false }),
  fc.uint8Array({ maxLength: 4 }),
  fc.constant(new Map([['a', 1]])),
);
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('node'), { maxLength: 4 }),
  // (not a key `constructor`: toStrictEqual compares the two objects' `constructor` values)
  object: fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('__proto__', '0', '10', 'toString')), tie('node'), { maxKeys: 5 }),
})).node;

describe('event snapshot', () => {
  it('copies as structuredClone does', () => {
    fc.assert(
      fc.property(value, (v) => {
        const copy = snapshot(v);
        expect(copy).toStrictEqual(structuredClone(v));
        if (typeof v === 'object' && v !== null) expect(copy).not.toBe(v);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps shared references and cycles, and copies every Date', () => {
    const at = new Date('2026-01-02T03:04:05Z');
    const shared = { at };
    const v: Record<string, unknown> = { a: shared, b: shared, list: [at, at], holes: [1, , 3] };
    v.self = v;
    const copy = snapshot(v) as typeof v & { a: typeof shared; b: typeof shared; list: Date[]; holes: unknown[] };
    expect(copy.a).toBe(copy.b);
    expect(copy.a).not.toBe(shared);
    expect(copy.list[0]).toBe(copy.list[1]);
    expect(copy.list[0]).not.toBe(at);
    expect(copy.list[0]!.getTime()).toBe(at.getTime());
    expect(copy.self).toBe(copy);
    expect(1 in copy.holes).toBe(false);
    expect(Object.getPrototypeOf(snapshot(Object.assign(Object.create(null), { x: 1 })))).toBe(Object.prototype);
  });

  it('refuses what structuredClone refuses', () => {
    expect(() => snapshot({ f: () => 1 })).toThrow();
    expect(() => snapshot({ s: Symbol('x') })).toThrow();
  });

  it('copies a class instance as structuredClone does: its own fields, as a plain object', () => {
    class Point {
      constructor(readonly x: number) {}
    }
    expect(snapshot({ p: new Point(1) })).toStrictEqual(structuredClone({ p: new Point(1) }));
  });
});
