/**
 * A staff actor's `permissions` that is not an array of permission names is a validation
 * error, and the caller's value is left as it was: zod's `.readonly()` froze the caller's
 * own value before failing (and threw a TypeError on a non-empty typed array, which
 * cannot be frozen). Found by the service fuzz (issue 14).
 */
import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../adapters/memory/index.js';
import { TicketError } from '../../src/errors.js';
import { createTicketService } from '../../src/index.js';

describe('actor permissions', () => {
  it('a typed array, an object or a string as permissions is a validation error, and the value is not frozen', async () => {
    const desk = createTicketService({ store: memoryStore() });
    for (const permissions of [new Uint8Array([1]), Buffer.from('ab'), { a: 1 }, 'tickets.view']) {
      const error = await desk.list({ kind: 'staff', id: 'x', permissions } as never).catch((e: unknown) => e);
      expect(TicketError.is(error, 'validation'), String(error)).toBe(true);
      if (typeof permissions === 'object') expect(Object.isFrozen(permissions)).toBe(false);
    }
  });

  it('parsed permissions are a frozen copy; the caller keeps an unfrozen array', async () => {
    const desk = createTicketService({ store: memoryStore() });
    const permissions = ['tickets.view'];
    await desk.list({ kind: 'staff', id: 'x', permissions } as never);
    expect(Object.isFrozen(permissions)).toBe(false);
  });
});
