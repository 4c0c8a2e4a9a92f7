/**
 * Every function `ticketry` exports, given arguments of the wrong type, either returns or
 * throws a `TicketError`: never a raw `TypeError` or `RangeError` a host cannot map.
 */
import { describe, expect, it } from 'vitest';
import * as ticketry from '../../src/index.js';

const WRONG: readonly unknown[][] = [
  [],
  [undefined, undefined, undefined],
  [null, null, null],
  [42, 42, 42],
  ['x', 'x', 'x'],
  [{}, {}, {}],
  [[], [], []],
  [{ status: 'open' }, 'not a date', -1],
];

const isClass = (fn: unknown) => typeof fn === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(fn));

const functions = Object.entries(ticketry).filter(
  ([name, value]) => typeof value === 'function' && !isClass(value) && name !== 'createTicketService',
) as [string, (...args: unknown[]) => unknown][];

describe('exported helpers given the wrong types', () => {
  it('there are helpers to check', () => {
    expect(functions.map(([name]) => name)).toEqual(
      expect.arrayContaining(['slaStatus', 'renderMarkdown', 'escapeHtml', 'addBusinessTime', 'toCustomerTicket']),
    );
  });

  it.each(functions)('%s throws only TicketErrors', async (name, fn) => {
    for (const args of WRONG) {
      try {
        // Promise-returning helpers must reject with a TicketError too.
        await fn(...args);
      } catch (error) {
        expect(ticketry.TicketError.is(error), `${name}(${args.map((a) => JSON.stringify(a)).join(', ')}) threw ${String(error)}`).toBe(true);
      }
    }
  });
});
