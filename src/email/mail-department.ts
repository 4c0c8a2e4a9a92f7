/**
 * The department a new mail was sent to (seed 004: "send an email directly to the
 * department"): the first of its recipient addresses — the envelope's `Delivered-To` /
 * `X-Original-To` first, as the mail server saw it, then `To`, then `Cc` — that a
 * department lists in `config.departments[].emails`.
 */
import type { TicketConfig } from '../config.js';
import type { ParsedMail } from './parse-mail.js';

const RECIPIENT_HEADERS = ['delivered-to', 'x-original-to', 'to', 'cc'] as const;
/** Bare addresses inside a header value (display names and brackets around them are skipped). */
const ADDRESS = /[^\s<>,;:"()[\]]+@[^\s<>,;:"()[\]]+/g;
/** A hostile header may list thousands of addresses; the first ones are what a person wrote. */
const MAX_ADDRESSES = 100;

/** The id of the department `mail` was addressed to, or `null`. */
export function mailDepartment(config: TicketConfig, mail: Pick<ParsedMail, 'header'>): string | null {
  const byAddress = new Map<string, string>();
  for (const department of config.departments) {
    for (const address of department.emails ?? []) byAddress.set(address, department.id);
  }
  if (byAddress.size === 0) return null;
  let seen = 0;
  for (const name of RECIPIENT_HEADERS) {
    for (const value of mail.header(name)) {
      for (const match of value.matchAll(ADDRESS)) {
        const department = byAddress.get(match[0].toLowerCase());
        if (department !== undefined) return department;
        if (++seen >= MAX_ADDRESSES) return null;
      }
    }
  }
  return null;
}
