/**
 * Timestamp parsers for PGlite. Its default parser hands Postgres's text
 * (`0001-01-01 00:00:00+00`) to `new Date()`, whose fallback parser reads the years 1 to
 * 99 as 2001 to 2099 (and other non-ISO quirks); written as ISO 8601 first, every year
 * ticketry stores (1 to 9999) comes back as itself. node-postgres parses these itself and
 * needs nothing. Pass to `PGlite.create({ parsers: PGLITE_TIMESTAMP_PARSERS })`.
 */

const TIMESTAMPTZ = 1184;
const TIMESTAMP = 1114;

/** `YYYY-MM-DD HH:MM:SS[.f][+HH[:MM]]` as `YYYY-MM-DDTHH:MM:SS[.f]±HH:MM` (UTC when no offset). */
export function parsePgTimestamp(text: string): Date {
  const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)(?:([+-]\d\d)(?::?(\d\d))?)?$/.exec(text);
  if (m === null) return new Date(text);
  const [, y, mo, d, time, zone, zoneMinutes] = m;
  return new Date(`${y}-${mo}-${d}T${time}${zone === undefined ? 'Z' : `${zone}:${zoneMinutes ?? '00'}`}`);
}

export const PGLITE_TIMESTAMP_PARSERS: Record<number, (text: string) => Date> = {
  [TIMESTAMPTZ]: parsePgTimestamp,
  [TIMESTAMP]: parsePgTimestamp,
};
