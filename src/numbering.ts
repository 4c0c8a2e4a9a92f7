/**
 * Ticket number formats: `TKT-{seq}`, `TKT-{yyyy}-{seq}`, `TK-{seq:6}`. The sequence is
 * gapless per tenant, and per year when the format contains `{yyyy}`.
 */

/** A parsed number format. */
export interface NumberFormat {
  /** Whether the sequence restarts every (UTC) year. */
  yearly: boolean;
  /** Formats sequence `seq` allocated at `at`. */
  format(seq: number, at: Date): string;
  /** The counter key for a ticket created at `at`: `''`, or the year for yearly formats. */
  counterKey(at: Date): string;
}

const TOKEN = /\{(seq(?::(\d{1,2}))?|yyyy)\}/g;

/** Parses a format string; throws an `Error` with a readable message when it is invalid. */
export function parseNumberFormat(template: string): NumberFormat {
  let seqCount = 0;
  let yearly = false;
  for (const m of template.matchAll(TOKEN)) {
    if (m[1] === 'yyyy') yearly = true;
    else seqCount += 1;
  }
  if (seqCount !== 1) {
    throw new Error(`number format must contain {seq} (or {seq:N}) exactly once, got "${template}"`);
  }
  const rest = template.replace(TOKEN, '');
  if (/[{}]/.test(rest)) {
    throw new Error(`number format has an unknown placeholder: "${template}" (use {seq}, {seq:N}, {yyyy})`);
  }
  return {
    yearly,
    counterKey: (at) => (yearly ? String(at.getUTCFullYear()) : ''),
    format: (seq, at) =>
      template.replace(TOKEN, (_all, token: string, width: string | undefined) =>
        token === 'yyyy' ? String(at.getUTCFullYear()) : String(seq).padStart(Number(width ?? 0), '0'),
      ),
  };
}
