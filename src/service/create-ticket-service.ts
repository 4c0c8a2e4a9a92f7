/**
 * `createTicketService`: the ticket domain on top of a store. A thin facade: each method
 * is one operation in its own file (`create-ticket.ts`, `add-reply.ts`, ...), all sharing
 * one `ServiceContext`. Every operation validates its input, decides scope and
 * permissions through `permissions.ts`, applies the status machine and SLA clock, and
 * writes ticket, message, audit entry and outbox events in one transaction; events are
 * emitted after commit.
 */
import { createRequire } from 'node:module';
import { isAbsolute } from 'node:path';
import type { default as Mitt, Emitter } from 'mitt';
import { resolveConfig, type TicketConfig } from '../config.js';
import type { TicketEvent, TicketEventMap } from '../events/event-types.js';
import { parseNumberFormat } from '../numbering.js';
import { redeliver } from '../scheduled/redeliver.js';
import { runScheduledWork, type ScheduledWorkResult } from '../scheduled/run-scheduled-work.js';
import {
  flushEventsOptionsSchema,
  type CreateTicketInput,
  type ListQuery,
  type ReplyInput,
  type StatsQuery,
  type UpdatePatch,
} from '../schemas.js';
import { parseInput } from '../validate.js';
import { SlaClock } from '../sla/sla-clock.js';
import { withStoreFallbacks } from '../store-fallbacks.js';
import type { ReplyFor, TicketDetailFor, TicketFor, TicketSummaryFor } from '../customer-view.js';
import type { Actor, AuditEntry, Message, RequestContext, SavedFilter, Ticket, TicketStats } from '../types.js';
import { addReply } from './add-reply.js';
import { archiveTicket } from './archive-ticket.js';
import { auditTrail } from './audit-trail.js';
import { bulkAction, type BulkAction, type BulkResult } from './bulk-actions.js';
import { createTicket } from './create-ticket.js';
import { deleteTicket, restoreTicket } from './delete-ticket.js';
import { editMessage } from './edit-message.js';
import { favoriteTicket } from './favorites.js';
import { purgeAttachments } from './attachment-purge.js';
import { getAttachment, type AttachmentDownload } from './get-attachment.js';
import { hideMessage } from './hide-message.js';
import { lockTicket, unlockTicket, type LockOptions } from './lock-ticket.js';
import { mergeTickets } from './merge-tickets.js';
import { markTicketRead } from './read-marks.js';
import { deleteFilter, listFilters, saveFilter } from './saved-filters.js';
import { checkRoutingSetup } from './routing.js';
import { splitTicket } from './split-ticket.js';
import { getTicket, listTickets } from './read-tickets.js';
import type { ServiceContext } from './service-context.js';
import { getTicketStats } from './ticket-stats.js';
import { updateTicket } from './update-ticket.js';
import { createDispatcher, type Dispatcher, type DispatcherOptions } from '../events/dispatcher.js';
import { listParkedEvents, retryParkedEvents, type ParkedEventInfo } from '../events/parked-events.js';
import { emailFor } from '../email/email-for.js';
import { ingestEmail } from '../email/ingest-email.js';
import type { EmailForOptions, IngestOptions, IngestResult, OutgoingEmail, RawEmail } from '../email/email-types.js';

import { checkServiceOptions, type TicketServiceOptions } from './service-options.js';

export type { ScheduledWorkResult } from '../scheduled/run-scheduled-work.js';
export type { TicketServiceOptions } from './service-options.js';
export type { BulkAction, BulkResult } from './bulk-actions.js';
export type { LockOptions } from './lock-ticket.js';
export type { AttachmentDownload } from './get-attachment.js';
export type { AttachmentScanDecision, AttachmentScanFile, AttachmentScanner } from './attachment-scan.js';
export type { PolicyDecision, PolicyRefusal, PolicyRequest, TicketPolicy } from './policy.js';
export type { RoutingRecord } from './routing.js';

/** The ticket service. Every method takes an optional last `RequestContext` for the audit trail. */
export interface TicketService {
  readonly tenantId: string;
  readonly config: TicketConfig;
  /** Typed events, emitted after commit. */
  readonly events: Emitter<TicketEventMap>;
  /** Opens a ticket. Customers get their own view of it (`CustomerTicket`). */
  create<A extends Actor>(actor: A, input: CreateTicketInput, context?: RequestContext): Promise<TicketFor<A>>;
  /** The ticket (by id or number, any letter case) with the thread `actor` may see. */
  get<A extends Actor>(actor: A, idOrNumber: string, context?: RequestContext): Promise<TicketDetailFor<A>>;
  /** A page of the tickets `actor` may see. Pass `nextCursor` back as `cursor` until it is `null`. */
  list<A extends Actor>(
    actor: A,
    query?: ListQuery,
    context?: RequestContext,
  ): Promise<{ items: TicketSummaryFor<A>[]; nextCursor: string | null }>;
  /** Adds a reply or internal note; returns the message with the ticket as it is afterwards. */
  addReply<A extends Actor>(actor: A, ticketId: string, input: ReplyInput, context?: RequestContext): Promise<ReplyFor<A>>;
  /** Changes fields and status; returns the ticket as it is afterwards. */
  update<A extends Actor>(actor: A, ticketId: string, patch: UpdatePatch, context?: RequestContext): Promise<TicketFor<A>>;
  getStats(actor: Actor, query?: StatsQuery, context?: RequestContext): Promise<TicketStats>;
  audit(actor: Actor, ticketId: string, context?: RequestContext): Promise<AuditEntry[]>;
  /**
   * Merges a duplicate into another ticket of the same subscriber: the source's messages
   * move into the target in time order, the source closes with a note naming the target.
   */
  merge(actor: Actor, sourceId: string, targetId: string, context?: RequestContext): Promise<{ source: Ticket; target: Ticket }>;
  /** Moves `fromMessageId` and every later message into a new ticket of the same subscriber. */
  split(actor: Actor, ticketId: string, fromMessageId: string, context?: RequestContext): Promise<{ source: Ticket; ticket: Ticket }>;
  /** Hides a message from the customer without deleting it; staff still see it, marked hidden. */
  hideMessage(actor: Actor, messageId: string, context?: RequestContext): Promise<Message>;
  unhideMessage(actor: Actor, messageId: string, context?: RequestContext): Promise<Message>;
  /** Replaces a message's text (re-rendered); earlier versions stay in the audit trail for staff. */
  editMessage(actor: Actor, messageId: string, body: string, context?: RequestContext): Promise<Message>;
  /** Takes (or extends) the staff lock on a ticket. */
  lock(actor: Actor, ticketId: string, options?: LockOptions, context?: RequestContext): Promise<Ticket>;
  /** Releases the lock; another staff member's lock needs `{ force: true }` and `tickets.edit`. */
  unlock(actor: Actor, ticketId: string, options?: { force?: boolean }, context?: RequestContext): Promise<Ticket>;
  /** Adds the ticket to (or removes it from) the acting staff member's favorites. */
  favorite(actor: Actor, ticketId: string, on: boolean, context?: RequestContext): Promise<void>;
  /** Moves the acting staff member's last-read pointer to now (`unread` turns false). */
  markRead(actor: Actor, ticketId: string, context?: RequestContext): Promise<void>;
  /** Saves a list query under a name for the acting staff member (the same name replaces). */
  saveFilter(actor: Actor, name: string, query: ListQuery, context?: RequestContext): Promise<SavedFilter>;
  listFilters(actor: Actor, context?: RequestContext): Promise<SavedFilter[]>;
  deleteFilter(actor: Actor, filterId: string, context?: RequestContext): Promise<void>;
  /** Puts a closed ticket away: it leaves default lists until `archived: true` asks for it. */
  archive<A extends Actor>(actor: A, ticketId: string, context?: RequestContext): Promise<TicketFor<A>>;
  unarchive<A extends Actor>(actor: A, ticketId: string, context?: RequestContext): Promise<TicketFor<A>>;
  /** Soft delete (`tickets.delete`): the ticket vanishes from every read, count and scan. */
  delete(actor: Actor, ticketId: string, context?: RequestContext): Promise<void>;
  restore(actor: Actor, ticketId: string, context?: RequestContext): Promise<Ticket>;
  /**
   * An attachment the actor may see (its message and ticket in scope): what it is, and its
   * bytes as a stream. Anything else is `not_found`.
   */
  getAttachment(actor: Actor, attachmentId: string, context?: RequestContext): Promise<AttachmentDownload>;
  /**
   * Removes the files of a soft-deleted ticket for good (`tickets.delete`): their bytes from
   * the blob store and their rows; returns how many. The ticket stays deleted (and
   * restorable, without its files).
   */
  purgeAttachments(actor: Actor, ticketId: string, context?: RequestContext): Promise<{ removed: number }>;
  /** One staff action over up to 200 tickets, each checked and written on its own. */
  bulk(actor: Actor, ticketIds: readonly string[], action: BulkAction, context?: RequestContext): Promise<BulkResult[]>;
  runScheduledWork(options?: { now?: Date; limit?: number }): Promise<ScheduledWorkResult>;
  /**
   * Emits every event still waiting in the outbox (at most `limit`, default 1000) and
   * returns how many. Call it after committing a host transaction that ticketry wrote in
   * (`store.withTransaction(trx)`); such writes do not emit on their own.
   */
  flushEvents(options?: { limit?: number }): Promise<number>;
  /**
   * A dispatcher for events queued with `dispatch: true`: each event goes to every
   * handler once it succeeds, from exactly one instance at a time; a failing handler is
   * retried with backoff and the event parked after `maxAttempts`.
   */
  dispatcher(options: DispatcherOptions): Dispatcher;
  /** Events the dispatcher gave up on, oldest parked first. */
  listParkedEvents(options?: { limit?: number; cursor?: string | null }): Promise<{ items: ParkedEventInfo[]; nextCursor: string | null }>;
  /** Queues parked events again (these `ids`, or every parked event); resolves to how many. */
  retryParkedEvents(ids?: readonly string[]): Promise<number>;
  /**
   * Takes in a raw RFC 822 mail: opens a ticket, or adds a reply to the ticket it answers
   * (by `In-Reply-To`/`References`, else the number token in the subject), or does
   * nothing and says why (a duplicate, an auto-reply or bounce, an unknown sender).
   */
  ingestEmail(raw: RawEmail, options?: IngestOptions): Promise<IngestResult>;
  /** The mails an event should send (one per recipient), ready for the host's mailer. */
  emailFor(event: TicketEvent, options?: EmailForOptions): Promise<OutgoingEmail[]>;
}

let mitt: typeof Mitt | undefined;

/**
 * mitt, required by the first service rather than on `import('ticketry')`: resolving the
 * package costs ~3 ms of a ~20 ms import. Its CommonJS build exports the function itself.
 */
function loadMitt(): typeof Mitt {
  // `__filename` first in the CJS build: see createPurifier in render/sanitize.ts.
  mitt ??= createRequire(typeof __filename === 'string' && isAbsolute(__filename) ? __filename : import.meta.url)('mitt') as typeof Mitt;
  return mitt;
}

/** Creates a ticket service over `store`. Throws `ConfigError` for a bad option or config. */
export function createTicketService(options: TicketServiceOptions): TicketService {
  const checked = checkServiceOptions(options);
  const config = resolveConfig(options.config);
  checkRoutingSetup(config, checked.directory);
  const ctx: ServiceContext = {
    tenantId: checked.tenantId,
    config,
    store: withStoreFallbacks(options.store),
    clock: checked.clock,
    id: checked.generateId,
    directory: checked.directory,
    policy: checked.policy,
    blobs: checked.blobs,
    scanAttachment: checked.scanAttachment,
    dispatch: checked.dispatch,
    emailTemplates: checked.emailTemplates,
    numbers: parseNumberFormat(config.numberFormat),
    sla: new SlaClock(config),
    events: loadMitt()<TicketEventMap>(),
    onListenerError:
      options.onListenerError ??
      ((error, event) => console.error(`ticketry: a listener of ${event.type} threw`, error)),
  };
  return {
    tenantId: ctx.tenantId,
    config,
    events: ctx.events,
    // Each operation returns the customer's view exactly when the actor is a customer,
    // which is what the `...For<A>` types say; TypeScript cannot follow that through.
    create: (actor, input, context) => createTicket(ctx, actor, input, context) as never,
    get: (actor, idOrNumber, context) => getTicket(ctx, actor, idOrNumber, context) as never,
    list: (actor, query, context) => listTickets(ctx, actor, query, context) as never,
    addReply: (actor, ticketId, input, context) => addReply(ctx, actor, ticketId, input, context) as never,
    update: (actor, ticketId, patch, context) => updateTicket(ctx, actor, ticketId, patch, context) as never,
    getStats: (actor, query, context) => getTicketStats(ctx, actor, query, context),
    audit: (actor, ticketId, context) => auditTrail(ctx, actor, ticketId, context),
    merge: (actor, sourceId, targetId, context) => mergeTickets(ctx, actor, sourceId, targetId, context),
    split: (actor, ticketId, fromMessageId, context) => splitTicket(ctx, actor, ticketId, fromMessageId, context),
    hideMessage: (actor, messageId, context) => hideMessage(ctx, actor, messageId, true, context),
    unhideMessage: (actor, messageId, context) => hideMessage(ctx, actor, messageId, false, context),
    editMessage: (actor, messageId, body, context) => editMessage(ctx, actor, messageId, body, context),
    lock: (actor, ticketId, options, context) => lockTicket(ctx, actor, ticketId, options, context),
    unlock: (actor, ticketId, options, context) => unlockTicket(ctx, actor, ticketId, options, context),
    favorite: (actor, ticketId, on, context) => favoriteTicket(ctx, actor, ticketId, on, context),
    markRead: (actor, ticketId, context) => markTicketRead(ctx, actor, ticketId, context),
    saveFilter: (actor, name, query, context) => saveFilter(ctx, actor, name, query, context),
    listFilters: (actor, context) => listFilters(ctx, actor, context),
    deleteFilter: (actor, filterId, context) => deleteFilter(ctx, actor, filterId, context),
    archive: (actor, ticketId, context) => archiveTicket(ctx, actor, ticketId, true, context) as never,
    unarchive: (actor, ticketId, context) => archiveTicket(ctx, actor, ticketId, false, context) as never,
    delete: (actor, ticketId, context) => deleteTicket(ctx, actor, ticketId, context),
    restore: (actor, ticketId, context) => restoreTicket(ctx, actor, ticketId, context),
    bulk: (actor, ticketIds, action, context) => bulkAction(ctx, actor, ticketIds, action, context),
    getAttachment: (actor, attachmentId, context) => getAttachment(ctx, actor, attachmentId, context),
    purgeAttachments: (actor, ticketId, context) => purgeAttachments(ctx, actor, ticketId, context),
    runScheduledWork: (o) => runScheduledWork(ctx, o),
    // Everything written up to now; claimed atomically, so each event goes out once.
    flushEvents: async (o) => {
      const { limit = 1000 } = parseInput(flushEventsOptionsSchema, o, 'flushEvents options') ?? {};
      return redeliver(ctx, new Date(ctx.clock().getTime() + 1), limit);
    },
    dispatcher: (o) => createDispatcher(ctx, o),
    listParkedEvents: (o) => listParkedEvents(ctx, o),
    retryParkedEvents: (ids) => retryParkedEvents(ctx, ids),
    ingestEmail: (raw, o) => ingestEmail(ctx, raw, o),
    emailFor: (event, o) => emailFor(ctx, event, o),
  };
}
