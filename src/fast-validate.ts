/**
 * Hand-written checks for the inputs every write parses — the actor, `create`'s input and
 * `addReply`'s — in the shapes hosts send them. Each returns exactly what its zod schema
 * would return (same keys in the schema's order, a key given as `undefined` kept, the
 * subject trimmed, lone surrogates in text made U+FFFD, the permissions a frozen copy),
 * or `DECLINE` for anything it does not check itself, which `parseInput` then hands to
 * zod: zod still decides every refusal, so errors and their messages are zod's. A zod
 * parse of the actor and an input cost about 70-100 µs of a create or reply between
 * database calls (cold caches), these checks a few.
 *
 * test/unit/fast-validate.test.ts checks, on generated valid and invalid inputs, that a
 * check never accepts what zod refuses and never returns anything but zod's value.
 */
import { actorSchema, createTicketInputSchema, isWellFormed, PERMISSIONS, replyInputSchema, toWellFormed } from './schemas.js';
import { STATUSES } from './types.js';

/** What a check returns when zod must decide. */
export const DECLINE: unique symbol = Symbol('decline');
type Decline = typeof DECLINE;

/** A field's check: its output value, or `DECLINE`. `undefined` never reaches one. */
type FieldCheck = (value: unknown) => unknown;

/** The fast check of a schema builder, if it has one. */
export function fastCheckOf(schema: unknown): ((value: unknown) => unknown) | undefined {
  return FAST_CHECKS.get(schema);
}

const NUL = '\u0000';

/** `idSchema()`: a string of 1–200 UTF-16 units, without NUL or lone surrogates. */
const id: FieldCheck = (v) =>
  typeof v === 'string' && v.length >= 1 && v.length <= 200 && !v.includes(NUL) && isWellFormed(v) ? v : DECLINE;
const idOrNull: FieldCheck = (v) => (v === null ? null : id(v));
/** A key (category, priority, department): any string without NUL or lone surrogates. */
const key: FieldCheck = (v) => (typeof v === 'string' && !v.includes(NUL) && isWellFormed(v) ? v : DECLINE);
const keyOrNull: FieldCheck = (v) => (v === null ? null : key(v));
/** An actor's name: text of at most 200 units, without NUL, lone surrogates made U+FFFD. */
const name: FieldCheck = (v) => (typeof v === 'string' && v.length <= 200 && !v.includes(NUL) ? toWellFormed(v) : DECLINE);
const boolean: FieldCheck = (v) => (typeof v === 'boolean' ? v : DECLINE);
const statusSet = new Set<unknown>(STATUSES);
const status: FieldCheck = (v) => (statusSet.has(v) ? v : DECLINE);
const addressedTo: FieldCheck = (v) => (v === 'reseller' || v === 'operator' ? v : DECLINE);
/** `subjectSchema()`: trimmed, then 1–255 units without NUL, lone surrogates made U+FFFD. */
const subject: FieldCheck = (v) => {
  if (typeof v !== 'string') return DECLINE;
  const s = v.trim();
  return s.length >= 1 && s.length <= 255 && !s.includes(NUL) ? toWellFormed(s) : DECLINE;
};
/**
 * `bodySchema()` / `replyBodySchema()`: not blank, no NUL, returned as given but for lone
 * surrogates (made U+FFFD). "Not blank"
 * as `\S` finds it: the characters `trim()` removes are exactly those `\s` matches
 * (WhiteSpace and LineTerminator), and the search stops at the first other one instead
 * of copying a body of up to 32 KiB.
 */
const NOT_BLANK = /\S/;
const body: FieldCheck = (v) => (typeof v === 'string' && NOT_BLANK.test(v) && !v.includes(NUL) ? toWellFormed(v) : DECLINE);
const permissionSet = new Set<unknown>(PERMISSIONS);
/** `z.array(z.enum(PERMISSIONS)).readonly()`: a frozen copy. */
const permissions: FieldCheck = (v) => {
  if (!Array.isArray(v) || Object.getPrototypeOf(v) !== Array.prototype) return DECLINE;
  const out = new Array<unknown>(v.length);
  for (let i = 0; i < v.length; i++) {
    const p: unknown = v[i];
    if (!permissionSet.has(p)) return DECLINE;
    out[i] = p;
  }
  return Object.freeze(out);
};
/** A field the fast path leaves to zod whenever it is given a value. */
const zodOnly: FieldCheck = () => DECLINE;
/** No attachments: `[]` (zod returns a new array); any file goes to zod. */
const noAttachments: FieldCheck = (v) =>
  Array.isArray(v) && v.length === 0 && Object.getPrototypeOf(v) === Array.prototype ? [] : DECLINE;

/** An object schema's fields in its order: the checks, and whether each field may be absent. */
interface Shape {
  keys: readonly string[];
  checks: readonly FieldCheck[];
  optional: readonly boolean[];
  known: ReadonlySet<string>;
}

function shape(fields: readonly (readonly [key: string, check: FieldCheck, optional: boolean])[]): Shape {
  return {
    keys: fields.map((f) => f[0]),
    checks: fields.map((f) => f[1]),
    optional: fields.map((f) => f[2]),
    known: new Set(fields.map((f) => f[0])),
  };
}

/**
 * `value` checked against `shape` as zod's object parse does it: every field read once,
 * in the shape's order; an absent optional field left out, one given as `undefined` kept
 * as `undefined`. Any own key outside the shape declines (a strict object refuses it, a
 * plain one strips it: zod does either).
 */
function checkObject(value: unknown, { keys, checks, optional, known }: Shape): Record<string, unknown> | Decline {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return DECLINE;
  const input = value as Record<string, unknown>;
  const given = Object.keys(input);
  for (let i = 0; i < given.length; i++) if (!known.has(given[i]!)) return DECLINE;
  const out: Record<string, unknown> = {};
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const v = input[key];
    if (v === undefined) {
      if (!optional[i]) return DECLINE;
      if (key in input) out[key] = undefined;
    } else {
      const checked = checks[i]!(v);
      if (checked === DECLINE) return DECLINE;
      out[key] = checked;
    }
  }
  return out;
}

const CUSTOMER = shape([
  ['kind', (v) => v, false],
  ['id', id, false],
  ['resellerId', idOrNull, true],
  ['requesterResellerId', id, true],
  ['name', name, true],
]);
const STAFF = shape([
  ['kind', (v) => v, false],
  ['id', id, false],
  ['name', name, true],
  ['resellerId', idOrNull, true],
  ['permissions', permissions, false],
]);
const SYSTEM = shape([['kind', (v) => v, false]]);

/** `actorSchema()`: a discriminated union on `kind`. */
function fastActor(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return DECLINE;
  const kind = (value as { kind?: unknown }).kind;
  if (kind === 'customer') return checkObject(value, CUSTOMER);
  if (kind === 'staff') return checkObject(value, STAFF);
  return kind === 'system' ? checkObject(value, SYSTEM) : DECLINE;
}

const CREATE = shape([
  ['subject', subject, false],
  ['body', body, false],
  ['category', key, true],
  ['priority', key, true],
  ['department', keyOrNull, true],
  ['subscriberId', id, true],
  ['status', status, true],
  ['assigneeId', idOrNull, true],
  ['deadlineAt', zodOnly, true],
  ['addressedTo', addressedTo, true],
  ['attachments', noAttachments, true],
]);

const REPLY = shape([
  ['body', body, false],
  ['internal', boolean, true],
  ['status', status, true],
  ['force', boolean, true],
  ['attachments', noAttachments, true],
]);

const FAST_CHECKS = new Map<unknown, (value: unknown) => unknown>([
  [actorSchema, fastActor],
  [createTicketInputSchema, (v) => checkObject(v, CREATE)],
  [replyInputSchema, (v) => checkObject(v, REPLY)],
]);
