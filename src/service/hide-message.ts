/** `desk.hideMessage` / `desk.unhideMessage`. (Helper M: stub from the foundation.) */
import type { Actor, Message, RequestContext } from '../types.js';
import type { ServiceContext } from './service-context.js';

export async function hideMessage(
  _ctx: ServiceContext,
  _actor: Actor,
  _messageId: string,
  _hidden: boolean,
  _context: RequestContext = {},
): Promise<Message> {
  throw new Error('not implemented yet: hideMessage');
}
