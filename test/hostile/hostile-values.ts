/**
 * fast-check arbitraries of hostile values: wrong types, null, huge and deeply nested
 * values, NUL bytes, lone surrogates, `__proto__` / `constructor` keys, invalid dates and
 * cursors. Used in place of any argument, field or actor of a service call.
 */
import fc from 'fast-check';

/** An object whose own key is `__proto__` (as JSON.parse makes it), carrying a marker. */
export const protoKey = (): Record<string, unknown> => JSON.parse('{"__proto__": {"polluted": "yes"}, "subject": "s", "body": "b"}');

/** An object with a `constructor.prototype` chain carrying a marker. */
export const constructorKey = (): Record<string, unknown> => ({
  constructor: { prototype: { polluted: 'yes' } },
  subject: 's',
  body: 'b',
});

/**
 * `value` printed as `label` in fast-check's reports (a symbol key, invisible to JSON and
 * to `Object.keys`): printing 20,000 levels would overflow the stack and hide the failure.
 */
function labelled<T extends object>(value: T, label: string): T {
  Object.defineProperty(value, fc.toStringMethod, { value: () => label, enumerable: false });
  return value;
}

/** Arrays nested `depth` deep. */
export function deepArray(depth: number): unknown {
  let v: unknown = 'x';
  for (let i = 0; i < depth; i++) v = [v];
  return labelled(v as object, `deepArray(${depth})`);
}

/** Objects nested `depth` deep under `key`. */
export function deepObject(depth: number, key = 'a'): unknown {
  let v: unknown = 'x';
  for (let i = 0; i < depth; i++) {
    const next: Record<string, unknown> = {};
    Object.defineProperty(next, key, { value: v, enumerable: true, configurable: true, writable: true });
    v = next;
  }
  return labelled(v as object, `deepObject(${depth}, ${JSON.stringify(key)})`);
}

/** Strings a database or a regular expression may choke on. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\uD800',
    'x\uDC00y',
    '\uDBFF\uDFFF\uD800',
    '\uFEFF',
    '\u202E\u0000',
    "'; drop table tickets; --",
    '%',
    '_',
    '\\',
    '%_\\',
    'TKT-1',
    'tkt-1',
    'TKT-99999999999999999999999',
    'TKT-\u0000',
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    'me',
    'null',
    'undefined',
    'NaN',
    '1e999',
    '-1',
    '9007199254740993',
    '2026-02-30T00:00:00Z',
    '0000-00-00T00:00:00Z',
    '+275760-09-13T00:00:00.001Z',
    '-271821-04-20T00:00:00.000Z',
    '9999-12-31T23:59:59.999Z',
    '10000-01-01T00:00:00Z',
    '2026-03-01T10:00:00',
    'eyJzIjoicXVldWUiLCJ0IjoxLCJpIjoieCJ9',
    '*'.repeat(5000),
    '['.repeat(5000),
    '`'.repeat(5000),
    '> '.repeat(3000),
    '\u0000'.repeat(300),
    '\uD83D'.repeat(300),
    'a'.repeat(201),
    'a'.repeat(256),
    'a'.repeat(1001),
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: fc.constantFrom('\u0000', '\uD800', '\uDC00', 'a', ' ', '%', '_', '\\', '"', "'", '\n'), maxLength: 30 }),
);

/** A cursor-shaped string: base64url JSON with the right or wrong fields, or garbage. */
export const hostileCursor: fc.Arbitrary<string> = fc.oneof(
  hostileString,
  fc
    .record(
      {
        s: fc.constantFrom('queue', 'newest', 'oldest', 'updated', 'waiting', 'relevance', '__proto__'),
        t: fc.oneof(
          fc.constantFrom(null, 0, -1, 8.64e15, -8.64e15, 8.64e15 + 1, 1e300, Number.MAX_SAFE_INTEGER, 1.5, -0),
          fc.integer(),
          fc.string(),
        ),
        i: fc.oneof(hostileString, fc.constant(null), fc.integer()),
        a: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(null)),
        r: fc.oneof(fc.constantFrom(0, 1, 2, 3, -1, 1e300, 0.5), fc.string()),
      },
      { requiredKeys: [] },
    )
    .map((body) => Buffer.from(JSON.stringify(body)).toString('base64url')),
  fc.constantFrom(
    Buffer.from('{"__proto__":{"polluted":"yes"},"s":"queue","t":1,"i":"x","a":1}').toString('base64url'),
    Buffer.from('[1,2,3]').toString('base64url'),
    Buffer.from('null').toString('base64url'),
    Buffer.from('"x"').toString('base64url'),
    Buffer.from('['.repeat(700) + ']'.repeat(700)).toString('base64url'),
  ),
);

/** A Date nobody can store: invalid, or out of every database's range. */
export const hostileDate: fc.Arbitrary<unknown> = fc.constantFrom(
  new Date(Number.NaN),
  new Date(8.64e15),
  new Date(-8.64e15),
  new Date('0001-01-01T00:00:00Z'),
  new Date('9999-12-31T23:59:59.999Z'),
  new Date('+010000-01-01T00:00:00Z'),
  new Date(-1),
  new Date(0),
);

/** Any hostile value: every JS type, nesting, sizes, dates, keys. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { depthSize: 'small' },
  hostileString,
  hostileDate,
  fc.constantFrom<unknown>(
    null,
    undefined,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    -0,
    0,
    -1,
    1.5,
    2 ** 31,
    2 ** 53 + 2,
    1e308,
    true,
    false,
    10n,
    Symbol('s'),
    () => 'fn',
    [],
    {},
    [null],
    new Map([['a', 1]]),
    new Set([1]),
    new Uint8Array([0, 255]),
    /re/g,
    new Error('not input'),
    Object.create(null),
    new String('boxed'),
    new Number(1),
  ),
  fc.constant(null).map(() => protoKey()),
  fc.constant(null).map(() => constructorKey()),
  fc.constantFrom(10, 1000, 20_000).map((d) => deepArray(d)),
  fc.constantFrom(10, 1000, 20_000).map((d) => deepObject(d)),
  fc.constantFrom(10, 20_000).map((d) => deepObject(d, '__proto__')),
  fc.constantFrom(1000, 100_000).map((n) => Array.from({ length: n }, () => 'open')),
  fc.constantFrom(300_000, 2_000_000).map((n) => 'x'.repeat(n)),
  fc.anything({ maxDepth: 3, withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withNullPrototype: true, withBoxedValues: true, withSparseArray: true, withObjectString: true, withUnicodeString: true }),
);
