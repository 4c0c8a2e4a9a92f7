import { describe, expect, it } from 'vitest';
import { parseNumberFormat } from '../../src/numbering.js';

describe('number formats', () => {
  const at = new Date('2026-05-01T00:00:00Z');
  it('formats the sequence, zero-padded widths and the year', () => {
    expect(parseNumberFormat('TKT-{seq}').format(42, at)).toBe('TKT-42');
    expect(parseNumberFormat('TK-{seq:6}').format(42, at)).toBe('TK-000042');
    expect(parseNumberFormat('TKT-{yyyy}-{seq:4}').format(42, at)).toBe('TKT-2026-0042');
    expect(parseNumberFormat('TK-{seq:2}').format(12345, at)).toBe('TK-12345');
  });
  it('keys the counter by year only for yearly formats', () => {
    expect(parseNumberFormat('TKT-{seq}').counterKey(at)).toBe('');
    expect(parseNumberFormat('{yyyy}/{seq}').counterKey(at)).toBe('2026');
    expect(parseNumberFormat('{yyyy}/{seq}').counterKey(new Date('2026-12-31T23:59:59.999Z'))).toBe('2026');
  });
  it('rejects formats without exactly one sequence or with unknown placeholders', () => {
    expect(() => parseNumberFormat('TKT')).toThrow(/\{seq\}/);
    expect(() => parseNumberFormat('{seq}-{seq}')).toThrow(/exactly once/);
    expect(() => parseNumberFormat('T-{id}-{seq}')).toThrow(/unknown placeholder/);
  });
});
