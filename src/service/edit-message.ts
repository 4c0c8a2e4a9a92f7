/** `desk.editMessage`. (Helper M: stub from the foundation.) */
import type { Actor, Message, RequestContext } from '../types.js';
import type { ServiceContext } from './service-context.js';

export async function editMessage(
  _ctx: ServiceContext,
  _actor: Actor,
  _messageId: string,
  _body: string,
  _context: RequestContext = {},
): Promise<Message> {
  throw new Error('not implemented yet: editMessage');
}
