/**
 * The email channel's public shapes: what `ingestEmail` takes and answers, what
 * `emailFor` gives the host's mailer, and the templates a host may override.
 */
import type { Readable } from 'node:stream';
import type { TicketEvent, TicketEventType } from '../events/event-types.js';

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

/** One mail for the host's mailer: hand `headers`, `from`, `to`, `subject`, `text` and `html` to nodemailer as they are. */
export interface OutgoingEmail {
  /** Who it is written for: the customer's view never holds a word of an internal note. */
  audience: 'customer' | 'staff';
  /** The subscriber or staff id it is addressed to (`null` for a guest ticket's address). */
  recipientId: string | null;
  from: EmailAddress;
  to: EmailAddress[];
  /** With the ticket's number token, e.g. `[TKT-42] Router reboots`. */
  subject: string;
  text: string;
  html: string;
  /** The language the template was written in. */
  language: string;
  /** `Message-ID`, `In-Reply-To`, `References`, `Auto-Submitted` and `X-Ticketry-Ticket`, ready to send. */
  headers: Record<string, string>;
  /** The same ids, with angle brackets. */
  messageId: string;
  inReplyTo: string;
  references: string[];
}

/** Options of `desk.emailFor`. */
export interface EmailForOptions {
  /** Write every mail in this language instead of each recipient's. */
  language?: string;
}

/** What a template is given. */
export interface EmailTemplateInput {
  event: TicketEvent;
  audience: 'customer' | 'staff';
  language: string;
  /** The ticket's number, e.g. `TKT-42`. */
  number: string;
  subject: string;
  /** The recipient's name when the directory knows it. */
  recipientName: string | null;
  /** The link to the ticket for this audience (`config.email.customerUrl`/`staffUrl`), or `null`. */
  url: string | null;
}

/** What a template makes. `subject` gets the number token put in front by ticketry. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html?: string;
}

/** A template: `null` means "no mail for this event". */
export type EmailTemplate = (input: EmailTemplateInput) => RenderedEmail | null;

/** Templates by language, then by event type; the host's override ticketry's own. */
export type EmailTemplates = Partial<Record<string, Partial<Record<TicketEventType, EmailTemplate>>>>;
