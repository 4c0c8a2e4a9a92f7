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
  /**
   * `ref` spelled the way this format spells numbers (`tkt-2026-0001` -> `TKT-2026-0001`),
   * or `null` when `ref` is not a number of this format in any letter case.
   */
  canonical(ref: string): string | null;
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
  // The template's literal text, with each placeholder as a digit group.
  const literals = template.split(TOKEN).filter((_, i) => i % 3 === 0);
  const digits = [...template.matchAll(TOKEN)].map((m) => (m[1] === 'yyyy' ? '(\\d{4})' : '(\\d+)'));
  const pattern = new RegExp(
    `^${literals.map((l, i) => escapeRegExp(l) + (digits[i] ?? '')).join('')}$`,
    'i',
  );
  return {
    yearly,
    canonical: (ref) => {
      const m = pattern.exec(ref);
      return m ? literals.map((l, i) => l + (m[i + 1] ?? '')).join('') : null;
    },
    counterKey: (at) => (yearly ? String(at.getUTCFullYear()) : ''),
    format: (seq, at) =>
      template.replace(TOKEN, (_all, token: string, width: string | undefined) =>
        token === 'yyyy' ? String(at.getUTCFullYear()) : String(seq).padStart(Number(width ?? 0), '0'),
      ),
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
