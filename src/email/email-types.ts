/**
 * The email channel's public shapes: what `ingestEmail` takes and answers, what
 * `emailFor` gives the host's mailer, and the templates a host may override.
 */
import type { Readable } from 'node:stream';
import type { CustomerMessage, CustomerTicket } from '../customer-view.js';
import type { TicketEvent, TicketEventType } from '../events/event-types.js';
import type { Message, Status, Ticket } from '../types.js';

/** A raw RFC 822 message: text, bytes, or a stream of bytes. */
export type RawEmail = string | Uint8Array | Readable | ReadableStream<Uint8Array>;

/** Options of `desk.ingestEmail`. */
export interface IngestOptions {
  /**
   * When the mail arrived (the IMAP internal date): recorded with its Message-ID. The
   * ticket's and message's times (and so the SLA clocks) are the service clock's, when the
   * mail is taken. @default the service clock
   */
  receivedAt?: Date;
}

/** What `ingestEmail` did with a mail. */
export type IngestOutcome = 'created' | 'replied' | 'duplicate' | 'ignored' | 'refused';

/** Why a mail was ignored or refused. */
export type IngestReason =
  /** `Auto-Submitted`, `Precedence: bulk/junk/list`, `X-Autoreply` and kin: never opens or reopens a ticket. */
  | 'auto_reply'
  /** A bounce: from mailer-daemon/postmaster, or a delivery status notification. */
  | 'bounce'
  /** From the desk's own address: a loop. */
  | 'own_address'
  /** A sender the directory does not know, with `config.email.unknownSenders: 'refuse'`. */
  | 'unknown_sender'
  /** Larger than `config.email.maxBytes`. */
  | 'too_large'
  /** No sender address, or nothing that could be read as a mail. */
  | 'malformed'
  /** The host's policy hook (`beforeCreate` / `beforeCustomerReply`) refused it; `detail` is the host's message. */
  | 'policy';

/** An attachment of the mail that was not kept, and why (its `validation` error message). */
export interface DroppedAttachment {
  filename: string;
  reason: string;
}

/** The answer of `desk.ingestEmail`. */
export interface IngestResult {
  outcome: IngestOutcome;
  /** The ticket opened or replied to (for `duplicate`: the one the first ingest wrote to); else `null`. */
  ticketId: string | null;
  /** The thread message written; `null` when none was. */
  messageId: string | null;
  /** The mail's Message-ID, normalised (made from the content's hash when it had none). */
  emailMessageId: string;
  /** Set for `ignored` and `refused`. */
  reason?: IngestReason;
  /** For `ignored` and `refused`: a sentence saying why, for the host's log. */
  detail?: string;
  /** Attachments that were not kept (too large, a type not allowed, no blob store). */
  droppedAttachments: DroppedAttachment[];
}

/** An address with an optional display name. */
export interface EmailAddress {
  address: string;
  name?: string;
}

/** Who a mail is written for. */
export type EmailAudience = 'customer' | 'staff';

/**
 * One mail for the host's mailer. Hand `from`, `to`, `subject`, `text`, `html` and
 * `headers` to nodemailer as they are (see the README's example).
 */
export interface OutgoingEmail {
  /**
   * Who it is written for. A `customer` mail is made from the customer's view of the
   * event only: never a word of an internal note, a hidden message or staff-only activity.
   */
  audience: EmailAudience;
  /** The subscriber (the ticket's customer, also for a guest ticket) or staff id it is addressed to. */
  recipientId: string;
  /** `config.email.address` and `config.email.name`. */
  from: EmailAddress;
  /** The one recipient. */
  to: EmailAddress[];
  /** With the ticket's number token, e.g. `[TKT-42] Router reboots` or `Re: [TKT-42] Router reboots`. */
  subject: string;
  text: string;
  /** Safe HTML: message bodies are the sanitised HTML stored with them, everything else is escaped. */
  html: string;
  /** The language of the template that wrote it. */
  language: string;
  /**
   * Whether a person wrote it (`false`: a staff member's reply or the ticket they opened)
   * or ticketry did (acknowledgements, status changes, alerts, staff notifications):
   * automatic mail carries `Auto-Submitted`, so auto-responders do not answer it.
   */
  automatic: boolean;
  /**
   * `Message-ID`, `In-Reply-To`, `References`, `X-Ticketry-Ticket` and, for automatic
   * mail, `Auto-Submitted` and `X-Auto-Response-Suppress`; ready to send as they are.
   */
  headers: Record<string, string>;
  /** The mail's own Message-ID, with angle brackets. Stable: the same event gives the same id, so a resend is recognisable. */
  messageId: string;
  /** The Message-ID it answers, with angle brackets: the ticket's thread root, or the customer's own mail it acknowledges. */
  inReplyTo: string;
  /** The thread, with angle brackets, root first. */
  references: string[];
  /** The ticket the mail is about. */
  ticketId: string;
  /** The event it was made from. */
  eventId: string;
}

/** Options of `desk.emailFor`. */
export interface EmailForOptions {
  /** Write every mail in this language instead of each recipient's. */
  language?: string;
}

/** What every template is given. */
interface EmailTemplateInputBase {
  /** The event's type. */
  type: TicketEventType;
  /** The language this template is asked to write in. */
  language: string;
  /** The ticket's number, e.g. `TKT-42`. */
  number: string;
  /** The ticket's subject, without the number token. */
  subject: string;
  /** The recipient's name when the directory knows it. */
  recipientName: string | null;
  /** The link to the ticket for this audience (`config.email.customerUrl`/`staffUrl`), or `null`. */
  url: string | null;
  /**
   * ticketry's own template for this mail (in this language, else English), so an
   * override can wrap it (add a footer) or keep it for one audience. `null`: ticketry
   * sends no mail here.
   */
  standard(): RenderedEmail | null;
}

/**
 * A template writing to the customer gets the customer's view only: no event, no staff
 * ids, nothing internal, so no template can leak staff-only content to a customer.
 */
export interface CustomerTemplateInput extends EmailTemplateInputBase {
  audience: 'customer';
  /** The ticket as the customer sees it after the change. */
  ticket: CustomerTicket;
  /** The message the mail carries (a public reply, the opening message), as the customer reads it now; else `null`. */
  message: CustomerMessage | null;
  /** For `ticket.status_changed`: the status before and after. */
  status: { from: Status; to: Status } | null;
  /** The customer opened the ticket themself: this mail acknowledges it. */
  acknowledgement: boolean;
}

/** A template writing to staff gets the whole event. */
export interface StaffTemplateInput extends EmailTemplateInputBase {
  audience: 'staff';
  event: TicketEvent;
  ticket: Ticket;
  /** The event's message (a reply, an internal note, the opening message), else `null`. */
  message: Message | null;
  /** Told as a member of the ticket's department (nobody owns the ticket yet), not by name. */
  queue: boolean;
}

/** What a template is given: the customer's view, or the staff's. */
export type EmailTemplateInput = CustomerTemplateInput | StaffTemplateInput;

/**
 * What a template makes. ticketry puts the number token into `subject` (after a leading
 * `Re: `) unless it is already there; without `html` the text is sent as escaped HTML.
 * Escape every value you put into `html` (`escapeHtml`); `message.html` is already safe.
 */
export interface RenderedEmail {
  subject: string;
  text: string;
  html?: string;
}

/**
 * A template: one per event type and language, for both audiences (see
 * `input.audience`). `null` means "no mail to this recipient".
 */
export type EmailTemplate = (input: EmailTemplateInput) => RenderedEmail | null | Promise<RenderedEmail | null>;

/** Templates by language, then by event type; the host's override ticketry's own. */
export type EmailTemplates = Partial<Record<string, Partial<Record<TicketEventType, EmailTemplate>>>>;
