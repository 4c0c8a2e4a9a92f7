/**
 * The JSON shapes the HTTP API answers with, in zod, for the OpenAPI document (and for the
 * tests, which parse real responses with them: the customer shapes are strict, so a staff
 * field that leaked into a customer's answer fails). Dates are ISO 8601 strings, as
 * `JSON.stringify` writes them. The compile-time checks at the bottom tie each schema to
 * ticketry's TypeScript type, so a field added to `Ticket` and forgotten here breaks the
 * build instead of the document.
 */
import type { output } from 'zod';
import type { CustomerMessage, CustomerTicket, CustomerTicketSummary } from '../../../src/customer-view.js';
import type { BulkResult } from '../../../src/service/bulk-actions.js';
import type {
  Attachment,
  AuditEntry,
  Message,
  SavedFilter,
  Ticket,
  TicketSlaState,
  TicketStats,
  TicketSummary,
} from '../../../src/types.js';
import { STATUSES } from '../../../src/types.js';
import { loadZod } from '../../../src/zod-loader.js';

const z = loadZod();

const instant = z.iso.datetime({ offset: true }).describe('ISO 8601 timestamp (UTC)');
const nullableInstant = instant.nullable();
const status = z.enum(STATUSES as ['open', 'in_progress', 'pending', 'on_hold', 'resolved', 'closed']);
const authorType = z.enum(['customer', 'staff', 'system']);

export const attachmentSchema = z.strictObject({
  id: z.string(),
  filename: z.string().describe('The display name, sanitised (never a path)'),
  contentType: z.string().describe('The type recognised from the content'),
  size: z.number().int().describe('Bytes'),
});

export const systemNoteSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('status_changed'), from: status, to: status }),
  z.strictObject({ kind: z.literal('assigned'), from: z.string().nullable(), to: z.string().nullable() }),
  z.strictObject({ kind: z.literal('priority_changed'), from: z.string(), to: z.string() }),
  z.strictObject({ kind: z.literal('category_changed'), from: z.string(), to: z.string() }),
  z.strictObject({ kind: z.literal('department_changed'), from: z.string().nullable(), to: z.string().nullable() }),
  z.strictObject({ kind: z.literal('auto_closed'), afterHours: z.number() }),
  z.strictObject({ kind: z.literal('merged_into'), targetId: z.string(), targetNumber: z.string() }),
  z.strictObject({ kind: z.literal('merged_from'), sourceId: z.string(), sourceNumber: z.string() }),
  z.strictObject({ kind: z.literal('split_to'), ticketId: z.string(), ticketNumber: z.string() }),
  z.strictObject({ kind: z.literal('split_from'), ticketId: z.string(), ticketNumber: z.string() }),
]);

export const slaStateSchema = z.strictObject({
  firstResponseElapsed: z.number(),
  resolutionElapsed: z.number(),
  clockAt: nullableInstant,
  firstResponseRemaining: z.number().nullable(),
  resolutionRemaining: z.number().nullable(),
  firstResponseWarnAt: nullableInstant,
  resolutionWarnAt: nullableInstant,
  firstResponseWarnedAt: nullableInstant,
  resolutionWarnedAt: nullableInstant,
  firstResponseBreachedAt: nullableInstant,
  resolutionBreachedAt: nullableInstant,
  firstResponseMet: z.boolean().nullable(),
  resolutionMet: z.boolean().nullable(),
});

/** A ticket as staff and the system see it. */
export const ticketSchema = z.strictObject({
  id: z.string(),
  number: z.string().describe('The human number, e.g. TKT-42'),
  subject: z.string(),
  category: z.string(),
  department: z.string().nullable(),
  priority: z.string(),
  status,
  subscriberId: z.string(),
  resellerId: z.string().nullable(),
  assigneeId: z.string().nullable(),
  createdByType: authorType,
  createdById: z.string().nullable(),
  createdAt: instant,
  updatedAt: instant,
  statusChangedAt: instant,
  version: z.number().int(),
  archived: z.boolean(),
  deletedAt: nullableInstant,
  firstResponseAt: nullableInstant,
  resolvedAt: nullableInstant,
  firstResponseDueAt: nullableInstant,
  resolutionDueAt: nullableInstant,
  deadlineAt: nullableInstant,
  attention: z.number(),
  sla: slaStateSchema,
  mergedIntoId: z.string().nullable(),
  lockedById: z.string().nullable(),
  lockedByName: z.string().nullable(),
  lockedUntil: nullableInstant,
  raised: z.boolean(),
  customerPriority: z.string(),
  waitingSince: nullableInstant,
  customerMessageAt: nullableInstant,
  addressedTo: z.enum(['reseller', 'operator']),
  requesterResellerId: z.string().nullable(),
  channel: z.enum(['web', 'email']),
  requesterEmail: z.string().nullable(),
});

/** A row of the staff list. */
export const ticketSummarySchema = ticketSchema.extend({
  replyCount: z.number().int(),
  lastReplyAt: nullableInstant,
  favorite: z.boolean(),
  unread: z.boolean(),
  waitingSeconds: z.number().nullable(),
});

/** A ticket as its customer sees it: no staff ids, no SLA bookkeeping, no internal activity. */
export const customerTicketSchema = z.strictObject({
  id: z.string(),
  number: z.string(),
  subject: z.string(),
  category: z.string(),
  department: z.string().nullable(),
  priority: z.string(),
  status,
  createdAt: instant,
  updatedAt: instant.describe('The latest activity the customer can see'),
  resolvedAt: nullableInstant,
  archived: z.boolean(),
  label: z.string().describe('The status as the portal names it (config.customerStatuses)'),
});

/** A row of the customer's list. */
export const customerTicketSummarySchema = customerTicketSchema.extend({
  replyCount: z.number().int(),
  lastReplyAt: nullableInstant,
});

/** A message as staff see it. */
export const messageSchema = z.strictObject({
  id: z.string(),
  ticketId: z.string(),
  authorType,
  authorId: z.string().nullable(),
  authorName: z.string().nullable(),
  body: z.string(),
  html: z.string().describe('Sanitised HTML'),
  internal: z.boolean(),
  hidden: z.boolean(),
  opening: z.boolean(),
  system: systemNoteSchema.nullable(),
  createdAt: instant,
  editedAt: nullableInstant,
  attachments: z.array(attachmentSchema),
  email: z
    .strictObject({ messageId: z.string(), from: z.string(), fullText: z.string().nullable() })
    .nullable(),
});

/** A message as its customer sees it: no staff id, no internal or hidden flags (there are none to see). */
export const customerMessageSchema = z.strictObject({
  id: z.string(),
  ticketId: z.string(),
  authorType,
  authorName: z.string().nullable(),
  body: z.string(),
  html: z.string(),
  opening: z.boolean(),
  system: systemNoteSchema.nullable(),
  createdAt: instant,
  editedAt: nullableInstant,
  attachments: z.array(attachmentSchema),
});

export const ticketDetailSchema = z.strictObject({ ticket: ticketSchema, messages: z.array(messageSchema) });
export const customerTicketDetailSchema = z.strictObject({
  ticket: customerTicketSchema,
  messages: z.array(customerMessageSchema),
});

export const replySchema = messageSchema.extend({ ticket: ticketSchema });
export const customerReplySchema = customerMessageSchema.extend({ ticket: customerTicketSchema });

export const ticketPageSchema = z.strictObject({
  items: z.array(ticketSummarySchema),
  nextCursor: z.string().nullable().describe('Pass back as `cursor` for the next page; `null` on the last'),
});
export const customerTicketPageSchema = z.strictObject({
  items: z.array(customerTicketSummarySchema),
  nextCursor: z.string().nullable(),
});

export const auditEntrySchema = z.strictObject({
  id: z.string(),
  ticketId: z.string(),
  action: z.string(),
  actorKind: z.enum(['customer', 'staff', 'system']),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  changes: z.record(z.string(), z.strictObject({ from: z.unknown(), to: z.unknown() })),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  requestId: z.string().nullable(),
  createdAt: instant,
});

export const ticketStatsSchema = z.strictObject({
  counts: z.strictObject({
    open: z.number().int(),
    in_progress: z.number().int(),
    pending: z.number().int(),
    on_hold: z.number().int(),
    resolved: z.number().int(),
    closed: z.number().int(),
  }),
  avgFirstResponseSeconds: z.number().nullable(),
  avgResolutionSeconds: z.number().nullable(),
  avgFirstResponseSlaMinutes: z.number().nullable(),
  avgResolutionSlaMinutes: z.number().nullable(),
  backlog: z.array(z.strictObject({ category: z.string(), priority: z.string(), count: z.number().int() })),
  sla: z.array(
    z.strictObject({
      priority: z.string(),
      firstResponse: z.strictObject({ met: z.number().int(), total: z.number().int() }),
      resolution: z.strictObject({ met: z.number().int(), total: z.number().int() }),
    }),
  ),
  resolutionByCategory: z.array(
    z.strictObject({ category: z.string(), resolved: z.number().int(), avgResolutionSeconds: z.number().nullable() }),
  ),
});

export const savedFilterSchema = z.strictObject({
  id: z.string(),
  staffId: z.string(),
  name: z.string(),
  query: z.record(z.string(), z.unknown()).describe('A list query, as GET /tickets takes it in JSON'),
  createdAt: instant,
  updatedAt: instant,
});

const errorCode = z.enum([
  'validation',
  'not_found',
  'forbidden',
  'conflict',
  'invalid_transition',
  'locked',
  'refused',
  'config',
  'unavailable',
  'internal',
]);

export const bulkResultSchema = z.union([
  z.strictObject({ ticketId: z.string(), ok: z.literal(true), ticket: ticketSchema.nullable() }),
  z.strictObject({
    ticketId: z.string(),
    ok: z.literal(false),
    error: z.strictObject({
      code: errorCode,
      message: z.string(),
      params: z.record(z.string(), z.unknown()).optional(),
    }),
  }),
]);

export const mergeResultSchema = z.strictObject({ source: ticketSchema, target: ticketSchema });
export const splitResultSchema = z.strictObject({ source: ticketSchema, ticket: ticketSchema });

/** Every error response. */
export const errorSchema = z.strictObject({
  error: z.strictObject({
    code: z.enum([...errorCode.options, 'unauthenticated', 'payload_too_large', 'unsupported_media_type', 'method_not_allowed']),
    message: z.string(),
    field: z.string().optional().describe('validation: the first invalid field (dot path)'),
    issues: z
      .array(z.strictObject({ field: z.string().nullable(), message: z.string() }))
      .optional()
      .describe('validation: every invalid field'),
    params: z.record(z.string(), z.unknown()).optional().describe('machine-readable details (refused: `reason`; locked: `holderName`, `until`)'),
  }),
});

// ---- compile-time checks: each schema is exactly its type as JSON ----

/** `T` after `JSON.stringify`/`JSON.parse`: Dates become strings. */
type Json<T> = T extends Date
  ? string
  : T extends readonly (infer U)[]
    ? Json<U>[]
    : T extends object
      ? { [K in keyof T]: Json<T[K]> }
      : T;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
function same<_A, _B>(_check: Same<_A, _B>): void {}

same<output<typeof attachmentSchema>, Json<Attachment>>(true);
same<output<typeof slaStateSchema>, Json<TicketSlaState>>(true);
same<output<typeof ticketSchema>, Json<Ticket>>(true);
same<output<typeof ticketSummarySchema>, Json<TicketSummary>>(true);
same<output<typeof customerTicketSchema>, Json<CustomerTicket>>(true);
same<output<typeof customerTicketSummarySchema>, Json<CustomerTicketSummary>>(true);
same<output<typeof messageSchema>, Json<Message>>(true);
same<output<typeof customerMessageSchema>, Json<CustomerMessage>>(true);
same<output<typeof auditEntrySchema>['changes'], Json<AuditEntry>['changes']>(true);
same<Omit<output<typeof auditEntrySchema>, 'changes'>, Omit<Json<AuditEntry>, 'changes'>>(true);
same<output<typeof ticketStatsSchema>, Json<TicketStats>>(true);
same<Omit<output<typeof savedFilterSchema>, 'query'>, Omit<Json<SavedFilter>, 'query'>>(true);
same<output<typeof bulkResultSchema>['ticketId'], BulkResult['ticketId']>(true);
