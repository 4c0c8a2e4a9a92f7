/**
 * What ticketry's own templates say, in one language. A language is a phrase book
 * (`templates/en.ts`, `es.ts`, `ru.ts`); `standard-templates.ts` builds the same mails
 * from each, so the three languages cannot differ in what they tell whom.
 */

/** The SLA target an alert is about. */
export type SlaTarget = 'firstResponse' | 'resolution';

/** The sentences of ticketry's own mails in one language. */
export interface EmailPhrases {
  /** The BCP 47 locale dates are written in (`Intl.DateTimeFormat`). */
  locale: string;
  /** The first line: "Hello Anna," or "Hello," without a name. */
  greeting(name: string | null): string;
  /** The label of the link to the ticket. */
  viewTicket: string;
  /** Under a customer's mail: how to answer. */
  customerReplyNote(number: string): string;
  /** Under a staff notification: answer in the panel, since a mailed reply would not be theirs. */
  staffReplyNote: string;
  /** "Priority: high, category: network". */
  details(priority: string, category: string): string;
  created: {
    /** To a customer who opened the ticket: received, and what happens next. */
    acknowledgement(number: string): string;
    /** Above the customer's own message, quoted back. */
    yourMessage: string;
    /** To a customer for whom staff opened a ticket. */
    openedForYou(number: string): string;
    /** To the assignee: a new ticket, from whom. */
    toAssignee(number: string, from: string | null): string;
    /** To the department: a new ticket nobody owns yet. */
    toQueue(number: string, from: string | null): string;
  };
  replied: {
    /** To the customer, above a staff reply. */
    toCustomer(number: string): string;
    /** To staff, above a customer's reply. */
    toStaff(number: string, from: string | null): string;
  };
  status: {
    resolved(number: string): string;
    closed(number: string): string;
  };
  assigned: {
    /** Subject, before the ticket's subject. */
    subject: string;
    text(number: string, by: string | null): string;
  };
  sla: {
    warningSubject: string;
    breachedSubject: string;
    warning(number: string, target: SlaTarget, due: string): string;
    breached(number: string, target: SlaTarget, due: string): string;
  };
}
