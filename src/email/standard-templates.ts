/**
 * ticketry's own templates, built from each language's phrase book. What mails whom by
 * default, after the reference systems (seed 000: the customer hears of a staff reply,
 * the assignee of a customer reply; seed 002: the addressee hears of every new ticket):
 *
 * | event | customer | staff |
 * | --- | --- | --- |
 * | `ticket.created` | acknowledgement, or "opened for you" with the message | the assignee, else the department's queue |
 * | `ticket.replied` | a public staff reply, with its text | a customer's reply, to the assignee (else the queue) |
 * | `ticket.status_changed` | resolved, closed (not closed after resolved: they were told) | — |
 * | `ticket.assigned` | — | the new assignee |
 * | `sla.warning`, `sla.breached` | — | the assignee, else the queue |
 *
 * Every other event sends nothing unless the host adds a template.
 */
import type { TicketEventType } from '../events/event-types.js';
import { renderEmailBody, type EmailBlock } from './email-body.js';
import type { EmailPhrases } from './email-phrases.js';
import type { CustomerTemplateInput, EmailTemplateInput, RenderedEmail, StaffTemplateInput } from './email-types.js';
import { en } from './templates/en.js';
import { es } from './templates/es.js';
import { ru } from './templates/ru.js';

/** A template of ticketry's own: synchronous, so an override can call it through `input.standard()`. */
export type StandardTemplate = (input: EmailTemplateInput) => RenderedEmail | null;

type Link = Pick<EmailTemplateInput, 'url'>;

function link(p: EmailPhrases, input: Link): EmailBlock[] {
  return input.url ? [{ kind: 'link', label: p.viewTicket, url: input.url }] : [];
}

function mail(subject: string, blocks: EmailBlock[], language: string): RenderedEmail {
  return { subject, ...renderEmailBody(blocks, language) };
}

function customerMail(p: EmailPhrases, input: CustomerTemplateInput, subject: string, blocks: EmailBlock[]): RenderedEmail {
  return mail(
    subject,
    [
      { kind: 'paragraph', text: p.greeting(input.recipientName) },
      ...blocks,
      ...link(p, input),
      { kind: 'note', text: p.customerReplyNote(input.number) },
    ],
    input.language,
  );
}

function staffMail(p: EmailPhrases, input: StaffTemplateInput, subject: string, blocks: EmailBlock[]): RenderedEmail {
  return mail(subject, [...blocks, ...link(p, input), { kind: 'note', text: p.staffReplyNote }], input.language);
}

function formatDate(p: EmailPhrases, value: unknown): string {
  const date = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(date.getTime())) return String(value);
  const text = new Intl.DateTimeFormat(p.locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(date);
  return `${text} UTC`;
}

function created(p: EmailPhrases, input: EmailTemplateInput): RenderedEmail | null {
  if (input.audience === 'customer') {
    const { message } = input;
    if (input.acknowledgement) {
      const quoted: EmailBlock[] = message
        ? [{ kind: 'message', author: p.created.yourMessage, text: message.body, html: message.html }]
        : [];
      return customerMail(p, input, input.subject, [{ kind: 'paragraph', text: p.created.acknowledgement(input.number) }, ...quoted]);
    }
    const shown: EmailBlock[] = message ? [{ kind: 'message', author: message.authorName, text: message.body, html: message.html }] : [];
    return customerMail(p, input, input.subject, [{ kind: 'paragraph', text: p.created.openedForYou(input.number) }, ...shown]);
  }
  const from = input.message?.authorName ?? null;
  const intro = input.queue ? p.created.toQueue(input.number, from) : p.created.toAssignee(input.number, from);
  const shown: EmailBlock[] = input.message
    ? [{ kind: 'message', author: input.message.authorName, text: input.message.body, html: input.message.html }]
    : [];
  return staffMail(p, input, input.subject, [
    { kind: 'paragraph', text: `${intro} ${p.details(input.ticket.priority, input.ticket.category)}` },
    ...shown,
  ]);
}

function replied(p: EmailPhrases, input: EmailTemplateInput): RenderedEmail | null {
  const { message } = input;
  if (!message) return null;
  if (input.audience === 'customer') {
    if (message.authorType !== 'staff') return null;
    return customerMail(p, input, `Re: ${input.subject}`, [
      { kind: 'paragraph', text: p.replied.toCustomer(input.number) },
      { kind: 'message', author: message.authorName, text: message.body, html: message.html },
    ]);
  }
  // Staff hear of the customer's replies; a colleague's reply or note is theirs to read in the desk.
  if (message.authorType !== 'customer') return null;
  return staffMail(p, input, `Re: ${input.subject}`, [
    { kind: 'paragraph', text: p.replied.toStaff(input.number, message.authorName) },
    { kind: 'message', author: message.authorName, text: message.body, html: message.html },
  ]);
}

function statusChanged(p: EmailPhrases, input: EmailTemplateInput): RenderedEmail | null {
  if (input.audience !== 'customer' || !input.status) return null;
  const { from, to } = input.status;
  if (to === 'resolved') {
    return customerMail(p, input, `Re: ${input.subject}`, [{ kind: 'paragraph', text: p.status.resolved(input.number) }]);
  }
  // Closing a resolved ticket (by the customer, or by the system after a quiet while) tells them nothing new.
  if (to === 'closed' && from !== 'resolved') {
    return customerMail(p, input, `Re: ${input.subject}`, [{ kind: 'paragraph', text: p.status.closed(input.number) }]);
  }
  return null;
}

function assigned(p: EmailPhrases, input: EmailTemplateInput): RenderedEmail | null {
  if (input.audience !== 'staff' || input.queue) return null;
  const by = input.event.actor.kind === 'staff' ? (input.event.actor.name ?? null) : null;
  return staffMail(p, input, `${p.assigned.subject}: ${input.subject}`, [
    { kind: 'paragraph', text: `${p.assigned.text(input.number, by)} ${p.details(input.ticket.priority, input.ticket.category)}` },
  ]);
}

function slaAlert(p: EmailPhrases, input: EmailTemplateInput): RenderedEmail | null {
  if (input.audience !== 'staff') return null;
  const { event } = input;
  if (event.type !== 'sla.warning' && event.type !== 'sla.breached') return null;
  const due = formatDate(p, event.dueAt);
  const warning = event.type === 'sla.warning';
  const subject = `${warning ? p.sla.warningSubject : p.sla.breachedSubject}: ${input.subject}`;
  const text = warning ? p.sla.warning(input.number, event.target, due) : p.sla.breached(input.number, event.target, due);
  return staffMail(p, input, subject, [{ kind: 'paragraph', text }]);
}

/** ticketry's templates in the language of `phrases`. */
export function standardTemplates(phrases: EmailPhrases): Partial<Record<TicketEventType, StandardTemplate>> {
  return {
    'ticket.created': (input) => created(phrases, input),
    'ticket.replied': (input) => replied(phrases, input),
    'ticket.status_changed': (input) => statusChanged(phrases, input),
    'ticket.assigned': (input) => assigned(phrases, input),
    'sla.warning': (input) => slaAlert(phrases, input),
    'sla.breached': (input) => slaAlert(phrases, input),
  };
}

/** ticketry's own templates by language. */
export const STANDARD_TEMPLATES: Readonly<Record<string, Partial<Record<TicketEventType, StandardTemplate>>>> = {
  en: standardTemplates(en),
  es: standardTemplates(es),
  ru: standardTemplates(ru),
};
