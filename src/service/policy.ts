/**
 * The host's policy hook: a chance to refuse a customer's new ticket or reply with the
 * host's own reason (BILLmanager's paid-support quota, an abuse block), before anything
 * is written. (Helper R: stub from the foundation, to be completed.)
 */
import type { Actor, Ticket } from '../types.js';
import type { ServiceContext } from './service-context.js';

/** What the hook is asked about. */
export interface PolicyRequest {
  operation: 'create' | 'reply';
  actor: Actor;
  /** The ticket about to be opened (not yet numbered), or the ticket replied to. */
  ticket: Ticket;
  body: string;
}

/** The hook's answer: nothing to allow, or a refusal with the host's code and message. */
export type PolicyDecision = void | undefined | null | { refuse: { code: string; message: string } };

/** `createTicketService({ policy })`. */
export interface TicketPolicy {
  beforeCreate?(request: PolicyRequest): PolicyDecision | Promise<PolicyDecision>;
  beforeCustomerReply?(request: PolicyRequest): PolicyDecision | Promise<PolicyDecision>;
}

/** Asks the host's policy, if any; a refusal is a `RefusedError`. */
export async function checkPolicy(_ctx: ServiceContext, _request: PolicyRequest): Promise<void> {}
