/** Checks that nothing added a property to a built-in prototype. */
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';

const PROTOTYPES: [string, object][] = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['String.prototype', String.prototype],
  ['Date.prototype', Date.prototype],
];

/** The own keys of each built-in prototype, now. */
export function prototypeKeys(): Map<string, string[]> {
  return new Map(PROTOTYPES.map(([name, proto]) => [name, Reflect.ownKeys(proto).map(String).sort()]));
}

/** Fails when a prototype gained or lost a key since `baseline`, or an empty object reads `polluted`. */
export function assertNoPollution(baseline: Map<string, string[]>, after: () => string): void {
  if (({} as Record<string, unknown>).polluted !== undefined) assert.fail(`Object.prototype polluted by ${after()}`);
  const now = prototypeKeys();
  if (!isDeepStrictEqual(now, baseline)) assert.deepEqual(now, baseline, `a built-in prototype changed after ${after()}`);
}
