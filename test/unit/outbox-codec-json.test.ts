/**
 * The outbox's JSON encoding (payload v2, src/events/outbox-json.ts) against devalue (v1,
 * what it replaced): on generated values — event-shaped ones with shared Dates, and
 * arbitrary trees with hostile strings (lone surrogates, NUL, U+2028), `__proto__` keys,
 * `undefined`, holes, -0, NaN, invalid Dates, Maps, BigInts, shared objects and cycles —
 * what a row decodes to is exactly what devalue's round trip gives, shared Dates shared
 * alike; whatever the JSON encoding cannot carry is written as devalue text, as before.
 */
import * as devalue from 'devalue';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromOutbox, toOutbox } from '../../src/events/outbox-codec.js';
import { decodeJson, encodeJson } from '../../src/events/outbox-json.js';
import type { TicketEvent } from '../../src/events/event-types.js';
import { TicketError } from '../../src/errors.js';
import type { OutboxEvent } from '../../src/store.js';

/** What a store with a JSON column gives back: the payload through JSON text. */
const throughJsonColumn = (row: OutboxEvent): OutboxEvent => ({
  ...row,
  payload: JSON.parse(JSON.stringify(row.payload)) as Record<string, unknown>,
});

/** No lone surrogate (String.prototype.isWellFormed, which the ES2022 lib does not declare). */
const wellFormed = (s: string) => !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);

const NOT_ENCODED = Symbol('devalue refused it');
function devalueRoundTrip(value: unknown): unknown {
  try {
    return devalue.parse(devalue.stringify(value));
  } catch {
    return NOT_ENCODED;
  }
}

/**
 * Where `a` and `b` first differ, or `null`: same prototypes, same own keys in the same
 * order, same holes, Dates by time value, numbers by `Object.is` (-0, NaN), Maps and Sets
 * by entries. (vitest's toStrictEqual compares `.constructor`, which an own key
 * `constructor` — a generated one — makes unequal for equal objects.)
 */
function difference(a: unknown, b: unknown, path = '$', stack = new Set<unknown>()): string | null {
  if (typeof a !== typeof b) return `${path}: ${typeof a} vs ${typeof b}`;
  if (typeof a !== 'object' || a === null || b === null) return Object.is(a, b) ? null : `${path}: ${String(a)} vs ${String(b)}`;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  if (Object.getPrototypeOf(x) !== Object.getPrototypeOf(y)) return `${path}: prototypes differ`;
  if (x instanceof Date) return Object.is(x.getTime(), (y as unknown as Date).getTime()) ? null : `${path}: dates differ`;
  if (stack.has(x)) return null;
  stack.add(x);
  if (x instanceof Map || x instanceof Set) {
    return difference([...(x as Map<unknown, unknown>).entries()], [...(y as unknown as Map<unknown, unknown>).entries()], path, stack);
  }
  const kx = Reflect.ownKeys(x);
  const ky = Reflect.ownKeys(y);
  if (Array.isArray(x) && x.length !== (y as unknown as unknown[]).length) return `${path}: lengths differ`;
  if (kx.length !== ky.length || kx.some((k, i) => k !== ky[i])) return `${path}: keys ${String(kx)} vs ${String(ky)}`;
  for (const k of kx) {
    if (k === 'length' && Array.isArray(x)) continue;
    const d = difference(x[k as string], y[k as string], `${path}.${String(k)}`, stack);
    if (d) return d;
  }
  stack.delete(x);
  return null;
}

/** The Dates of `value` in walk order, each as the index of its first occurrence: equal lists mean equal sharing. */
function dateSharing(value: unknown): number[] {
  const seen: Date[] = [];
  const out: number[] = [];
  const visit = (v: unknown, stack: Set<unknown>) => {
    if (v instanceof Date) {
      let i = seen.indexOf(v);
      if (i < 0) i = seen.push(v) - 1;
      out.push(i);
    } else if (typeof v === 'object' && v !== null && !stack.has(v)) {
      stack.add(v);
      const entries = v instanceof Map ? [...v.entries()].flat() : v instanceof Set ? [...v] : Object.keys(v).map((k) => (v as Record<string, unknown>)[k]);
      for (const child of entries) visit(child, stack);
      stack.delete(v);
    }
  };
  visit(value, new Set());
  return out;
}

// Strings that stress escaping: lone and paired surrogates, NUL and other controls, quotes, U+2028.
const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc
    .array(
      fc.constantFrom('\u0000', '\ud800', '\udfff', '\ud83d\ude00', '"', '\\', '\u2028', '\u2029', '\n', '<\/script>', 'é', 'a', '\u001f', '\u007f'),
      { maxLength: 6 },
    )
    .map((parts) => parts.join('')),
);
const hostileKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'toJSON', 'prototype', '', '0', '1', '10', '-1', 'createdAt', 'value'),
  hostileString,
);
const date = fc.oneof(
  fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15) }),
  fc.constant(new Date(Number.NaN)),
);

/** Arbitrary trees: plain data mostly, and now and then something only devalue can carry. */
const { tree } = fc.letrec<{ tree: unknown; leaf: unknown; node: unknown }>((t) => ({
  leaf: fc.oneof(
    { weight: 4, arbitrary: hostileString },
    fc.constant(null),
    fc.constant(undefined),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    fc.constantFrom(-0, Number.NaN, Number.POSITIVE_INFINITY, 0.1, 1e21, 5e-324),
    date,
    fc.bigInt(),
  ),
  node: fc.oneof(
    { weight: 4, arbitrary: fc.dictionary(hostileKey, t('tree'), { maxKeys: 5 }) },
    { weight: 3, arbitrary: fc.array(t('tree'), { maxLength: 5 }) },
    fc.sparseArray(t('tree'), { maxLength: 5 }),
    fc.dictionary(fc.string(), t('tree'), { maxKeys: 3 }).map((o) => Object.assign(Object.create(null) as object, o)),
    fc.array(fc.tuple(hostileString, t('tree')), { maxLength: 3 }).map((entries) => new Map(entries)),
  ),
  tree: fc.oneof({ maxDepth: 4, depthSize: 'small' }, { weight: 2, arbitrary: t('leaf') }, t('node')),
}));

/** The same value placed twice (an object, an array or a Date), or a cycle. */
const withSharing = fc
  .tuple(tree, fc.oneof(fc.dictionary(fc.string(), tree, { maxKeys: 2 }), fc.array(tree, { maxLength: 2 }), date), fc.boolean())
  .map(([other, shared, cycle]) => {
    const root: Record<string, unknown> = { a: shared, b: other, c: [shared] };
    if (cycle) root.self = root;
    return root;
  });

/** Events as ticketry makes them: one `now` Date shared by several fields, optional undefined. */
const eventLike = fc
  .record({
    type: fc.constantFrom('ticket.created', 'ticket.replied', 'ticket.updated', 'sla.warning'),
    eventId: fc.uuid(),
    subject: hostileString,
    body: hostileString,
    now: date,
    other: date,
    staffIds: fc.array(fc.string(), { maxLength: 3 }),
    extra: fc.dictionary(hostileKey, tree, { maxKeys: 3 }),
    maybe: fc.option(hostileString, { nil: undefined }),
  })
  .map(
    (g) =>
      ({
        type: g.type,
        eventId: g.eventId,
        changeId: g.eventId,
        tenantId: 'acme',
        ticket: {
          id: 'tkt-1',
          subject: g.subject,
          createdAt: g.now,
          updatedAt: g.now,
          deadlineAt: g.other,
          resolvedAt: null,
          sla: { clockAt: g.now, pausedMs: 0 },
          extra: g.extra,
        },
        actor: { kind: 'customer', id: 'sub-1', resellerId: null, name: g.maybe },
        notify: { customerId: 'sub-1', staffIds: g.staffIds, queue: true },
        customer: null,
        occurredAt: g.now,
        message: { id: 'msg-1', body: g.body, html: `<p>${g.body}</p>`, createdAt: g.now, attachments: [] },
        changes: { status: { from: 'open', to: 'pending' }, deadlineAt: { from: undefined, to: g.other } },
      }) as unknown as TicketEvent,
  );

/** decode(encode(x)) against devalue's round trip: equal values, equal Date sharing; or devalue's text when JSON cannot carry x. */
function checkAgainstDevalue(value: unknown): void {
  const expected = devalueRoundTrip(value);
  const text = encodeJson(value);
  if (text === undefined) {
    // Outside plain data: the caller writes devalue text (or refuses, as devalue does).
    return;
  }
  // What the codec writes is well-formed and holds no NUL (Postgres JSONB refuses both).
  expect(wellFormed(text)).toBe(true);
  expect(text.includes('\u0000')).toBe(false);
  const decoded = decodeJson(text);
  // devalue refuses a key `__proto__`; JSON carries it as an own key.
  expect(difference(decoded, expected === NOT_ENCODED ? value : expected)).toBeNull();
  expect(dateSharing(decoded)).toEqual(dateSharing(value));
}

describe('outbox JSON encoding (v2) against devalue (v1)', () => {
  it('arbitrary trees decode to what devalue round-trips, or are left to devalue', () => {
    fc.assert(fc.property(tree, checkAgainstDevalue), { numRuns: 3000 });
  });

  it('shared objects and cycles are left to devalue; shared Dates stay shared', () => {
    fc.assert(
      fc.property(withSharing, (value) => {
        checkAgainstDevalue(value);
        if (!(value.a instanceof Date) && typeof value.a === 'object' && value.a !== null) {
          expect(encodeJson(value)).toBeUndefined();
        }
        if (value.self) expect(encodeJson(value)).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
  });

  it('what only devalue can carry is refused by the JSON encoding', () => {
    const refused = [
      new Map([['a', 1]]),
      new Set([1]),
      1n,
      Number.NaN,
      -0,
      Number.POSITIVE_INFINITY,
      new Date(Number.NaN),
      // A hole, a null-prototype object, a class instance, a symbol key, a function.
      [1, , 3],
      Object.create(null) as object,
      new (class Point {
        x = 1;
      })(),
      { [Symbol('s')]: 1 },
      { f: () => 1 },
      /re/,
      new Uint8Array(2),
    ];
    refused.forEach((value, i) => expect(encodeJson({ nested: [value] }), `value ${i}`).toBeUndefined());
  });

  it('event-shaped values: rows decode to what devalue round-trips, through a JSON column', () => {
    fc.assert(
      fc.property(eventLike, (event) => {
        checkAgainstDevalue(event);
        const expected = devalueRoundTrip(event);
        if (expected === NOT_ENCODED && encodeJson(event) === undefined) {
          // Neither can carry it (a null-prototype object beside a `__proto__` key, say):
          // refused, as devalue alone refused it before.
          expect(() => toOutbox(event)).toThrow();
          return;
        }
        const row = throughJsonColumn(toOutbox(event));
        const decoded = fromOutbox(row);
        expect(difference(decoded, expected === NOT_ENCODED ? event : expected)).toBeNull();
        expect(dateSharing(decoded)).toEqual(dateSharing(event));
        // Plain data is written in the JSON encoding, anything else as devalue text.
        expect(row.payload.v).toBe(encodeJson(event) === undefined ? 1 : 2);
      }),
      { numRuns: 1000 },
    );
  });

  it('an event holding a Map is still written and read as devalue text (v1)', () => {
    const event = sampleEvent({ tags: new Map([['vip', true]]) });
    const row = throughJsonColumn(toOutbox(event));
    expect(row.payload).toEqual({ codec: 'devalue', v: 1, data: devalue.stringify(event) });
    expect(fromOutbox(row)).toStrictEqual(event);
  });

  it('rows an earlier version wrote as devalue text (v1) still decode', () => {
    const event = sampleEvent({});
    const old: OutboxEvent = {
      id: event.eventId,
      ticketId: event.ticket.id,
      type: event.type,
      payload: { codec: 'devalue', v: 1, data: devalue.stringify(event) },
      createdAt: event.occurredAt,
    };
    const decoded = fromOutbox(throughJsonColumn(old));
    expect(decoded).toStrictEqual(event);
    expect(decoded.ticket.createdAt).toBe(decoded.occurredAt);
  });

  it('writes plain events as v2 and keeps a NUL or a lone surrogate escaped inside the text', () => {
    const event = sampleEvent({ note: 'a\u0000b\ud800c' });
    const row = toOutbox(event);
    expect(row.payload).toMatchObject({ codec: 'devalue', v: 2 });
    const column = JSON.stringify(row.payload);
    expect(wellFormed(column)).toBe(true);
    expect(column.includes('\u0000')).toBe(false);
    expect(fromOutbox(throughJsonColumn(row))).toStrictEqual(event);
  });

  it('a malformed v2 row is refused with a typed error', () => {
    const row = toOutbox(sampleEvent({}));
    const texts = [
      'not json',
      '{}',
      '[1,2]',
      '[{"a":null},[1],[["b"],0]]',
      '[{"a":1},[1],[["a"],0]]',
      '[{"a":null},[1],[["a"],5]]',
      '[{"a":null},["x"],[["a"],0]]',
      '[{"a":null},[1],[["a","b"],0]]',
      '[{"a":null},[1],[["a"]]]',
    ];
    for (const data of texts) {
      const bad = { ...row, payload: { ...row.payload, data } };
      let caught: unknown;
      try {
        fromOutbox(bad);
      } catch (error) {
        caught = error;
      }
      expect(TicketError.is(caught, 'internal'), data).toBe(true);
    }
  });

  it('decoding a `__proto__` key makes an own property, never a prototype', () => {
    const value = JSON.parse('{"__proto__":{"polluted":1},"at":null}') as Record<string, unknown>;
    (value as { at: unknown }).at = new Date(0);
    const decoded = decodeJson(encodeJson(value)!) as Record<string, unknown>;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(decoded, '__proto__')).toBe(true);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(decoded).toStrictEqual(value);
  });
});

function sampleEvent(extra: Record<string, unknown>): TicketEvent {
  const at = new Date('2026-03-02T10:00:00.000Z');
  return {
    type: 'ticket.updated',
    eventId: 'evt-1',
    changeId: 'evt-1',
    tenantId: 't',
    ticket: { id: 'tkt-1', createdAt: at, ...extra } as unknown as TicketEvent['ticket'],
    actor: { kind: 'system' },
    notify: { customerId: null, staffIds: [], queue: false },
    customer: null,
    occurredAt: at,
    changes: { deadlineAt: { from: null, to: new Date('2026-03-05T12:00:00.000Z') } },
  };
}
