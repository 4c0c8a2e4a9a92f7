/**
 * ticketry's own mails in English (the default language).
 */
import type { EmailPhrases, SlaTarget } from '../email-phrases.js';

const target = (t: SlaTarget) => (t === 'firstResponse' ? 'first response' : 'resolution');

export const en: EmailPhrases = {
  locale: 'en-GB',
  greeting: (name) => (name ? `Hello ${name},` : 'Hello,'),
  viewTicket: 'View the ticket',
  customerReplyNote: (number) => `Reply to this email to answer; please keep [${number}] in the subject.`,
  staffReplyNote: 'This is a notification: answer in the help desk, not by replying to this email.',
  details: (priority, category) => `Priority: ${priority}, category: ${category}.`,
  created: {
    acknowledgement: (number) =>
      `We have received your request and opened ticket ${number}. We will answer as soon as we can.`,
    yourMessage: 'Your message',
    openedForYou: (number) => `We have opened ticket ${number} for you.`,
    toAssignee: (number, from) => `New ticket ${number}${from ? ` from ${from}` : ''}, assigned to you.`,
    toQueue: (number, from) => `New ticket ${number}${from ? ` from ${from}` : ''} in your department's queue.`,
  },
  replied: {
    toCustomer: (number) => `There is a new reply to your ticket ${number}.`,
    toStaff: (number, from) => `${from ?? 'The customer'} replied to ticket ${number}.`,
  },
  status: {
    resolved: (number) =>
      `Your ticket ${number} has been resolved. If the problem is still there, reply to this email and we will reopen it.`,
    closed: (number) => `Your ticket ${number} has been closed. If you need anything more about it, reply to this email.`,
  },
  assigned: {
    subject: 'Assigned to you',
    text: (number, by) => `Ticket ${number} was assigned to you${by ? ` by ${by}` : ''}.`,
  },
  sla: {
    warningSubject: 'SLA warning',
    breachedSubject: 'SLA breached',
    warning: (number, t, due) => `The ${target(t)} target of ticket ${number} is close: it is due at ${due}.`,
    breached: (number, t, due) => `The ${target(t)} target of ticket ${number} was missed: it was due at ${due}.`,
  },
};
