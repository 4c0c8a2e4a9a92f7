/**
 * The ticket a mail answers. By its headers first: an id in `In-Reply-To`/`References`
 * that ticketry made (`parseOwnMessageId` under the configured domain: the mail answers
 * one of ticketry's) or received before (`email_messages`: the mail answers a mail that
 * became a ticket or reply). Else by a number token in the subject (`[TKT-42]`).
 *
 * A candidate is taken only when its sender may add to it (`mayAppend`: the ticket's
 * subscriber by the directory, or the guest ticket's own address). That holds for headers
 * as for tokens: a token is trivially typed, and a header is as easily copied from a mail
 * someone forwarded (Zammad #5064). A mail that may not join its ticket opens a new one.
 * A merged ticket leads to the ticket it was merged into (its thread lives there); a
 * deleted ticket is never written to.
 */
import type { ServiceContext } from '../service/service-context.js';
import type { StoreScope } from '../store.js';
import type { Ticket } from '../types.js';
import { messageIdDomain, parseOwnMessageId } from './message-ids.js';
import { mayAppend, type MailSender } from './mail-sender.js';
import { numberTokens } from './mail-subject.js';
import type { ParsedMail } from './parse-mail.js';

/** How far a chain of merges is followed (A into B, B into C, ...). */
const MAX_MERGE_HOPS = 10;

/** Where a mail joins: the ticket, and what led there. */
export interface MailThread {
  ticket: Ticket;
  by: 'header' | 'token';
}

/** The ticket `mail` from `sender` joins, or `null` when it opens a new one. */
export async function findThread(ctx: ServiceContext, mail: ParsedMail, sender: MailSender): Promise<MailThread | null> {
  const scope: StoreScope = { tenantId: ctx.tenantId, visibility: 'staff', includeDeleted: true };
  const domain = messageIdDomain(ctx.config.email);

  const byHeader: string[] = [];
  if (mail.replyIds.length > 0) {
    const received = new Map<string, string>();
    const ids = mail.replyIds.map((r) => r.id);
    for (const record of await ctx.store.findEmailMessages(ctx.tenantId, ids)) {
      received.set(record.messageId, record.ticketId);
    }
    for (const { id, raw } of mail.replyIds) {
      const ticketId = parseOwnMessageId(raw, domain)?.ticketId ?? received.get(id);
      if (ticketId !== undefined && !byHeader.includes(ticketId)) byHeader.push(ticketId);
    }
  }
  const found = await first(ctx, scope, byHeader, sender);
  if (found) return { ticket: found, by: 'header' };
  const byToken = await first(ctx, scope, numberTokens(mail.subject, ctx.numbers), sender);
  return byToken ? { ticket: byToken, by: 'token' } : null;
}

/** The first of `refs` (ids or numbers) that, followed through merges, the sender may add to. */
async function first(ctx: ServiceContext, scope: StoreScope, refs: readonly string[], sender: MailSender): Promise<Ticket | null> {
  if (refs.length === 0) return null;
  for (const ticket of await ctx.store.findTickets(scope, refs)) {
    const target = await followMerges(ctx, scope, ticket);
    if (target && target.deletedAt === null && mayAppend(target, sender)) return target;
  }
  return null;
}

/** The ticket `ticket`'s thread lives in now; `null` when the chain is broken or too long. */
async function followMerges(ctx: ServiceContext, scope: StoreScope, ticket: Ticket): Promise<Ticket | null> {
  let current = ticket;
  for (let hop = 0; current.mergedIntoId !== null; hop++) {
    if (hop === MAX_MERGE_HOPS) return null;
    const next = await ctx.store.findTicket(scope, current.mergedIntoId);
    if (!next) return null;
    current = next;
  }
  return current;
}
