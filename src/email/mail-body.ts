/**
 * The thread message a mail's text becomes: for a reply, trimmed of quoted history and
 * signature; cut to `config.maxBodyLength` with a visible note rather than refused (a mail
 * cannot be sent back to be shortened); the text as it came kept for staff in
 * `message.email.fullText`, up to four times that length.
 */
import { cutAt } from './mail-subject.js';
import { trimQuotes } from './trim-quotes.js';

/** The body of a message from a mail with no text (only attachments, say). */
export const NO_TEXT = '(no text)';
/** `fullText` keeps at most this many times `maxBodyLength` characters. */
export const FULL_TEXT_FACTOR = 4;

/** The body, and the text before trimming and cutting (`null` when nothing was trimmed or cut). */
export interface MailBody {
  body: string;
  fullText: string | null;
}

/**
 * @param text The mail's text (the text part, or its HTML as text).
 * @param o `reply`: the mail joins a ticket (its quoted history is trimmed); `maxLength`:
 *   `config.maxBodyLength`.
 */
export function mailBody(text: string, o: { reply: boolean; maxLength: number }): MailBody {
  const clean = text
    .replace(/\r\n?/g, '\n')
    // Control characters (NUL above all, which no store keeps) are not text a person wrote.
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
    // trimEnd(), not .replace(/\s+$/, ''), which is quadratic in a run of white space
    // that does not reach the end (a mail of spaces and one letter took seconds).
    .trimEnd()
    .replace(/^\s*\n/, '');
  const { text: trimmed, trimmed: wasTrimmed } = o.reply ? trimQuotes(clean) : { text: clean, trimmed: false };
  const body = trimmed.trim() === '' ? NO_TEXT : cut(trimmed, o.maxLength);
  const wasCut = body !== NO_TEXT && body.length !== trimmed.length;
  return {
    body,
    fullText: wasTrimmed || wasCut ? cut(clean, FULL_TEXT_FACTOR * o.maxLength) : null,
  };
}

/** `text`, or its beginning with a note saying it was cut, in at most `max` characters. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = `\n\n[… cut: the mail's text is ${text.length} characters, more than the ${max} a message holds]`;
  // A limit too small for the note gets the text alone.
  if (note.length >= max) return cutAt(text, max);
  return cutAt(text, max - note.length) + note;
}
