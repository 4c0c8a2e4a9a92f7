/**
 * FIX's checks for requests-FUZZ2.md #3-#5 that need no database: MariaDB's reading of
 * instants in the years 1-99, `ingestEmail`'s `receivedAt` range, and `config.numberFormat`
 * without NUL, control characters or lone surrogates. (The cross-store cases are in
 * test/fuzz/fuzz-regressions.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../adapters/memory/index.js';
import { mysqlHooks } from '../../adapters/mysql/mysql-hooks.js';
import { TicketError } from '../../src/errors.js';
import { createTicketService } from '../../src/index.js';
import { ALL, operator } from '../../src/testing/harness.js';

const ISO = [
  '0001-01-01T00:00:00.000Z',
  '0009-06-15T12:34:56.789Z',
  '0099-12-31T23:59:59.999Z',
  '0100-01-01T00:00:00.000Z',
  '1900-01-01T00:00:00.000Z',
  '1999-12-31T23:59:59.999Z',
  '2026-03-02T10:00:00.123Z',
  '9999-12-31T23:59:59.999Z',
];

describe('MySQL/MariaDB dates of the years 1-99 (requests-FUZZ2.md #3)', () => {
  it("a 'YYYY-MM-DD HH:MM:SS.fff' string (dateStrings pools) is read as that UTC instant, not 1900 years later", () => {
    const hooks = mysqlHooks({ driverDates: 'string' });
    for (const iso of ISO) {
      const text = iso.replace('T', ' ').replace('Z', '');
      expect((hooks.fromDate(text) as Date).toISOString(), text).toBe(iso);
    }
  });

  it("a Date mysql2 built from the wall clock in the local zone (the default) is read as that UTC instant", () => {
    const hooks = mysqlHooks();
    for (const iso of ISO) {
      const u = new Date(iso);
      // What mysql2 hands over: the stored UTC wall clock read as local time; for the years
      // 0-99 through the string constructor, i.e. without Date's mapping to 1900-1999.
      const local = new Date(2000, 0, 1);
      local.setFullYear(u.getUTCFullYear(), u.getUTCMonth(), u.getUTCDate());
      local.setHours(u.getUTCHours(), u.getUTCMinutes(), u.getUTCSeconds(), u.getUTCMilliseconds());
      expect((hooks.fromDate(local) as Date).toISOString(), iso).toBe(iso);
    }
  });
});

async function refusal(call: () => unknown): Promise<TicketError> {
  try {
    await call();
  } catch (err) {
    expect(TicketError.is(err), String((err as Error)?.stack ?? err)).toBe(true);
    return err as TicketError;
  }
  throw new Error('expected a TicketError, but the call succeeded');
}

const MAIL =
  'From: someone@example.com\r\nTo: support@example.com\r\nSubject: Help\r\nMessage-ID: <fix-1@example.com>\r\n\r\nBody\r\n';

describe('ingestEmail receivedAt (requests-FUZZ2.md #4)', () => {
  const desk = (store = memoryStore()) =>
    createTicketService({ store, tenantId: 't-fix', config: { email: { address: 'support@example.com', unknownSenders: 'guest' } } });

  it('outside the years 1-9999 is a validation error naming options.receivedAt, before anything is read', async () => {
    for (const at of [new Date(253402300800000), new Date(8.64e15), new Date(-8.64e15), new Date('0000-12-31T23:59:59.999Z')]) {
      const err = await refusal(() => desk().ingestEmail(MAIL, { receivedAt: at }));
      expect([err.code, err.params.field], at.toISOString()).toEqual(['validation', 'options.receivedAt']);
      expect(err.message).toMatch(/between the years 1 and 9999/);
    }
  });

  it('the first and last instants are recorded as the time the mail came in', async () => {
    for (const iso of ['0001-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z']) {
      const store = memoryStore();
      const r = await desk(store).ingestEmail(MAIL, { receivedAt: new Date(iso) });
      expect(r.outcome, JSON.stringify(r)).toBe('created');
      const [recorded] = await store.findEmailMessages('t-fix', ['fix-1@example.com']);
      expect(recorded?.createdAt.toISOString()).toBe(iso);
    }
  });
});

describe('config.numberFormat (requests-FUZZ2.md #5)', () => {
  it('with a NUL, another control character or a lone surrogate is a config error naming numberFormat', async () => {
    for (const numberFormat of ['T\u0000-{seq}', 'T\t-{seq}', 'T\n{seq}', 'T\u007f-{seq}', 'T\uD800-{seq}', '{seq}\uDC00']) {
      const err = await refusal(() => createTicketService({ store: memoryStore(), config: { numberFormat } }));
      expect(err.code, JSON.stringify(numberFormat)).toBe('config');
      expect(String(err.params.field ?? err.message), JSON.stringify(numberFormat)).toMatch(/numberFormat/);
    }
  });

  it('well-formed text outside ASCII is still a number format', async () => {
    for (const [numberFormat, number] of [
      ['Т-{seq}', 'Т-1'],
      ['T\u{1F600}-{seq}', 'T\u{1F600}-1'],
      ['TKT-{seq}', 'TKT-1'],
    ] as const) {
      const desk = createTicketService({ store: memoryStore(), config: { numberFormat } });
      const t = await desk.create(operator(ALL), { subject: 's', body: 'b', subscriberId: 'sub-1' });
      expect(t.number).toBe(number);
      expect((await desk.get(operator(ALL), number)).ticket.id).toBe(t.id);
    }
  });
});
