/**
 * Instants are refused outside the years 1 to 9999, naming the field: Postgres refused
 * earlier years with its own text, MariaDB later ones, and MariaDB answered a list from a
 * later year with every ticket (found by the model-based test, issue 14). The edges
 * themselves are accepted.
 */
import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../adapters/memory/index.js';
import { TicketError } from '../../src/errors.js';
import { createTicketService } from '../../src/index.js';

const operator = { kind: 'staff', id: 'op', permissions: ['tickets.view', 'tickets.view_all', 'tickets.edit'] } as const;

describe('instant range', () => {
  it('refuses instants before the year 1 or after 9999 in lists and deadlines, naming the field; accepts the edges', async () => {
    const desk = createTicketService({ store: memoryStore() });
    const ticket = await desk.create({ kind: 'customer', id: 'c1' }, { subject: 's', body: 'b' });
    for (const at of [new Date(8.64e15), new Date(-8.64e15), '0000-12-31T23:59:59.999Z', '+010000-01-01T00:00:00.000Z']) {
      const listed = await desk.list(operator, { createdFrom: at as Date }).catch((e: unknown) => e);
      expect(TicketError.is(listed, 'validation') && listed.field, String(at)).toBe('createdFrom');
    }
    const far = await desk.update(operator, ticket.id, { deadlineAt: new Date(8.64e15) }).catch((e: unknown) => e);
    expect(TicketError.is(far, 'validation'), String(far)).toBe(true);
    expect((await desk.list(operator, { createdFrom: new Date('0001-01-01T00:00:00.000Z') })).items).toHaveLength(1);
    expect((await desk.list(operator, { createdFrom: new Date('9999-12-31T23:59:59.999Z') })).items).toHaveLength(0);
  });
});
