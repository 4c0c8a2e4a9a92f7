/**
 * A mail's subject: the ticket number tokens in it (`[TKT-42]`, as `emailFor` writes them)
 * and the subject a new ticket gets from it.
 */
import type { NumberFormat } from '../numbering.js';

/** The subject of a ticket opened by a mail without one. */
export const NO_SUBJECT = '(no subject)';
/** A subject's longest length (`subjectSchema`). */
const MAX_SUBJECT_LENGTH = 255;
/** How many tokens are looked at: the first few (a long chain of forwards carries many). */
const MAX_TOKENS = 5;

const BRACKETED = /\[([^[\]\s]{1,60})\]/g;

/** The ticket numbers in `[…]` tokens of `subject`, as the format spells them, first first, each once. */
export function numberTokens(subject: string, numbers: NumberFormat): string[] {
  const found: string[] = [];
  for (const m of subject.slice(0, 4096).matchAll(BRACKETED)) {
    const number = numbers.canonical(m[1]!);
    if (number !== null && !found.includes(number)) found.push(number);
    if (found.length === MAX_TOKENS) break;
  }
  return found;
}

/**
 * The subject of a ticket a mail opens: control characters and ticket number tokens
 * removed (a token of another ticket in a new one would thread its replies there), white
 * space collapsed, at most 255 characters; `(no subject)` when nothing is left.
 */
export function ticketSubject(subject: string, numbers: NumberFormat): string {
  const cleaned = subject
    .slice(0, 4 * MAX_SUBJECT_LENGTH)
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ')
    .replace(BRACKETED, (token, inner: string) => (numbers.canonical(inner) === null ? token : ' '))
    .replace(/\s+/g, ' ')
    .trim();
  if (cleaned === '') return NO_SUBJECT;
  return cutAt(cleaned, MAX_SUBJECT_LENGTH).trim();
}

/** `text` cut to at most `max` UTF-16 units, never between the halves of a surrogate pair. */
export function cutAt(text: string, max: number): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}
