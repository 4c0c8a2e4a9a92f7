import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config.js';
import { ConfigError } from '../../src/errors.js';
import { EMPTY_SLA, SlaClock } from '../../src/sla/sla-clock.js';

const NOW = new Date('2026-03-02T10:00:00Z'); // a Monday
const ticket = (priority: string) => ({
  priority,
  status: 'open' as const,
  department: null,
  createdAt: NOW,
  firstResponseAt: null,
  deadlineAt: null,
  sla: EMPTY_SLA,
});

describe('SLA clock: resolved durations', () => {
  it('follows a target duration the config changes in place, and still refuses an invalid one', () => {
    const config = resolveConfig({ sla: { targets: { high: { firstResponse: { hours: 4 } } } } });
    const clock = new SlaClock(config);
    const due = () => clock.compute(null, ticket('high'), NOW).firstResponseDueAt?.toISOString();
    expect(due()).toBe('2026-03-02T14:00:00.000Z');
    expect(due()).toBe('2026-03-02T14:00:00.000Z');
    const duration = config.sla.targets.high!.firstResponse as { hours: number };
    duration.hours = 2;
    expect(due()).toBe('2026-03-02T12:00:00.000Z');
    (duration as Record<string, unknown>).hours = -1;
    expect(due).toThrow(ConfigError);
  });
});
