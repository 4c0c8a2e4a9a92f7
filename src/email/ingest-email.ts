/**
 * `desk.ingestEmail`: a raw mail in, a ticket opened or replied to (or nothing, and why).
 *
 * In order:
 * 1. Read no further than `config.email.maxBytes` (`refused`, `too_large`), then parse.
 * 2. Never answer a machine or ourselves: ticketry's own mail coming back (its own
 *    Message-ID, or from `config.email.address`) is `ignored`, `own_address`; a Message-ID
 *    taken before is a `duplicate` (nothing changes); auto-replies and bounces are
 *    `ignored` (`auto-mail.ts`), before anything is looked up or written.
 * 3. The sender, by the directory (`mail-sender.ts`); the ticket it answers, by headers
 *    then token, if the sender may add to it (`thread-mail.ts`): a customer reply through
 *    `addReply` (reopens, un-archives, per the status machine).
 * 4. Otherwise a new ticket through `create` (in the department whose address it was sent
 *    to, `mail-department.ts`), for the directory's subscriber, or a guest
 *    (`unknownSenders: 'guest'`), or nobody (`refused`, `unknown_sender`).
 * The Message-ID is recorded in the same transaction as the ticket or reply; of two
 * instances taking the same mail at once, the second's write fails on it and rolls back
 * whole, and it answers `duplicate` with the first one's ticket.
 */
import { ValidationError, TicketError, type RefusedError } from '../errors.js';
import { sha256Hex } from '../node-crypto.js';
import { inInstantRange, RANGE_MESSAGE } from '../schemas.js';
import { addReply } from '../service/add-reply.js';
import { createTicket } from '../service/create-ticket.js';
import type { ServiceContext } from '../service/service-context.js';
import type { StagedAttachments } from '../service/attachments.js';
import type { CustomerActor, MessageEmail, RequestContext } from '../types.js';
import { automaticMail } from './auto-mail.js';
import type { DroppedAttachment, IngestOptions, IngestReason, IngestResult, RawEmail } from './email-types.js';
import type { IntakeWrite } from './intake-write.js';
import { stageMailAttachments } from './mail-attachments.js';
import { mailBody } from './mail-body.js';
import { mailDepartment } from './mail-department.js';
import { guestSubscriberId, identifySender, type MailSender } from './mail-sender.js';
import { cutAt, ticketSubject } from './mail-subject.js';
import { messageIdDomain, normalizeMessageId, parseOwnMessageId, splitMessageIds } from './message-ids.js';
import { parseMail, type ParsedMail } from './parse-mail.js';
import { readRaw } from './read-raw.js';
import { findThread, type MailThread } from './thread-mail.js';

/** Ingests one raw mail. */
export async function ingestEmail(ctx: ServiceContext, raw: RawEmail, options?: IngestOptions): Promise<IngestResult> {
  const receivedAt = parseOptions(options);
  const maxBytes = ctx.config.email.maxBytes;
  const read = await readRaw(raw, maxBytes);
  if (read.tooLarge) {
    return skipped('refused', 'too_large', headMessageId(read.head), `The mail is larger than config.email.maxBytes (${maxBytes} bytes)`);
  }
  const mail = await parseMail(read.bytes);
  if (!mail) {
    const hash = `sha256:${sha256Hex(read.bytes)}`;
    return skipped('refused', 'malformed', hash, 'Nothing in it could be read as a mail (no headers)');
  }

  const domain = messageIdDomain(ctx.config.email);
  const ownAddress = ctx.config.email.address?.toLowerCase();
  if (mail.rawMessageId !== null && parseOwnMessageId(mail.rawMessageId, domain) !== null) {
    return skipped('ignored', 'own_address', mail.messageId, 'The mail is one ticketry sent (its Message-ID is ticketry’s own)');
  }
  if (ownAddress !== undefined && mail.from?.address === ownAddress) {
    return skipped('ignored', 'own_address', mail.messageId, `The mail is from the desk's own address ${ownAddress}`);
  }
  const [seen] = await ctx.store.findEmailMessages(ctx.tenantId, [mail.messageId]);
  if (seen) {
    return seen.direction === 'in'
      ? duplicate(mail.messageId, seen.ticketId)
      : skipped('ignored', 'own_address', mail.messageId, 'The mail is one ticketry sent (its Message-ID was recorded as sent)');
  }
  const automatic = automaticMail(mail);
  if (automatic === 'bounce') {
    return skipped('ignored', 'bounce', mail.messageId, 'The mail is a bounce (a delivery status notification or from a mailer daemon)');
  }
  if (automatic === 'auto_reply') {
    return skipped('ignored', 'auto_reply', mail.messageId, 'The mail was sent automatically (an auto-reply, or bulk or list mail)');
  }
  if (!mail.from) return skipped('refused', 'malformed', mail.messageId, 'The mail has no usable From address');

  const sender = await identifySender(ctx, mail.from);
  try {
    const thread = await findThread(ctx, mail, sender);
    if (thread) {
      try {
        return await reply(ctx, mail, sender, thread, receivedAt);
      } catch (err) {
        // Deleted or merged between the lookup and the write: the mail opens a ticket, as it would have.
        if (!TicketError.is(err, 'not_found') && !TicketError.is(err, 'invalid_transition')) throw err;
      }
    }
    if (!sender.subscriber && ctx.config.email.unknownSenders === 'refuse') {
      return skipped(
        'refused',
        'unknown_sender',
        mail.messageId,
        `No subscriber has the address ${sender.address} (config.email.unknownSenders is 'refuse')`,
      );
    }
    return await open(ctx, mail, sender, receivedAt);
  } catch (err) {
    if (TicketError.is(err, 'conflict')) {
      // Another instance (or an earlier call still running) took this mail first.
      const [first] = await ctx.store.findEmailMessages(ctx.tenantId, [mail.messageId]);
      if (first) return duplicate(mail.messageId, first.ticketId);
    }
    if (TicketError.is(err, 'refused')) {
      return skipped('refused', 'policy', mail.messageId, (err as RefusedError).message);
    }
    throw err;
  }
}

/** Opens a ticket from the mail. */
async function open(ctx: ServiceContext, mail: ParsedMail, sender: MailSender, receivedAt: Date | undefined): Promise<IngestResult> {
  const subscriber = sender.subscriber;
  const actor: CustomerActor = subscriber
    ? { kind: 'customer', id: subscriber.id, resellerId: subscriber.resellerId ?? null, ...nameOf(subscriber.name ?? sender.name) }
    : { kind: 'customer', id: guestSubscriberId(sender.address), resellerId: null, ...nameOf(sender.name ?? sender.address) };
  const { body, fullText } = mailBody(mail.text, { reply: false, maxLength: ctx.config.maxBodyLength });
  const write = intakeWrite(ctx, mail, sender, subscriber ? (subscriber.resellerId ?? null) : null, fullText, receivedAt);
  const department = mailDepartment(ctx.config, mail);
  const input = { subject: ticketSubject(mail.subject, ctx.numbers), body, ...(department ? { department } : {}) };
  const ticket = await createTicket(ctx, actor, input, auditContext(mail), write);
  return { outcome: 'created', ticketId: ticket.id, messageId: write.messageId(), emailMessageId: mail.messageId, droppedAttachments: write.dropped() };
}

/** Adds the mail to the ticket it answers, as its customer's reply. */
async function reply(
  ctx: ServiceContext,
  mail: ParsedMail,
  sender: MailSender,
  thread: MailThread,
  receivedAt: Date | undefined,
): Promise<IngestResult> {
  const { ticket } = thread;
  const actor: CustomerActor = {
    kind: 'customer',
    id: ticket.subscriberId,
    resellerId: ticket.resellerId,
    ...nameOf(sender.subscriber?.name ?? sender.name ?? sender.address),
  };
  const { body, fullText } = mailBody(mail.text, { reply: true, maxLength: ctx.config.maxBodyLength });
  const write = intakeWrite(ctx, mail, sender, ticket.resellerId, fullText, receivedAt);
  await addReply(ctx, actor, ticket.id, { body }, auditContext(mail), write);
  return { outcome: 'replied', ticketId: ticket.id, messageId: write.messageId(), emailMessageId: mail.messageId, droppedAttachments: write.dropped() };
}

/** The mail's part of the write, and what it learnt (the message written, the files dropped). */
function intakeWrite(
  ctx: ServiceContext,
  mail: ParsedMail,
  sender: MailSender,
  resellerId: string | null,
  fullText: string | null,
  receivedAt: Date | undefined,
): IntakeWrite & { messageId(): string | null; dropped(): DroppedAttachment[] } {
  const email: MessageEmail = { messageId: mail.messageId, from: sender.address, fullText };
  let written: string | null = null;
  let dropped: DroppedAttachment[] = [];
  return {
    resellerId,
    requesterEmail: sender.address,
    email,
    async stage(): Promise<StagedAttachments> {
      const files = await stageMailAttachments(ctx, mail.attachments);
      dropped = files.dropped;
      return files.staged;
    },
    async record(tx, ticketId, messageId) {
      await tx.insertEmailMessage(ctx.tenantId, {
        messageId: mail.messageId,
        ticketId,
        ticketMessageId: messageId,
        direction: 'in',
        createdAt: receivedAt ?? ctx.clock(),
      });
      written = messageId;
    },
    messageId: () => written,
    dropped: () => dropped,
  };
}

/** The audit trail's context of an emailed write: the Message-ID as the request id. */
function auditContext(mail: ParsedMail): RequestContext {
  return { userAgent: 'ticketry ingestEmail', requestId: mail.messageId };
}

function nameOf(name: string | null | undefined): { name?: string } {
  return name ? { name: cutAt(name, 200) } : {};
}

function skipped(outcome: 'ignored' | 'refused', reason: IngestReason, emailMessageId: string, detail: string): IngestResult {
  return { outcome, ticketId: null, messageId: null, emailMessageId, reason, detail, droppedAttachments: [] };
}

function duplicate(emailMessageId: string, ticketId: string): IngestResult {
  return { outcome: 'duplicate', ticketId, messageId: null, emailMessageId, droppedAttachments: [] };
}

function parseOptions(options: unknown): Date | undefined {
  if (options === undefined || options === null) return undefined;
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new ValidationError('ingestEmail options must be an object such as { receivedAt }', 'options');
  }
  const { receivedAt, ...rest } = options as { receivedAt?: unknown };
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw new ValidationError(`Unknown ingestEmail option "${unknown[0]}"`, `options.${unknown[0]}`);
  if (receivedAt === undefined) return undefined;
  if (!(receivedAt instanceof Date) || Number.isNaN(receivedAt.getTime())) {
    throw new ValidationError('options.receivedAt must be a valid Date', 'options.receivedAt');
  }
  // As every other instant: MariaDB refused the year 10000 with the driver's text where the
  // other stores kept it.
  if (!inInstantRange(receivedAt)) throw new ValidationError(`options.receivedAt ${RANGE_MESSAGE}`, 'options.receivedAt');
  return receivedAt;
}

/** The Message-ID in the headers at the start of a mail refused unread; `''` when none is there. */
function headMessageId(head: Buffer): string {
  const text = head.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const headers = (end === -1 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const line = /^message-id[ \t]*:(.*)$/im.exec(headers);
  const id = line ? splitMessageIds(line[1]!)[0] : undefined;
  return (id !== undefined ? normalizeMessageId(id) : null) ?? '';
}
