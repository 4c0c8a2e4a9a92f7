/**
 * `desk.emailFor`: the mails an event should send, ready for the host's mailer. One mail
 * per recipient with an address (`email-recipients.ts`), each written by the template for
 * the event in the recipient's language (`email-template-choice.ts`), with the number
 * token and the threading headers (`email-threading.ts`).
 *
 * A customer's mail is made from the customer's view of the event only: the template is
 * given no event, no staff row and no staff ids, and the message it carries is read again
 * from the store with the customer's visibility, so a reply hidden (or an event replayed)
 * after it was written never goes out.
 */
import { toCustomerMessage, type CustomerMessage } from '../customer-view.js';
import { ConfigError, InternalError, ValidationError } from '../errors.js';
import { withCustomerView } from '../events/customer-event-view.js';
import { EVENT_TYPES, type TicketEvent } from '../events/event-types.js';
import type { ServiceContext } from '../service/service-context.js';
import type { Message } from '../types.js';
import { textToEmailHtml } from './email-body.js';
import { emailRecipients, type EmailRecipient } from './email-recipients.js';
import { chooseTemplate, hasTemplate, languageCandidates, type ChosenTemplate } from './email-template-choice.js';
import { mailThreading, subjectWithToken } from './email-threading.js';
import type {
  CustomerTemplateInput,
  EmailForOptions,
  EmailTemplateInput,
  OutgoingEmail,
  RenderedEmail,
  StaffTemplateInput,
} from './email-types.js';
import { messageIdDomain } from './message-ids.js';

/** The mails `event` sends: one per recipient, none when nobody is to be told by mail. */
export async function emailFor(ctx: ServiceContext, event: TicketEvent, options: EmailForOptions = {}): Promise<OutgoingEmail[]> {
  const config = ctx.config.email;
  if (!config.address) {
    throw new ConfigError(
      'emailFor needs config.email.address: the address mail is sent from and customers reply to, e.g. createTicketService({ config: { email: { address: "support@example.net" } } })',
      { params: { field: 'email.address' } },
    );
  }
  checkEvent(event, ctx.tenantId);
  const forced = checkOptions(options);
  if (!hasTemplate(ctx.emailTemplates, event.type)) return [];
  const recipients = await emailRecipients(ctx, event);
  if (recipients.length === 0) return [];

  const domain = messageIdDomain(config);
  const customer = recipients.some((r) => r.audience === 'customer') ? await customerPart(ctx, event) : null;
  const mails: OutgoingEmail[] = [];
  for (const recipient of recipients) {
    const languages = languageCandidates(forced ?? recipient.language, config.defaultLanguage);
    const chosen = chooseTemplate(ctx.emailTemplates, event.type, languages);
    if (!chosen) continue;
    let input: EmailTemplateInput;
    if (recipient.audience === 'customer') {
      // The event's message is no longer the customer's to read: nothing to tell them.
      if (!customer) continue;
      input = customerInput(ctx, event, recipient, chosen, customer);
    } else {
      input = staffInput(ctx, event, recipient, chosen);
    }
    const rendered = await render(chosen, input);
    if (!rendered) continue;
    const threading = mailThreading(event, recipient, domain);
    const automatic = isAutomatic(event, recipient);
    const headers: Record<string, string> = {
      'Message-ID': threading.messageId,
      'In-Reply-To': threading.inReplyTo,
      References: threading.references.join(' '),
      'X-Ticketry-Ticket': event.ticket.number,
    };
    if (automatic) {
      // RFC 3834: auto-responders (out-of-office) must not answer it, so no mail loop
      // starts; Exchange reads its own header for the same. `auto-replied` for the
      // acknowledgement, which answers the customer's own message; `auto-generated` for
      // what ticketry sends on its own (status changes, SLA alerts, staff notifications).
      headers['Auto-Submitted'] = recipient.acknowledgement ? 'auto-replied' : 'auto-generated';
      headers['X-Auto-Response-Suppress'] = 'All';
    }
    mails.push({
      audience: recipient.audience,
      recipientId: recipient.id,
      from: { address: config.address, name: config.name },
      to: [recipient.name ? { address: recipient.address, name: recipient.name } : { address: recipient.address }],
      subject: subjectWithToken(rendered.subject, event.ticket.number),
      text: rendered.text,
      html: rendered.html ?? textToEmailHtml(rendered.text, chosen.language),
      language: chosen.language,
      automatic,
      headers,
      ...threading,
      ticketId: event.ticket.id,
      eventId: event.eventId,
    });
  }
  return mails;
}

/** What the customer may see of `event`. */
interface CustomerPart {
  view: NonNullable<TicketEvent['customer']>;
  message: CustomerMessage | null;
}

/** `null` when the event's message (or, without one, its ticket) is no longer the customer's to read. */
async function customerPart(ctx: ServiceContext, event: TicketEvent): Promise<CustomerPart | null> {
  // Built here rather than taken from `event.customer`: an acknowledgement has none (the
  // customer was the actor), and an event from an older outbox row may lack it.
  const view = withCustomerView(
    { ...event, notify: { ...event.notify, customerId: event.ticket.subscriberId } },
    ctx.config.customerStatuses,
  ).customer!;
  const eventMessage: Message | null = 'message' in event ? event.message : null;
  if (!eventMessage) {
    // A ticket deleted since the event was made is no longer the customer's to hear about.
    const current = await ctx.store.findTicket({ tenantId: ctx.tenantId, visibility: 'customer' }, event.ticket.id);
    return current && current.id === event.ticket.id ? { view, message: null } : null;
  }
  if (!view.message) return null; // internal or hidden when the event was made
  const current = await ctx.store.findMessage({ tenantId: ctx.tenantId, visibility: 'customer' }, eventMessage.id);
  if (!current || current.ticketId !== event.ticket.id) return null;
  return { view, message: toCustomerMessage(current) };
}

function ticketUrl(template: string | undefined, event: TicketEvent): string | null {
  if (!template) return null;
  return template
    .replaceAll('{id}', encodeURIComponent(event.ticket.id))
    .replaceAll('{number}', encodeURIComponent(event.ticket.number));
}

function customerInput(
  ctx: ServiceContext,
  event: TicketEvent,
  recipient: EmailRecipient,
  chosen: ChosenTemplate,
  part: CustomerPart,
): CustomerTemplateInput {
  // Named field by field: nothing of the event reaches a customer's template by accident.
  const input: CustomerTemplateInput = {
    audience: 'customer',
    type: event.type,
    language: chosen.language,
    number: part.view.ticket.number,
    subject: part.view.ticket.subject,
    recipientName: recipient.name,
    url: ticketUrl(ctx.config.email.customerUrl, event),
    ticket: part.view.ticket,
    message: part.message,
    status: event.type === 'ticket.status_changed' ? { from: event.from, to: event.to } : null,
    acknowledgement: recipient.acknowledgement,
    standard: () => standard(chosen, input),
  };
  return input;
}

function staffInput(ctx: ServiceContext, event: TicketEvent, recipient: EmailRecipient, chosen: ChosenTemplate): StaffTemplateInput {
  const input: StaffTemplateInput = {
    audience: 'staff',
    type: event.type,
    language: chosen.language,
    number: event.ticket.number,
    subject: event.ticket.subject,
    recipientName: recipient.name,
    url: ticketUrl(ctx.config.email.staffUrl, event),
    event,
    ticket: event.ticket,
    message: 'message' in event ? event.message : null,
    queue: recipient.queue,
    standard: () => standard(chosen, input),
  };
  return input;
}

/** ticketry's own rendering of the mail `input` describes, for a host template to wrap. */
function standard(chosen: ChosenTemplate, input: EmailTemplateInput): RenderedEmail | null {
  if (!chosen.standard) return null;
  const { template, language } = chosen.standard;
  return template({ ...input, language });
}

/**
 * A mail a person wrote (a staff member's public reply, or the ticket they opened for the
 * customer) is not automatic; everything ticketry writes by itself is: acknowledgements,
 * status changes, assignments, SLA alerts and every notification to staff.
 */
function isAutomatic(event: TicketEvent, recipient: EmailRecipient): boolean {
  if (recipient.audience !== 'customer' || recipient.acknowledgement) return true;
  if (event.type !== 'ticket.replied' && event.type !== 'ticket.created') return true;
  return !(event.actor.kind === 'staff' && event.message.authorType === 'staff');
}

async function render(chosen: ChosenTemplate, input: EmailTemplateInput): Promise<RenderedEmail | null> {
  let out: unknown;
  try {
    out = await chosen.template(input);
  } catch (error) {
    throw new InternalError(`The email template ${chosen.name} failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
      params: { template: chosen.name },
    });
  }
  if (out === null) return null;
  const mail = out as Partial<RenderedEmail> | undefined;
  if (
    typeof mail !== 'object' ||
    typeof mail.subject !== 'string' ||
    typeof mail.text !== 'string' ||
    (mail.html !== undefined && typeof mail.html !== 'string')
  ) {
    throw new InternalError(`The email template ${chosen.name} must return { subject, text, html? } or null`, {
      params: { template: chosen.name },
    });
  }
  return { subject: mail.subject, text: mail.text, ...(mail.html !== undefined ? { html: mail.html } : {}) };
}

function checkEvent(event: TicketEvent, tenantId: string): void {
  const bad = (field: string, must: string): never => {
    throw new ValidationError(`emailFor: ${field} ${must}; pass an event as desk.events or the dispatcher gives it`, field);
  };
  if (typeof event !== 'object' || event === null) bad('event', 'must be a ticket event');
  if (!EVENT_TYPES.includes(event.type)) bad('event.type', `must be one of ${EVENT_TYPES.join(', ')}`);
  const ticket = event.ticket as unknown as Record<string, unknown> | null;
  if (typeof ticket !== 'object' || ticket === null) bad('event.ticket', 'must be the ticket');
  for (const field of ['id', 'number', 'subject', 'subscriberId'] as const) {
    if (typeof ticket![field] !== 'string') bad(`event.ticket.${field}`, 'must be a string');
  }
  const notify = event.notify as unknown as Record<string, unknown> | null;
  if (typeof notify !== 'object' || notify === null || !Array.isArray(notify.staffIds)) bad('event.notify', 'must be { customerId, staffIds, queue }');
  if (typeof event.eventId !== 'string') bad('event.eventId', 'must be a string');
  if ('message' in event && (typeof event.message !== 'object' || event.message === null || typeof event.message.id !== 'string')) {
    bad('event.message', 'must be the message');
  }
  if (event.tenantId !== tenantId) {
    throw new ValidationError(
      `emailFor: the event belongs to tenant ${String(event.tenantId)}, and this desk serves ${tenantId}`,
      'event.tenantId',
    );
  }
}

function checkOptions(options: EmailForOptions): string | undefined {
  if (typeof options !== 'object' || options === null) {
    throw new ValidationError('emailFor: options must be an object such as { language: "es" }', 'options');
  }
  const { language } = options;
  if (language === undefined) return undefined;
  if (typeof language !== 'string' || !/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(language)) {
    throw new ValidationError('emailFor: options.language must be a language tag such as "en", "es" or "pt-BR"', 'options.language');
  }
  return language;
}
