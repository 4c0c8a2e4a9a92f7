/**
 * Mail no person wrote: auto-replies (out of office, vacation, "we got your message"),
 * list and bulk mail, and bounces. Such mail never opens or reopens a ticket, and so never
 * makes ticketry answer a machine that answers back (a mail loop).
 *
 * Looked at (RFC 3834, RFC 3464 and the headers mail systems actually send):
 * - `Auto-Submitted` with any value but `no`;
 * - `Precedence: bulk | junk | list | auto_reply`;
 * - `X-Autoreply`, `X-Autorespond`, `X-Autoresponder` (any value), and Microsoft's
 *   `X-Auto-Response-Suppress` naming `All`, `OOF` or `AutoReply` (what Exchange puts on
 *   its own automatic mail);
 * - an empty `Return-Path: <>` (the null sender automatic mail is sent with);
 * - bounces: a sender `mailer-daemon@…` or `postmaster@…`, `X-Failed-Recipients`, or a
 *   `multipart/report` of `delivery-status` (a DSN); other reports (read receipts) are
 *   auto-replies.
 * `List-Id` alone is not enough: a support address that is itself a group (Google
 * Groups, a mailing list alias) adds it to every mail customers send.
 */
import type { IngestReason } from './email-types.js';
import type { ParsedMail } from './parse-mail.js';

/** Why `mail` is automatic, or `null` when a person wrote it (as far as its headers tell). */
export function automaticMail(mail: Pick<ParsedMail, 'header' | 'contentType' | 'from'>): Extract<IngestReason, 'auto_reply' | 'bounce'> | null {
  if (isBounce(mail)) return 'bounce';
  const first = (name: string) => mail.header(name)[0]?.trim().toLowerCase();

  const autoSubmitted = first('auto-submitted');
  // "no" may carry parameters: `no; comment`.
  if (autoSubmitted !== undefined && autoSubmitted !== '' && !/^no\b/.test(autoSubmitted)) return 'auto_reply';
  const precedence = first('precedence');
  if (precedence !== undefined && /^(bulk|junk|list|auto_reply)\b/.test(precedence)) return 'auto_reply';
  for (const name of ['x-autoreply', 'x-autorespond', 'x-autoresponder']) {
    if (mail.header(name).length > 0) return 'auto_reply';
  }
  const suppress = mail.header('x-auto-response-suppress').join(',').toLowerCase();
  if (/\b(all|oof|autoreply)\b/.test(suppress)) return 'auto_reply';
  if (mail.header('return-path').some((value) => /^<\s*>$/.test(value.trim()))) return 'auto_reply';
  if (mail.contentType.value === 'multipart/report') return 'auto_reply';
  return null;
}

function isBounce(mail: Pick<ParsedMail, 'header' | 'contentType' | 'from'>): boolean {
  const local = mail.from?.address.slice(0, mail.from.address.lastIndexOf('@'));
  if (local === 'mailer-daemon' || local === 'postmaster') return true;
  if (mail.header('x-failed-recipients').length > 0) return true;
  return (
    mail.contentType.value === 'multipart/report' &&
    (mail.contentType.params['report-type'] ?? '').toLowerCase() === 'delivery-status'
  );
}
