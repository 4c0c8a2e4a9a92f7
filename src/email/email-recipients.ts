/**
 * Who an event mails: the people its `notify` names who have an address. The customer's
 * address is the directory's, else (a guest ticket that came by email) the address the
 * ticket came from; staff need an address in the directory; `notify.queue` reaches the
 * members of the ticket's department. One more rule than `notify`: a customer who opens a
 * ticket gets an acknowledgement (`notify` never tells the actor of their own action),
 * so the first mail in their inbox carries the number token their replies thread by.
 */
import type { EmailAudience } from './email-types.js';
import type { TicketEvent } from '../events/event-types.js';
import type { ServiceContext } from '../service/service-context.js';

/** One person an event mails. */
export interface EmailRecipient {
  audience: EmailAudience;
  /** The subscriber or staff id. */
  id: string;
  address: string;
  name: string | null;
  /** From the directory; `undefined` when it names none. */
  language: string | undefined;
  /** Staff told as a member of the ticket's department, not by name. */
  queue: boolean;
  /** The customer opened the ticket themself: the mail acknowledges it. */
  acknowledgement: boolean;
}

// A bare address with nothing a mailer could read as a list or a display name; a
// directory entry that is not one is treated as no address.
const ADDRESS = /^[^\s@<>,;:"()[\]\\]+@[^\s@<>,;:"()[\]\\]+$/;

/** `value` if it is an address ticketry can mail, else `null`. */
export function mailableAddress(value: unknown): string | null {
  return typeof value === 'string' && value.length <= 254 && ADDRESS.test(value) ? value : null;
}

const cleanName = (value: unknown): string | null => {
  if (typeof value !== 'string') return null;
  const name = value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return name === '' ? null : name;
};

const cleanLanguage = (value: unknown): string | undefined =>
  typeof value === 'string' && /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(value) ? value : undefined;

/** Whether `event` is a customer's own new ticket, which ticketry acknowledges. */
export function isAcknowledgement(event: TicketEvent): boolean {
  return (
    event.type === 'ticket.created' &&
    event.notify.customerId === null &&
    event.actor.kind !== 'staff' &&
    event.message.authorType === 'customer' &&
    !event.message.internal
  );
}

async function customerRecipient(ctx: ServiceContext, event: TicketEvent): Promise<EmailRecipient | null> {
  const acknowledgement = isAcknowledgement(event);
  const id = acknowledgement ? event.ticket.subscriberId : event.notify.customerId;
  if (id === null) return null;
  const subscriber = ctx.directory ? await ctx.directory.getSubscriber(id) : null;
  const address = mailableAddress(subscriber?.email) ?? mailableAddress(event.ticket.requesterEmail);
  if (address === null) return null;
  return {
    audience: 'customer',
    id,
    address,
    name: cleanName(subscriber?.name),
    language: cleanLanguage(subscriber?.language),
    queue: false,
    acknowledgement,
  };
}

async function staffRecipient(ctx: ServiceContext, id: string, queue: boolean): Promise<EmailRecipient | null> {
  const staff = ctx.directory ? await ctx.directory.getStaff(id) : null;
  const address = mailableAddress(staff?.email);
  if (address === null) return null;
  return {
    audience: 'staff',
    id,
    address,
    name: cleanName(staff?.name),
    language: cleanLanguage(staff?.language),
    queue,
    acknowledgement: false,
  };
}

/** The ids of the department's members to tell for `notify.queue`: everyone but the actor and those named. */
async function queueMembers(ctx: ServiceContext, event: TicketEvent, named: ReadonlySet<string>): Promise<string[]> {
  const department = event.ticket.department;
  if (!event.notify.queue || !department || !ctx.directory?.listDepartmentMembers) return [];
  const members = await ctx.directory.listDepartmentMembers(department);
  const actorId = event.actor.kind === 'system' ? null : event.actor.id;
  const out = new Set<string>();
  for (const id of Array.isArray(members) ? members : []) {
    if (typeof id === 'string' && id !== actorId && !named.has(id)) out.add(id);
  }
  return [...out];
}

/** Everyone `event` mails, customer first, each once. */
export async function emailRecipients(ctx: ServiceContext, event: TicketEvent): Promise<EmailRecipient[]> {
  const named = [...new Set(event.notify.staffIds)];
  const queue = await queueMembers(ctx, event, new Set(named));
  const found = await Promise.all([
    customerRecipient(ctx, event),
    ...named.map((id) => staffRecipient(ctx, id, false)),
    ...queue.map((id) => staffRecipient(ctx, id, true)),
  ]);
  return found.filter((r): r is EmailRecipient => r !== null);
}
