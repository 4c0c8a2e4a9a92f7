import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { DEFAULT_CALENDAR } from '../../src/sla/calendar.js';
import type { Calendar } from '../../src/sla/calendar.js';
import { dueAt, durationSchema, resolveDuration } from '../../src/sla/duration.js';
import type { Duration } from '../../src/sla/duration.js';

describe('durationSchema', () => {
  it.each<Duration>([{ minutes: 1 }, { hours: 0.5 }, { businessMinutes: 90 }, { businessHours: 4 }, { businessDays: 3 }])('accepts %j', (d) => {
    expect(durationSchema().parse(d)).toEqual(d);
  });

  it.each<[unknown, RegExp]>([
    [{}, /one of/],
    [{ hours: 4, minutes: 30 }, /one of/],
    [{ days: 1 }, /one of/],
    [{ hours: 0 }, /^a duration must be greater than 0$/],
    [{ businessDays: -1 }, /^a duration must be greater than 0$/],
    [{ hours: Number.POSITIVE_INFINITY }, /one of/],
    [{ hours: Number.NaN }, /one of/],
    [{ hours: '4' }, /one of/],
    [4, /one of/],
    [null, /one of/],
  ])('rejects %j', (d, message) => {
    const result = durationSchema().safeParse(d);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(message);
  });
});

describe('resolveDuration', () => {
  it('converts to minutes and says whether they are business minutes', () => {
    expect(resolveDuration({ minutes: 90 })).toEqual({ minutes: 90, business: false });
    expect(resolveDuration({ hours: 4 })).toEqual({ minutes: 240, business: false });
    expect(resolveDuration({ businessMinutes: 45 })).toEqual({ minutes: 45, business: true });
    expect(resolveDuration({ businessHours: 1.5 })).toEqual({ minutes: 90, business: true });
    expect(resolveDuration({ businessDays: 3 })).toEqual({ minutes: 3 * 8 * 60, business: true });
    expect(resolveDuration({ businessDays: 1 }, 7.5)).toEqual({ minutes: 450, business: true });
    expect(resolveDuration({ businessDays: 2 }, 24)).toEqual({ minutes: 2880, business: true });
  });

  it('rejects a bad duration or hoursPerDay with ConfigError', () => {
    expect(() => resolveDuration({ hours: 1, minutes: 5 } as unknown as Duration)).toThrow(ConfigError);
    expect(() => resolveDuration({ businessDays: 0 })).toThrow(ConfigError);
    for (const h of [0, -8, 25, Number.NaN]) {
      try {
        resolveDuration({ businessDays: 1 }, h);
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        expect((err as ConfigError).params.field).toBe('sla.hoursPerDay');
      }
    }
  });
});

describe('dueAt', () => {
  const friday4pm = new Date('2024-03-01T16:00:00Z');
  it('counts calendar time around the clock, whatever the calendar', () => {
    expect(dueAt(DEFAULT_CALENDAR, friday4pm, { hours: 4 }).toISOString()).toBe('2024-03-01T20:00:00.000Z');
    expect(dueAt(DEFAULT_CALENDAR, friday4pm, { minutes: 0.5 }).toISOString()).toBe('2024-03-01T16:00:30.000Z');
    const berlin: Calendar = { timeZone: 'Europe/Berlin', week: { mon: [['09:00', '17:00']] } };
    // Calendar time ignores DST too: 24 h from Sat 30 Mar 12:00Z is Sun 31 Mar 12:00Z (a 23-hour local day).
    expect(dueAt(berlin, new Date('2024-03-30T12:00:00Z'), { hours: 24 }).toISOString()).toBe('2024-03-31T12:00:00.000Z');
  });
  it('counts business time on the calendar', () => {
    expect(dueAt(DEFAULT_CALENDAR, friday4pm, { businessHours: 4 }).toISOString()).toBe('2024-03-04T12:00:00.000Z');
    expect(dueAt(DEFAULT_CALENDAR, friday4pm, { businessDays: 1 }).toISOString()).toBe('2024-03-04T16:00:00.000Z');
    expect(dueAt(DEFAULT_CALENDAR, friday4pm, { businessDays: 1 }, 4).toISOString()).toBe('2024-03-04T12:00:00.000Z');
    expect(dueAt(DEFAULT_CALENDAR, friday4pm, { businessMinutes: 61 }).toISOString()).toBe('2024-03-04T09:01:00.000Z');
  });
});
