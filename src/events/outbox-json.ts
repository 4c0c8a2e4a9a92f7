/**
 * The outbox's own encoding of an event (payload version 2): the event as JSON, every
 * `Date` and `undefined` named in a side table. Encoding is one walk that writes the
 * event's JSON text, each Date and `undefined` as `null` with its place noted: about half
 * devalue's time on the events ticketry makes (2 KB of strings, a dozen plain objects,
 * ten Dates), as devalue looks every string up in a Map and writes each Date's
 * `toISOString()`. Decoding is `JSON.parse` and the side table.
 *
 * Only the plain data events are made of is encoded here: plain objects (prototype
 * `Object.prototype`, string keys only), dense arrays, strings, booleans, `null`,
 * `undefined`, finite numbers other than `-0`, and valid `Date`s (shared Dates stay
 * shared). For anything else — a Map, a BigInt, `NaN`, an object reached twice, a
 * class instance — `encodeJson` returns `undefined` and the caller uses devalue, so what
 * `decodeJson(encodeJson(x))` gives is exactly what devalue's round trip gives.
 *
 * The text is `[tree]`, or `[tree, times, refs]` when the event holds Dates or
 * `undefined`: `times` lists each distinct Date's time value once, `refs` pairs a path
 * (keys and array indexes from the root) with an index into `times`, or `-1` for
 * `undefined`. In the tree such a value is `null`, so every key keeps its place.
 */

/** Where the walk is and what it found. */
interface Walk {
  /** The keys from the root to the object being written. */
  path: (string | number)[];
  /** Each object and array written so far: one reached twice goes to devalue. */
  seen: Set<object>;
  /** Each distinct Date -> its index in `times`. */
  dates: Map<Date, number>;
  times: number[];
  /** Pairs of (path, index into `times` or -1 for undefined). */
  refs: unknown[];
  /** Set when a value is outside the plain data encoded here. */
  unsupported: boolean;
}

/** The JSON text of `value`, or `undefined` when it holds anything but plain data. */
export function encodeJson(value: unknown): string | undefined {
  const walk: Walk = { path: [], seen: new Set(), dates: new Map(), times: [], refs: [], unsupported: false };
  const tree = write(value, walk);
  if (walk.unsupported) return undefined;
  return walk.refs.length === 0
    ? `[${tree}]`
    : `[${tree},${JSON.stringify(walk.times)},${JSON.stringify(walk.refs)}]`;
}

/** The value `encodeJson` was given, from its text; throws on text it did not write. */
export function decodeJson(text: string): unknown {
  const parsed = JSON.parse(text) as unknown;
  if (!Array.isArray(parsed) || (parsed.length !== 1 && parsed.length !== 3)) throw new Error('not an encoded event');
  if (parsed.length === 1) return parsed[0];
  const [tree, times, refs] = parsed as [unknown, unknown, unknown];
  if (!Array.isArray(times) || !Array.isArray(refs) || refs.length % 2 !== 0) throw new Error('malformed side table');
  const dates = times.map((t) => {
    if (typeof t !== 'number') throw new Error('malformed time value');
    return new Date(t);
  });
  const root = { value: tree };
  for (let i = 0; i < refs.length; i += 2) {
    const path = refs[i] as unknown;
    const index = refs[i + 1] as unknown;
    if (!Array.isArray(path) || !Number.isInteger(index) || (index as number) < -1 || (index as number) >= dates.length) {
      throw new Error('malformed reference');
    }
    // Walk down from the root to the parent, then set the leaf.
    let parent: unknown = root;
    let key: string | number = 'value';
    for (const step of path as unknown[]) {
      parent = childOf(parent, key);
      if (typeof step !== 'string' && typeof step !== 'number') throw new Error('malformed path');
      key = step;
    }
    if (childOf(parent, key) !== null) throw new Error('reference to a value that is not a placeholder');
    setOwn(parent as Record<string | number, unknown>, key, index === -1 ? undefined : dates[index as number]);
  }
  return root.value;
}

/** `parent[key]` when it is its own property of an object, else a decoding error. */
function childOf(parent: unknown, key: string | number): unknown {
  if (typeof parent !== 'object' || parent === null || !Object.prototype.hasOwnProperty.call(parent, key)) {
    throw new Error('path leaves the encoded value');
  }
  return (parent as Record<string | number, unknown>)[key];
}

/** Sets an own data property (a key `__proto__` included, which plain assignment would not make). */
function setOwn(target: Record<string | number, unknown>, key: string | number, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

/**
 * The JSON text of `value`, its Dates and `undefined`s written as `null` and recorded in
 * `walk` under `key` of the object at `walk.path`. Sets `walk.unsupported` (and returns
 * nothing useful) for anything devalue would encode differently from JSON.
 *
 * Strings go through the engine's `JSON.stringify` one by one: its escaping is native,
 * and it writes lone surrogates and control characters (NUL) as escapes, so the text is
 * well-formed and holds no NUL. A key `__proto__` is written like any other: `JSON.parse`
 * makes it an own property again (devalue refuses such keys).
 */
function write(value: unknown, walk: Walk, key?: string | number): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      // NaN, ±Infinity and -0 do not survive JSON.
      if (Number.isFinite(value) && !Object.is(value, -0)) return String(value);
      return unsupported(walk);
    case 'undefined':
      note(walk, key, -1);
      return 'null';
    case 'object':
      break;
    default:
      // bigint, symbol, function
      return unsupported(walk);
  }
  if (value === null) return 'null';
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto === Date.prototype) {
    const time = (value as Date).getTime();
    // An invalid Date has no time value JSON can hold.
    if (Number.isNaN(time)) return unsupported(walk);
    let index = walk.dates.get(value as Date);
    if (index === undefined) {
      index = walk.times.push(time) - 1;
      walk.dates.set(value as Date, index);
    }
    note(walk, key, index);
    return 'null';
  }
  // An object reached twice (shared or a cycle): devalue keeps it one object.
  if (walk.seen.has(value)) return unsupported(walk);
  walk.seen.add(value);
  if (key !== undefined) walk.path.push(key);
  let out: string;
  if (proto === Array.prototype && Array.isArray(value)) {
    out = '[';
    for (let i = 0; i < value.length; i++) {
      // A hole is not undefined to devalue.
      if (!(i in value)) return unsupported(walk);
      out += (i === 0 ? '' : ',') + write(value[i], walk, i);
      if (walk.unsupported) return '';
    }
    out += ']';
  } else if (proto === Object.prototype) {
    // devalue refuses symbol keys; JSON would drop them.
    if (Object.getOwnPropertySymbols(value).length > 0) return unsupported(walk);
    out = '{';
    const keys = Object.keys(value);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      out += (i === 0 ? '' : ',') + quoteKey(k) + write((value as Record<string, unknown>)[k], walk, k);
      if (walk.unsupported) return '';
    }
    out += '}';
  } else {
    // null-prototype objects, class instances, Maps, boxed primitives, typed arrays, ...
    return unsupported(walk);
  }
  if (key !== undefined) walk.path.pop();
  return out;
}

function unsupported(walk: Walk): string {
  walk.unsupported = true;
  return '';
}

/** Quoted property names with their colon, for the names events repeat (bounded). */
const quotedKeys = new Map<string, string>();

function quoteKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = `${JSON.stringify(key)}:`;
    // Names come from the data: keep only short ones, and only so many.
    if (key.length <= 64 && quotedKeys.size < 1024) quotedKeys.set(key, quoted);
  }
  return quoted;
}

/** Records that the value at `key` of the object at `walk.path` is Date `index` (or undefined: -1). */
function note(walk: Walk, key: string | number | undefined, index: number): void {
  walk.refs.push(key === undefined ? [] : [...walk.path, key], index);
}
