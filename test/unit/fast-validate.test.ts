/**
 * The hand-written checks of src/fast-validate.ts against zod, on generated valid and
 * invalid actors, `create` inputs and `addReply` inputs: a check never accepts what zod
 * refuses, and what it accepts it returns exactly as zod does (same keys in the same
 * order, `undefined` kept where given, the subject trimmed, permissions a frozen copy).
 * The everyday shapes must take the fast path, or it would be useless.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DECLINE, fastCheckOf } from '../../src/fast-validate.js';
import { actorSchema, createTicketInputSchema, PERMISSIONS, replyInputSchema } from '../../src/schemas.js';
import { STATUSES } from '../../src/types.js';
import { parseInput } from '../../src/validate.js';

/** Where `a` and `b` first differ, or null: prototypes, own keys in order, frozenness, values by Object.is. */
function difference(a: unknown, b: unknown, path = '$'): string | null {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) {
    return Object.is(a, b) ? null : `${path}: ${String(a)} vs ${String(b)}`;
  }
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return `${path}: prototypes differ`;
  if (Object.isFrozen(a) !== Object.isFrozen(b)) return `${path}: frozen ${Object.isFrozen(a)} vs ${Object.isFrozen(b)}`;
  const ka = Reflect.ownKeys(a);
  const kb = Reflect.ownKeys(b);
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return `${path}: keys ${String(ka)} vs ${String(kb)}`;
  for (const k of ka) {
    const d = difference((a as Record<string, unknown>)[k as string], (b as Record<string, unknown>)[k as string], `${path}.${String(k)}`);
    if (d) return d;
  }
  return null;
}

const long = (n: number) => 'x'.repeat(n);
/** Strings around every limit, blank ones, NUL, surrogates, padding that trims away. */
const text = fc.oneof(
  { weight: 5, arbitrary: fc.string({ maxLength: 8 }) },
  fc.constantFrom('', ' ', '\t\n', ' a ', 'a\u0000b', '\u0000', '\ud800', long(199), long(200), long(201), long(254), long(255), long(256)),
  fc.constantFrom(` ${long(255)} `, ` ${long(256)}`, '\u00a0a\u00a0', '\ufeff', '\u2028x'),
);
/** Anything that is not a string. */
const notString = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({}), fc.constant(new String('a')));
/** Mostly `arb`; now and then undefined, a non-string or any string. */
const maybe = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 30, arbitrary: arb }, fc.constant(undefined), notString, text);
/** A string most fields accept (short, not blank), or now and then any string. */
const word = fc.oneof({ weight: 8, arbitrary: fc.string({ minLength: 1, maxLength: 8 }).filter((s) => s.trim() !== '') }, text);
const permission = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...PERMISSIONS) }, fc.constantFrom('tickets.admin', '', 1, null));
const permissionList = fc.oneof(
  { weight: 6, arbitrary: fc.array(permission, { maxLength: 4 }) },
  fc.array(permission, { maxLength: 3 }).map((a) => Object.freeze(a)),
  fc.sparseArray(permission, { maxLength: 3 }),
  fc.constant('tickets.view'),
);
/** Keys outside every schema, and keys that are properties of Object.prototype. */
const extraKey = fc.constantFrom('extra', '__proto__', 'constructor', 'toString', 'email', 'kind');

/**
 * A plain object of `fields` (each present or absent; `rare` ones seldom present),
 * sometimes with an odd extra key or prototype.
 */
function objectOf(
  fields: Record<string, fc.Arbitrary<unknown>>,
  { required = [], rare = {} }: { required?: string[]; rare?: Record<string, fc.Arbitrary<unknown>> } = {},
): fc.Arbitrary<unknown> {
  return fc
    .tuple(
      // The required fields are present nine times in ten.
      fc.oneof({ weight: 9, arbitrary: fc.record(fields, { requiredKeys: required }) }, fc.record(fields, { requiredKeys: [] })),
      // Rare fields in one object of eight, an extra key likewise.
      fc.oneof({ weight: 7, arbitrary: fc.constant(null) }, fc.record(rare, { requiredKeys: [] })),
      fc.oneof({ weight: 7, arbitrary: fc.constant(null) }, fc.tuple(extraKey, fc.oneof(text, fc.constant(undefined)))),
      fc.constantFrom(...Array<string>(12).fill('plain'), 'null-proto', 'class', 'array'),
    )
    .map(([record, rareFields, extra, kind]) => {
      const o: Record<string, unknown> = { ...record, ...rareFields };
      if (extra) Object.defineProperty(o, extra[0], { value: extra[1], enumerable: true, writable: true, configurable: true });
      if (kind === 'null-proto') return Object.assign(Object.create(null) as object, o);
      if (kind === 'class') return Object.assign(new (class Input {})(), o);
      if (kind === 'array') return Object.assign([], o);
      return o;
    });
}

const kind = (k: string) => fc.oneof({ weight: 20, arbitrary: fc.constant(k) }, fc.constantFrom('customer', 'staff', 'system', 'admin', 'Customer'));
const actor = fc.oneof(
  objectOf(
    { kind: kind('customer'), id: maybe(word), resellerId: maybe(fc.oneof(word, fc.constant(null))), requesterResellerId: maybe(word), name: maybe(word) },
    { required: ['kind', 'id'], rare: { permissions: maybe(permissionList) } },
  ),
  objectOf(
    { kind: kind('staff'), id: maybe(word), name: maybe(word), resellerId: maybe(fc.oneof(word, fc.constant(null))), permissions: maybe(permissionList) },
    { required: ['kind', 'id', 'permissions'], rare: { requesterResellerId: maybe(word) } },
  ),
  objectOf({ kind: kind('system') }, { required: ['kind'], rare: { id: maybe(word) } }),
  fc.constantFrom(null, undefined, 'staff', 1, []),
);
const status = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...STATUSES) }, fc.constantFrom('closed ', 'Open', 'archived'));
const createInput = objectOf(
  {
    subject: maybe(word),
    body: maybe(word),
    category: maybe(word),
    priority: maybe(word),
    department: maybe(fc.oneof(word, fc.constant(null))),
    subscriberId: maybe(word),
    status: maybe(status),
    assigneeId: maybe(fc.oneof(word, fc.constant(null))),
    addressedTo: maybe(fc.constantFrom('reseller', 'operator', 'customer')),
  },
  {
    required: ['subject', 'body'],
    rare: {
      deadlineAt: maybe(fc.oneof(fc.constant(null), fc.constant('2026-03-02T10:00:00Z'), fc.constant(new Date(0)))),
      attachments: maybe(fc.constantFrom([], [{ filename: 'a.txt', content: new Uint8Array(1) }], Object.freeze([]))),
    },
  },
);
const replyInput = objectOf(
  {
    body: maybe(word),
    internal: maybe(fc.boolean()),
    status: maybe(status),
    force: maybe(fc.boolean()),
  },
  { required: ['body'], rare: { attachments: maybe(fc.constantFrom([], [{ filename: 'a.txt', content: new Uint8Array(1) }], Object.freeze([]))) } },
);

const cases = [
  ['actor', actorSchema, actor],
  ['create input', createTicketInputSchema, createInput],
  ['reply input', replyInputSchema, replyInput],
] as const;

describe.each(cases)('fast check of the %s against zod', (_, schema, arbitrary) => {
  it('never accepts what zod refuses, and returns exactly what zod returns', () => {
    const fast = fastCheckOf(schema)!;
    let accepted = 0;
    fc.assert(
      fc.property(arbitrary, (value) => {
        const checked = fast(value);
        if (checked === DECLINE) return;
        accepted++;
        const result = schema().safeParse(value);
        expect(result.success, JSON.stringify(value)).toBe(true);
        expect(difference(checked, result.data)).toBeNull();
      }),
      { numRuns: 4000 },
    );
    // The generators reach the fast path often enough for the property to mean something.
    expect(accepted).toBeGreaterThan(100);
  });
});

describe('the everyday shapes take the fast path', () => {
  const fastOnly = <T>(schema: unknown, value: T) => {
    const checked = fastCheckOf(schema)!(value);
    expect(checked).not.toBe(DECLINE);
    return checked;
  };
  it('customers, staff and the system; create and reply inputs', () => {
    const staff = { kind: 'staff', id: 'agent-1', permissions: ['tickets.view', 'tickets.reply'] };
    for (const value of [
      { kind: 'customer', id: 'sub-1', resellerId: null },
      { kind: 'customer', id: 'sub-1', resellerId: 'r-1', name: 'Ann' },
      staff,
      { kind: 'system' },
    ]) {
      expect(difference(fastOnly(actorSchema, value), actorSchema().parse(value))).toBeNull();
    }
    const input = { subject: '  Connection drops  ', body: 'It drops.', category: 'connectivity', priority: 'normal' };
    expect(fastOnly(createTicketInputSchema, input)).toEqual({ ...input, subject: 'Connection drops' });
    expect(fastOnly(replyInputSchema, { body: 'Thanks', status: 'resolved' })).toEqual({ body: 'Thanks', status: 'resolved' });
    // The caller's array is not the one returned, and it stays unfrozen.
    const out = fastOnly(actorSchema, staff) as { permissions: string[] };
    expect(out.permissions).not.toBe(staff.permissions);
    expect(Object.isFrozen(staff.permissions)).toBe(false);
  });

  it('a body is blank to the fast path exactly when zod finds it blank, for every UTF-16 unit', () => {
    const fast = fastCheckOf(replyInputSchema)!;
    const schema = replyInputSchema();
    const differ: string[] = [];
    for (let unit = 0; unit <= 0xffff; unit++) {
      const body = ` ${String.fromCharCode(unit)}\n`;
      if ((fast({ body }) !== DECLINE) !== schema.safeParse({ body }).success) differ.push(unit.toString(16));
    }
    expect(differ).toEqual([]);
  });

  it('a refused input still fails with zod\'s error, through parseInput', () => {
    expect(() => parseInput(createTicketInputSchema, { subject: '   ', body: 'b' }, 'ticket')).toThrow('Subject and description are required');
    expect(() => parseInput(actorSchema, { kind: 'staff', id: 'a' }, 'actor', 'actor')).toThrow(
      expect.objectContaining({ code: 'validation', field: 'actor.permissions' }) as Error,
    );
    expect(() => parseInput(replyInputSchema, { body: 'x', extra: 1 }, 'reply')).toThrow('Unknown field in reply: extra');
  });
});
