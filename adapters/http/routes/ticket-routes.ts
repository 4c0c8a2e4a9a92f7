/**
 * The ticket routes: open, list, stats, read, reply, update, audit. Served under `/tickets`
 * and, for the customer portal's paths, `/customer/tickets`; what each actor may see and do
 * is the service's decision, exactly as in-process.
 */
import { createTicketInputSchema, replyInputSchema, statsQuerySchema, updatePatchSchema } from '../../../src/schemas.js';
import { loadZod } from '../../../src/zod-loader.js';
import {
  auditEntrySchema,
  customerReplySchema,
  customerTicketDetailSchema,
  customerTicketPageSchema,
  customerTicketSchema,
  replySchema,
  ticketDetailSchema,
  ticketPageSchema,
  ticketSchema,
  ticketStatsSchema,
} from '../openapi/response-schemas.js';
import type { QuerySpec } from '../query-coercion.js';
import { created, ok, type RouteDef } from '../route-kit.js';

const z = loadZod();

/** `GET /tickets`: every key of the service's list query. */
export const LIST_QUERY: QuerySpec = {
  status: 'list',
  priority: 'list',
  category: 'list',
  department: 'list',
  assigneeId: 'assignee',
  subscriberId: 'string',
  q: 'string',
  sort: 'string',
  limit: 'int',
  cursor: 'string',
  archived: 'boolean',
  favorites: 'boolean',
  deleted: 'boolean',
  addressedTo: 'string',
  createdFrom: 'from',
  createdTo: 'to',
};

/** `GET /tickets/stats`: tickets created in `[from, to)`. */
export const STATS_QUERY: QuerySpec = { from: 'from', to: 'to' };

/** Documentation-only shapes of the JSON inputs (files go in multipart, not JSON). */
const createBody = createTicketInputSchema().omit({ attachments: true });
const replyBody = replyInputSchema().omit({ attachments: true });
/** What the service documents as `StatsQuery`, for the parameter list. */
export const statsQueryDoc = statsQuerySchema();

export const ticketRoutes: RouteDef[] = [
  {
    method: 'POST',
    path: '/tickets',
    operationId: 'createTicket',
    summary: 'Open a ticket',
    description:
      'JSON, or multipart/form-data with the same fields as form fields and the files as file parts. ' +
      'Customers open tickets for themselves; staff and the system name the `subscriberId`.',
    tag: 'tickets',
    customerAlias: true,
    body: { schema: createBody, required: true },
    multipart: {
      subject: 'string',
      body: 'string',
      category: 'string',
      priority: 'string',
      department: 'nullable',
      subscriberId: 'string',
      status: 'string',
      assigneeId: 'nullable',
      deadlineAt: 'nullable',
      addressedTo: 'string',
    },
    response: { status: 201, description: 'The ticket opened', schema: ticketSchema, customer: customerTicketSchema },
    errors: ['forbidden', 'refused', 'payload_too_large', 'unsupported_media_type'],
    handle: async ({ desk, actor, context, body }) => created(await desk.create(actor, (await body()) as never, context)),
  },
  {
    method: 'GET',
    path: '/tickets',
    operationId: 'listTickets',
    summary: 'A page of the tickets the actor may see',
    description:
      'Several values as `status=open,pending` or `status=open&status=pending`; `assigneeId=me` or `none`; ' +
      'dates as `2026-03-01` (the start of that day, UTC; as `createdTo`, the whole day) or with a time. ' +
      'Pass `nextCursor` back as `cursor` until it is null.',
    tag: 'tickets',
    customerAlias: true,
    query: LIST_QUERY,
    response: { status: 200, description: 'One page', schema: ticketPageSchema, customer: customerTicketPageSchema },
    errors: ['forbidden'],
    handle: async ({ desk, actor, context, query }) => ok(await desk.list(actor, query as never, context)),
  },
  {
    method: 'GET',
    path: '/tickets/stats',
    operationId: 'ticketStats',
    summary: 'Counts, averages, backlog and SLA compliance of the tickets created in [from, to)',
    tag: 'tickets',
    customerAlias: true,
    query: STATS_QUERY,
    response: { status: 200, description: 'The stats', schema: ticketStatsSchema },
    errors: ['forbidden'],
    handle: async ({ desk, actor, context, query }) => ok(await desk.getStats(actor, query as never, context)),
  },
  {
    method: 'GET',
    path: '/tickets/:idOrNumber',
    operationId: 'getTicket',
    summary: 'A ticket (by id or number) with the thread the actor may see',
    tag: 'tickets',
    customerAlias: true,
    response: { status: 200, description: 'The ticket and its thread', schema: ticketDetailSchema, customer: customerTicketDetailSchema },
    errors: ['forbidden', 'not_found'],
    handle: async ({ desk, actor, context, params }) => ok(await desk.get(actor, params.idOrNumber!, context)),
  },
  {
    method: 'POST',
    path: '/tickets/:id/replies',
    operationId: 'addReply',
    summary: 'Reply, or (staff) add an internal note',
    description: 'JSON, or multipart/form-data with the same fields and the files as file parts.',
    tag: 'tickets',
    customerAlias: true,
    body: { schema: replyBody, required: true },
    multipart: { body: 'string', internal: 'boolean', status: 'string', force: 'boolean' },
    response: { status: 201, description: 'The message written, with the ticket afterwards', schema: replySchema, customer: customerReplySchema },
    errors: ['forbidden', 'not_found', 'invalid_transition', 'locked', 'refused', 'payload_too_large', 'unsupported_media_type'],
    handle: async ({ desk, actor, context, params, body }) =>
      created(await desk.addReply(actor, params.id!, (await body()) as never, context)),
  },
  {
    method: 'PATCH',
    path: '/tickets/:id',
    operationId: 'updateTicket',
    summary: 'Change fields and status',
    tag: 'tickets',
    customerAlias: true,
    body: { schema: updatePatchSchema(), required: true },
    response: { status: 200, description: 'The ticket afterwards', schema: ticketSchema, customer: customerTicketSchema },
    errors: ['forbidden', 'not_found', 'conflict', 'invalid_transition', 'locked'],
    handle: async ({ desk, actor, context, params, body }) =>
      ok(await desk.update(actor, params.id!, (await body()) as never, context)),
  },
  {
    method: 'GET',
    path: '/tickets/:id/audit',
    operationId: 'ticketAudit',
    summary: "The ticket's audit trail (staff)",
    tag: 'tickets',
    customerAlias: true,
    response: { status: 200, description: 'Oldest first', schema: z.array(auditEntrySchema) },
    errors: ['forbidden', 'not_found'],
    handle: async ({ desk, actor, context, params }) => ok(await desk.audit(actor, params.id!, context)),
  },
];
