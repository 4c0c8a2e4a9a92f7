/**
 * The public shapes of ticketry: actors, tickets, messages, audit entries and the
 * queries hosts send. Every timestamp is a `Date` in UTC; ids are opaque strings.
 */

/** A permission a staff actor can hold. Mirrors the ProxPanel permission table. */
export type Permission =
  | 'tickets.view'
  | 'tickets.view_all'
  | 'tickets.create'
  | 'tickets.edit'
  | 'tickets.reply'
  | 'tickets.delete';

/** A subscriber acting from the customer portal. */
export interface CustomerActor {
  kind: 'customer';
  /** The subscriber id, taken from the host's session, never from input. */
  id: string;
  /** The reseller the subscriber belongs to; `null`/absent for the operator's own subscribers. */
  resellerId?: string | null;
  name?: string;
  /**
   * Set when a reseller's staff member acts as the reseller, a customer of the operator
   * (ISPmanager's levels): `id` is the staff member, and the actor sees the tickets the
   * reseller opened to the operator, as a customer sees them. Build it with
   * `resellerRequester(staff)`.
   */
  requesterResellerId?: string;
}

/** An operator or reseller employee. */
export interface StaffActor {
  kind: 'staff';
  id: string;
  name?: string;
  /** `null`/absent: operator staff (sees the whole tenant). Set: reseller staff. */
  resellerId?: string | null;
  permissions: readonly Permission[];
}

/** ticketry itself or a trusted host job (auto-close, SLA scans, imports). Sees everything. */
export interface SystemActor {
  kind: 'system';
}

/** Who performs an operation. Built by the host from its own session, server-side. */
export type Actor = CustomerActor | StaffActor | SystemActor;

/** Where a call came from; recorded in the audit trail. */
export interface RequestContext {
  ip?: string;
  userAgent?: string;
  requestId?: string;
}

/** The status of a ticket. `archived` and soft delete are flags, not statuses. */
export type Status = 'open' | 'in_progress' | 'pending' | 'on_hold' | 'resolved' | 'closed';

/** Every status, in lifecycle order. */
export const STATUSES: readonly Status[] = [
  'open',
  'in_progress',
  'pending',
  'on_hold',
  'resolved',
  'closed',
];

/** Statuses that count as unresolved (the backlog). */
export const UNRESOLVED_STATUSES: readonly Status[] = ['open', 'in_progress', 'pending', 'on_hold'];

/** Who wrote a message. */
export type AuthorType = 'customer' | 'staff' | 'system';

/** A ticket as stored. */
export interface Ticket {
  id: string;
  /** The human number, e.g. `TKT-42`, `TKT-2026-0042`, `TK-000042`. Unique per tenant. */
  number: string;
  subject: string;
  category: string;
  /** The department the ticket is routed to, or `null`. */
  department: string | null;
  priority: string;
  status: Status;
  /** The subscriber the ticket belongs to. */
  subscriberId: string;
  /** The subscriber's reseller; `null` for the operator's own subscribers. */
  resellerId: string | null;
  assigneeId: string | null;
  createdByType: AuthorType;
  createdById: string | null;
  createdAt: Date;
  /** Bumped by every change, including replies. */
  updatedAt: Date;
  /** When the status last changed. Drives auto-close. */
  statusChangedAt: Date;
  /** Optimistic concurrency token; starts at 1, +1 on every write. */
  version: number;
  /** Only closed tickets can be archived; any customer reply un-archives. */
  archived: boolean;
  /** Soft delete; a deleted ticket is invisible to everything but restore. */
  deletedAt: Date | null;
  /** First public staff reply (or creation, when staff opened the ticket). */
  firstResponseAt: Date | null;
  /** Latest transition into `resolved` or `closed`; cleared by a reopen. */
  resolvedAt: Date | null;
  /** When first response is due; `null` once met, while paused, or with no target. */
  firstResponseDueAt: Date | null;
  /** When resolution is due; `null` once resolved, while paused, or with no target. */
  resolutionDueAt: Date | null;
  /** Per-ticket deadline overriding the resolution target (BILLmanager's deadline). */
  deadlineAt: Date | null;
  /**
   * Sort weight for the staff queue, derived by the core: the rank of the priority when
   * the ticket is unresolved and at or above `config.queueFirstPriority`, else 0.
   */
  attention: number;
  /** SLA bookkeeping owned by the core; see the SLA section of the README. */
  sla: TicketSlaState;
  /** On a ticket merged into another (`desk.merge`): the target's id. */
  mergedIntoId: string | null;
  /** The staff member holding the ticket's lock (`desk.lock`), or `null`. An expired lock reads as `null`. */
  lockedById: string | null;
  lockedByName: string | null;
  /** When the lock expires by itself. */
  lockedUntil: Date | null;
  /** Staff raised the priority by hand (BILLmanager's `high_priority`): first in the queue while unresolved. */
  raised: boolean;
  /** The priority the customer chose (BILLmanager's `client_priority`); staff changes to `priority` leave it. */
  customerPriority: string;
  /** Since when the customer has been waiting for staff; `null` when they are not waiting. */
  waitingSince: Date | null;
  /** Time of the latest customer message (drives `unread`). */
  customerMessageAt: Date | null;
  /** Who the ticket is addressed to (ISPmanager's levels): the subscriber's reseller, or the operator. */
  addressedTo: AddressLevel;
  /** Set when a reseller's staff opened the ticket to the operator: the reseller asking. */
  requesterResellerId: string | null;
  /** How the ticket came in (seed 003's `from_gate`): the host's web pages, or email (`desk.ingestEmail`). */
  channel: TicketChannel;
  /** The address an emailed ticket came from: where mail about a guest ticket goes. `null` for web tickets. */
  requesterEmail: string | null;
}

/** Who a ticket is addressed to. */
export type AddressLevel = 'reseller' | 'operator';

/** SLA bookkeeping stored with a ticket. Minutes are open minutes of the target's calendar. */
export interface TicketSlaState {
  /** Open minutes the first-response clock has run, as of `clockAt`. Pauses add nothing. */
  firstResponseElapsed: number;
  /** Open minutes the resolution clock has run, as of `clockAt`. Pauses add nothing. */
  resolutionElapsed: number;
  /** When the elapsed minutes were last brought up to date (the ticket's last change). */
  clockAt: Date | null;
  /** Open minutes that were left when the first-response clock stopped (pause), for display. */
  firstResponseRemaining: number | null;
  /** Open minutes that were left when the resolution clock stopped (pause, resolution), for display. */
  resolutionRemaining: number | null;
  /** When the first-response warning becomes due. */
  firstResponseWarnAt: Date | null;
  /** When the resolution warning becomes due. */
  resolutionWarnAt: Date | null;
  /** Set once, by whichever scan claimed the warning. */
  firstResponseWarnedAt: Date | null;
  resolutionWarnedAt: Date | null;
  /** Set once, by whichever scan claimed the breach. */
  firstResponseBreachedAt: Date | null;
  resolutionBreachedAt: Date | null;
  /** Whether the first response came within target; `null` until it came or with no target. */
  firstResponseMet: boolean | null;
  /** Whether the latest resolution came within target; `null` until resolved or with no target. */
  resolutionMet: boolean | null;
}

/** A ticket in a list, with its thread counted as the actor sees it. */
export interface TicketSummary extends Ticket {
  /** Customer and staff messages after the opening one; internal notes only for staff. */
  replyCount: number;
  /** Time of the latest message counted in `replyCount`, or `null`. */
  lastReplyAt: Date | null;
  /** In the asking staff member's favorites. */
  favorite: boolean;
  /** A customer wrote after the asking staff member last read the ticket. */
  unread: boolean;
  /** Seconds the customer has been waiting for staff (from `waitingSince`), or `null`. */
  waitingSeconds: number | null;
}

/** A staff member's saved list query (BILLmanager's `ticket.setfilter`). */
export interface SavedFilter {
  id: string;
  staffId: string;
  name: string;
  /** The list query, as `desk.list` takes it (JSON: dates as ISO strings). */
  query: Record<string, unknown>;
  createdAt: Date;
  updatedAt: Date;
}

/** A machine-readable system note, so hosts can render it in their own language. */
export type SystemNote =
  | { kind: 'status_changed'; from: Status; to: Status }
  | { kind: 'assigned'; from: string | null; to: string | null }
  | { kind: 'priority_changed'; from: string; to: string }
  | { kind: 'category_changed'; from: string; to: string }
  | { kind: 'department_changed'; from: string | null; to: string | null }
  | { kind: 'auto_closed'; afterHours: number }
  | { kind: 'merged_into'; targetId: string; targetNumber: string }
  | { kind: 'merged_from'; sourceId: string; sourceNumber: string }
  | { kind: 'split_to'; ticketId: string; ticketNumber: string }
  | { kind: 'split_from'; ticketId: string; ticketNumber: string };

/** One entry of a ticket's thread. */
export interface Message {
  id: string;
  ticketId: string;
  authorType: AuthorType;
  /** The customer or staff id; `null` for system notes. */
  authorId: string | null;
  authorName: string | null;
  /** As written: plain text for customers, Markdown for staff, English text for system notes. */
  body: string;
  /** Sanitised HTML, rendered once when the message was written. */
  html: string;
  /** Internal note: staff only, never shown or announced to the customer. */
  internal: boolean;
  /** Hidden from the customer by staff; kept in the database. */
  hidden: boolean;
  /** The message that opened the ticket. */
  opening: boolean;
  /** For system notes: what happened, with its parameters. */
  system: SystemNote | null;
  createdAt: Date;
  editedAt: Date | null;
  /** The files attached to the message, in the order they were attached. */
  attachments: Attachment[];
  /** For a message that came in by email: what the mail was. Staff only; `null` otherwise. */
  email: MessageEmail | null;
}

/** How a ticket came in. */
export type TicketChannel = 'web' | 'email';

/** What an emailed message was. Staff only: the customer's view leaves it out. */
export interface MessageEmail {
  /** The mail's Message-ID, normalised (`normalizeMessageId`), without angle brackets. */
  messageId: string;
  /** The sender's address, lower-cased. */
  from: string;
  /** The text before quoted history and signature were trimmed from `body`; `null` when nothing was trimmed. */
  fullText: string | null;
}

/** A file attached to a message, as messages list it and `getAttachment` describes it. */
export interface Attachment {
  id: string;
  /** The display name, sanitised (never a path). */
  filename: string;
  /** The type its content was recognised as (never the uploader's claim). */
  contentType: string;
  /** Bytes. */
  size: number;
}

/** An attachment as the ticket store keeps it: where its bytes are, and who sent it. */
export interface StoredAttachment extends Attachment {
  ticketId: string;
  messageId: string;
  /** SHA-256 of the content, hex. */
  checksum: string;
  /** The key of the bytes in the blob store; made by ticketry, never from the file name. */
  blobKey: string;
  uploadedByType: AuthorType;
  uploadedById: string | null;
  createdAt: Date;
}

/** A ticket and the part of its thread the actor may see, oldest first. */
export interface TicketDetail {
  ticket: Ticket;
  messages: Message[];
}

/** One audit trail entry. */
export interface AuditEntry {
  id: string;
  ticketId: string;
  /** What happened: `created`, `replied`, `updated`, ... */
  action: string;
  actorKind: Actor['kind'];
  actorId: string | null;
  actorName: string | null;
  /** Field changes, old -> new. Assignee changes carry names when the directory knows them. */
  changes: Record<string, { from: unknown; to: unknown }>;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  createdAt: Date;
}

/**
 * Sort orders for `list`. `relevance` (the default when `q` is given, and only with `q`):
 * an exact ticket number first, then tickets whose number and subject match, then those
 * matched by a message, each group newest first.
 */
export type TicketSort = 'queue' | 'newest' | 'oldest' | 'updated' | 'waiting' | 'relevance';

/** Aggregates returned by `getStats`. */
export interface TicketStats {
  counts: Record<Status, number>;
  /** Mean seconds from creation to first response, over tickets that have one; `null` if none. */
  avgFirstResponseSeconds: number | null;
  /** Mean seconds from creation to resolution, over resolved/closed tickets; `null` if none. */
  avgResolutionSeconds: number | null;
  /**
   * Mean first response time in SLA-calendar minutes (`sla.firstResponseElapsed`: open
   * minutes of the target's calendar — business hours where one is set — pauses left
   * out), over the same tickets as `avgFirstResponseSeconds` whose SLA clock ran
   * (`sla.clockAt` set); `null` if none.
   */
  avgFirstResponseSlaMinutes: number | null;
  /**
   * Mean resolution time in SLA-calendar minutes (`sla.resolutionElapsed`), over the
   * resolved/closed tickets whose SLA clock ran; `null` if none.
   */
  avgResolutionSlaMinutes: number | null;
  /** Unresolved tickets (open, in_progress, pending, on_hold) by category and priority. */
  backlog: { category: string; priority: string; count: number }[];
  /** SLA compliance per priority over the queried tickets that had a target. */
  sla: SlaCompliance[];
  /** Per category: resolved (or closed) tickets and their mean seconds from creation to resolution. */
  resolutionByCategory: CategoryResolution[];
}

/** Resolution time of one category's tickets (seed 000's Reports -> Tickets). */
export interface CategoryResolution {
  category: string;
  resolved: number;
  avgResolutionSeconds: number | null;
}

/** How many tickets of one priority met their SLA targets. */
export interface SlaCompliance {
  priority: string;
  firstResponse: { met: number; total: number };
  resolution: { met: number; total: number };
}

/** A subscriber as the host's directory knows it. */
export interface DirectorySubscriber {
  id: string;
  resellerId: string | null;
  name?: string;
  username?: string;
  email?: string;
  /** The language mail to them is written in (`'en'`, `'es'`, `'ru'`, or one of `emailTemplates`); default `config.email.defaultLanguage`. */
  language?: string;
}

/** A staff member as the host's directory knows it. */
export interface DirectoryStaff {
  id: string;
  name?: string;
  resellerId?: string | null;
  /** Where `emailFor` sends staff notifications; without it staff get no mail. */
  email?: string;
  language?: string;
}

/** The host's lookup of people ticketry refers to by id. */
export interface Directory {
  getSubscriber(id: string): Promise<DirectorySubscriber | null> | DirectorySubscriber | null;
  getStaff(id: string): Promise<DirectoryStaff | null> | DirectoryStaff | null;
  /** The staff ids of a department, for round-robin and least-open assignment. */
  listDepartmentMembers?(department: string): Promise<readonly string[]> | readonly string[];
  /**
   * The subscriber whose address `email` is (lower-cased), for email intake
   * (`desk.ingestEmail`); `null` if none. Without it every sender is unknown.
   */
  findSubscriberByEmail?(email: string): Promise<DirectorySubscriber | null> | DirectorySubscriber | null;
}
