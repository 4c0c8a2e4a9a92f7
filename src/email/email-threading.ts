/**
 * What makes a mail thread in the customer's client and come back to its ticket: the
 * number token in the subject (`Re: [TKT-42] Router reboots`) and the Message-ID headers.
 * Every mail about a ticket answers the ticket's root id (`threadMessageId`), so any reply
 * carries it in `References` and `ingestEmail` finds the ticket from the id alone; each
 * mail's own id names the message or event it is about, so the same event always gives
 * the same id and a resend after a crash is recognisable as the same mail.
 */
import type { TicketEvent } from '../events/event-types.js';
import type { EmailRecipient } from './email-recipients.js';
import { partMessageId, threadMessageId } from './message-ids.js';

/** The Message-ID headers of one mail, with angle brackets. */
export interface MailThreading {
  messageId: string;
  inReplyTo: string;
  references: string[];
}

/**
 * `subject` with the number token: kept where the template put it, else after a leading
 * `Re:` (where clients expect a reply's prefix), else in front. Line breaks and control
 * characters become spaces, so a subject can never add a header.
 */
export function subjectWithToken(subject: string, number: string): string {
  const clean = subject.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/ {2,}/g, ' ').trim();
  const token = `[${number}]`;
  if (clean.includes(token)) return clean;
  const reply = /^re:\s*/i.exec(clean);
  if (reply) return `Re: ${token} ${clean.slice(reply[0].length)}`.trimEnd();
  return `${token} ${clean}`.trimEnd();
}

// A stored incoming id goes back in brackets; one stored as its hash cannot.
const bracketed = (id: string | undefined | null): string | null =>
  id && !id.startsWith('sha256:') && !/[\s<>]/.test(id) ? `<${id}>` : null;

/** The Message-ID headers of the mail `event` sends `recipient`. */
export function mailThreading(event: TicketEvent, recipient: EmailRecipient, domain: string): MailThreading {
  const ticketId = event.ticket.id;
  const root = threadMessageId(ticketId, domain);
  const message = 'message' in event ? event.message : null;
  // The customer gets one mail per message or event; staff one each, so each person's
  // copy has its own id.
  const part = recipient.audience === 'customer' ? (message?.id ?? event.eventId) : `${event.eventId}:${recipient.id}`;
  const messageId = partMessageId(ticketId, part, domain);
  // An acknowledgement answers the customer's own mail when the ticket came by email, so
  // it threads under what they sent.
  const answered = recipient.acknowledgement ? bracketed(message?.email?.messageId) : null;
  return answered
    ? { messageId, inReplyTo: answered, references: [root, answered] }
    : { messageId, inReplyTo: root, references: [root] };
}
