/**
 * The further ticket operations: merge, split, lock, favorite, read marks, archive, soft
 * delete and restore, purging a deleted ticket's files, and bulk actions. Mostly staff
 * work; the service answers a customer with `forbidden` where they have no business.
 */
import { parseInput } from '../../../src/validate.js';
import { loadZod } from '../../../src/zod-loader.js';
import {
  bulkResultSchema,
  customerTicketSchema,
  mergeResultSchema,
  splitResultSchema,
  ticketSchema,
} from '../openapi/response-schemas.js';
import { bulkBodySchema, lockBodySchema, mergeBodySchema, splitBodySchema } from '../request-schemas.js';
import { created, noContent, ok, type RouteDef } from '../route-kit.js';

const z = loadZod();

const ticket = { schema: ticketSchema };

export const ticketActionRoutes: RouteDef[] = [
  {
    method: 'POST',
    path: '/tickets/bulk',
    operationId: 'bulkAction',
    summary: 'One staff action over up to 200 tickets, each checked and written on its own',
    tag: 'ticket actions',
    customerAlias: true,
    body: { schema: bulkBodySchema, required: true },
    response: { status: 200, description: 'What happened to each ticket, in input order', schema: z.array(bulkResultSchema) },
    errors: ['forbidden'],
    handle: async ({ desk, actor, context, body }) => {
      const { ticketIds, action } = parseInput(bulkBodySchema, await body(), 'bulk request');
      return ok(await desk.bulk(actor, ticketIds, action, context));
    },
  },
  {
    method: 'POST',
    path: '/tickets/:id/merge',
    operationId: 'mergeTicket',
    summary: "Merge this ticket into another of the same subscriber",
    tag: 'ticket actions',
    customerAlias: true,
    body: { schema: mergeBodySchema, required: true },
    response: { status: 200, description: 'Both tickets afterwards', schema: mergeResultSchema },
    errors: ['forbidden', 'not_found', 'conflict', 'invalid_transition', 'locked'],
    handle: async ({ desk, actor, context, params, body }) => {
      const { targetId } = parseInput(mergeBodySchema, await body(), 'merge request');
      return ok(await desk.merge(actor, params.id!, targetId, context));
    },
  },
  {
    method: 'POST',
    path: '/tickets/:id/split',
    operationId: 'splitTicket',
    summary: 'Move a message and every later one into a new ticket',
    tag: 'ticket actions',
    customerAlias: true,
    body: { schema: splitBodySchema, required: true },
    response: { status: 201, description: 'The source afterwards and the new ticket', schema: splitResultSchema },
    errors: ['forbidden', 'not_found', 'invalid_transition', 'locked'],
    handle: async ({ desk, actor, context, params, body }) => {
      const { fromMessageId } = parseInput(splitBodySchema, await body(), 'split request');
      return created(await desk.split(actor, params.id!, fromMessageId, context));
    },
  },
  {
    method: 'POST',
    path: '/tickets/:id/lock',
    operationId: 'lockTicket',
    summary: 'Take or extend the staff lock',
    tag: 'ticket actions',
    customerAlias: true,
    body: { schema: lockBodySchema },
    response: { status: 200, description: 'The ticket, locked', ...ticket },
    errors: ['forbidden', 'not_found', 'locked'],
    handle: async ({ desk, actor, context, params, body }) => {
      const options = parseInput(lockBodySchema, await body(), 'lock request');
      return ok(await desk.lock(actor, params.id!, options, context));
    },
  },
  {
    method: 'DELETE',
    path: '/tickets/:id/lock',
    operationId: 'unlockTicket',
    summary: "Release the lock (another staff member's: `?force=true`, needs tickets.edit)",
    tag: 'ticket actions',
    customerAlias: true,
    query: { force: 'boolean' },
    response: { status: 200, description: 'The ticket, unlocked', ...ticket },
    errors: ['forbidden', 'not_found', 'locked'],
    handle: async ({ desk, actor, context, params, query }) =>
      ok(await desk.unlock(actor, params.id!, query.force === undefined ? {} : { force: query.force as boolean }, context)),
  },
  {
    method: 'PUT',
    path: '/tickets/:id/favorite',
    operationId: 'favoriteTicket',
    summary: "Add to the acting staff member's favorites",
    tag: 'ticket actions',
    customerAlias: true,
    response: { status: 204, description: 'Done' },
    errors: ['forbidden', 'not_found'],
    handle: async ({ desk, actor, context, params }) => {
      await desk.favorite(actor, params.id!, true, context);
      return noContent();
    },
  },
  {
    method: 'DELETE',
    path: '/tickets/:id/favorite',
    operationId: 'unfavoriteTicket',
    summary: "Remove from the acting staff member's favorites",
    tag: 'ticket actions',
    customerAlias: true,
    response: { status: 204, description: 'Done' },
    errors: ['forbidden', 'not_found'],
    handle: async ({ desk, actor, context, params }) => {
      await desk.favorite(actor, params.id!, false, context);
      return noContent();
    },
  },
  {
    method: 'POST',
    path: '/tickets/:id/read',
    operationId: 'markTicketRead',
    summary: "Move the acting staff member's read mark to now",
    tag: 'ticket actions',
    customerAlias: true,
    response: { status: 204, description: 'Done' },
    errors: ['forbidden', 'not_found'],
    handle: async ({ desk, actor, context, params }) => {
      await desk.markRead(actor, params.id!, context);
      return noContent();
    },
  },
  {
    method: 'POST',
    path: '/tickets/:id/archive',
    operationId: 'archiveTicket',
    summary: 'Put a closed ticket away',
    tag: 'ticket actions',
    customerAlias: true,
    response: { status: 200, description: 'The ticket afterwards', ...ticket, customer: customerTicketSchema },
    errors: ['forbidden', 'not_found', 'invalid_transition'],
    handle: async ({ desk, actor, context, params }) => ok(await desk.archive(actor, params.id!, context)),
  },
  {
    method: 'POST',
    path: '/tickets/:id/unarchive',
    operationId: 'unarchiveTicket',
    summary: 'Bring an archived ticket back into default lists',
    tag: 'ticket actions',
    customerAlias: true,
    response: { status: 200, description: 'The ticket afterwards', ...ticket, customer: customerTicketSchema },
    errors: ['forbidden', 'not_found'],
    handle: async ({ desk, actor, context, params }) => ok(await desk.unarchive(actor, params.id!, context)),
  },
  {
    method: 'DELETE',
    path: '/tickets/:id',
    operationId: 'deleteTicket',
    summary: 'Soft delete (tickets.delete): gone from every read until restored',
    tag: 'ticket actions',
    customerAlias: true,
    response: { status: 204, description: 'Deleted' },
    errors: ['forbidden', 'not_found'],
    handle: async ({ desk, actor, context, params }) => {
      await desk.delete(actor, params.id!, context);
      return noContent();
    },
  },
  {
    method: 'POST',
    path: '/tickets/:id/restore',
    operationId: 'restoreTicket',
    summary: 'Restore a soft-deleted ticket (tickets.delete)',
    tag: 'ticket actions',
    customerAlias: true,
    response: { status: 200, description: 'The ticket, restored', ...ticket },
    errors: ['forbidden', 'not_found'],
    handle: async ({ desk, actor, context, params }) => ok(await desk.restore(actor, params.id!, context)),
  },
  {
    method: 'POST',
    path: '/tickets/:id/purge-attachments',
    operationId: 'purgeAttachments',
    summary: "Remove a soft-deleted ticket's files for good (tickets.delete)",
    tag: 'ticket actions',
    customerAlias: true,
    response: { status: 200, description: 'How many files were removed', schema: z.strictObject({ removed: z.number().int() }) },
    errors: ['forbidden', 'not_found'],
    handle: async ({ desk, actor, context, params }) => ok(await desk.purgeAttachments(actor, params.id!, context)),
  },
];
