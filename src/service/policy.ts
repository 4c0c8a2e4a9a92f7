/**
 * The host's policy hook: a chance to refuse a new ticket or a customer's reply with the
 * host's own reason (BILLmanager's paid-support quota, `incident`; an abuse block),
 * after validation and scope and before anything is rendered or written. A refusal
 * reaches the caller as a `RefusedError` whose `params.reason` is the host's code and
 * whose message is the host's text; a hook that throws is `internal` (the wrapper in
 * `service-options.ts`), and an answer that is neither nothing nor a refusal is `config`.
 */
import { ConfigError, RefusedError } from '../errors.js';
import type { Actor, Ticket } from '../types.js';
import { hostDecisionSchema } from './host-refusal.js';
import type { ServiceContext } from './service-context.js';

/** What the hook is asked about. */
export interface PolicyRequest {
  /** `create`: `beforeCreate`; `reply`: `beforeCustomerReply`. */
  operation: 'create' | 'reply';
  /** Who asks: any actor for `create`, a customer for `reply`. */
  actor: Actor;
  /**
   * The ticket about to be opened (with its subscriber, reseller, category, priority;
   * not yet numbered nor routed), or the ticket replied to, as stored.
   */
  ticket: Ticket;
  /** The message body as written. */
  body: string;
}

/** A refusal: the host's code (e.g. `quota_exceeded`) and the message the person reads. */
export interface PolicyRefusal {
  /** A stable code of the host's: letters, digits, `_ . : -`, at most 64 characters. It becomes `params.reason`. */
  code: string;
  /** The text shown to the person, in the host's language. At most 1000 characters. */
  message: string;
  /** More machine-readable details (e.g. `{ remaining: 0 }`), merged into the error's `params`. */
  params?: Record<string, unknown>;
}

/** The hook's answer: nothing (allow), or a refusal with the host's code and message. */
export type PolicyDecision = void | undefined | null | { refuse: PolicyRefusal };

/** `createTicketService({ policy })`. Each hook may be async. */
export interface TicketPolicy {
  /** Before any ticket is opened (customer, staff or system: `request.actor` says who). */
  beforeCreate?(request: PolicyRequest): PolicyDecision | Promise<PolicyDecision>;
  /** Before a customer's reply (staff replies and internal notes are never asked about). */
  beforeCustomerReply?(request: PolicyRequest): PolicyDecision | Promise<PolicyDecision>;
}

const decisionSchema = hostDecisionSchema((z) => ({ params: z.record(z.string(), z.unknown()).optional() }));

/** Asks the host's policy, if any; a refusal is a `RefusedError` and nothing is written. */
export async function checkPolicy(ctx: ServiceContext, request: PolicyRequest): Promise<void> {
  const hook = request.operation === 'create' ? 'beforeCreate' : 'beforeCustomerReply';
  const fn = ctx.policy?.[hook];
  if (!fn) return;
  // A copy: a hook that changes what it was shown changes nothing ticketry writes.
  const answer: unknown = await fn({ ...request, ticket: structuredClone(request.ticket) });
  const parsed = decisionSchema().safeParse(answer);
  if (!parsed.success) {
    throw new ConfigError(
      `policy.${hook} must return nothing (allow) or { refuse: { code, message } } with a code of letters, digits, _ . : - (at most 64) and a message of 1–1000 characters`,
      { cause: parsed.error, params: { field: 'policy' } },
    );
  }
  const refusal = parsed.data?.refuse;
  if (!refusal) return;
  throw new RefusedError(refusal.message, {
    params: { ...refusal.params, reason: refusal.code, operation: request.operation },
  });
}
