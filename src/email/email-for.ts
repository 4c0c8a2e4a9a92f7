/**
 * `desk.emailFor`: the mails an event should send, ready for the host's mailer.
 */
import { InternalError } from '../errors.js';
import type { TicketEvent } from '../events/event-types.js';
import type { ServiceContext } from '../service/service-context.js';
import type { EmailForOptions, OutgoingEmail } from './email-types.js';

/** The mails `event` sends: one per recipient, none when nobody is to be told by mail. */
export async function emailFor(_ctx: ServiceContext, _event: TicketEvent, _options?: EmailForOptions): Promise<OutgoingEmail[]> {
  throw new InternalError('emailFor is not implemented yet');
}
