/**
 * Who sent a mail, as the desk knows them: the subscriber the host's directory gives for
 * the `From` address (`findSubscriberByEmail`; the directory, never the mail, says which
 * subscriber and reseller), or nobody. A sender nobody knows may open a guest ticket
 * (`config.email.unknownSenders: 'guest'`): its subscriber id is `guest:<address>`, it
 * has no reseller, and only mail from that same address reaches it.
 */
import { ConfigError } from '../errors.js';
import { sha256Hex } from '../node-crypto.js';
import type { ServiceContext } from '../service/service-context.js';
import type { DirectorySubscriber, Ticket } from '../types.js';
import type { MailAddress } from './parse-mail.js';

/** The subscriber id prefix of guest tickets. */
export const GUEST_PREFIX = 'guest:';

/** A mail's sender. */
export interface MailSender extends MailAddress {
  /** The directory's subscriber for the address; `null`: unknown (or no directory, or no `findSubscriberByEmail`). */
  subscriber: DirectorySubscriber | null;
}

/** Looks the sender's address up in the directory. */
export async function identifySender(ctx: ServiceContext, from: MailAddress): Promise<MailSender> {
  const find = ctx.directory?.findSubscriberByEmail;
  if (!find) return { ...from, subscriber: null };
  const found: unknown = await find.call(ctx.directory, from.address);
  if (found === null || found === undefined) return { ...from, subscriber: null };
  const id = (found as { id?: unknown }).id;
  const resellerId = (found as { resellerId?: unknown }).resellerId;
  if (
    typeof id !== 'string' || id.length === 0 || id.length > 200 || id.startsWith(GUEST_PREFIX) ||
    (resellerId !== undefined && resellerId !== null && typeof resellerId !== 'string')
  ) {
    throw new ConfigError(
      'directory.findSubscriberByEmail must return null or a subscriber { id, resellerId } with an id of 1-200 characters (not starting with "guest:")',
      { params: { field: 'directory.findSubscriberByEmail' } },
    );
  }
  return { ...from, subscriber: found as DirectorySubscriber };
}

/** The subscriber id of the guest writing from `address` (lower-cased): `guest:<address>`, hashed when that would pass 200 characters. */
export function guestSubscriberId(address: string): string {
  const id = GUEST_PREFIX + address;
  return id.length <= 200 ? id : `${GUEST_PREFIX}sha256:${sha256Hex(address)}`;
}

/** Whether `ticket` is a guest's (opened by mail from an address no subscriber had). */
export function isGuestTicket(ticket: Pick<Ticket, 'subscriberId'>): boolean {
  return ticket.subscriberId.startsWith(GUEST_PREFIX);
}

/**
 * Whether `sender` may add to `ticket` by mail: the directory's subscriber of the address
 * is the ticket's subscriber, or, on a guest ticket, the address is the one it came from.
 * A reseller's own request to the operator is answered in the panel only.
 */
export function mayAppend(ticket: Ticket, sender: MailSender): boolean {
  if (ticket.requesterResellerId !== null) return false;
  if (isGuestTicket(ticket)) return ticket.requesterEmail !== null && ticket.requesterEmail === sender.address;
  return sender.subscriber !== null && sender.subscriber.id === ticket.subscriberId;
}
