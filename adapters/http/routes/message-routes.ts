/**
 * Staff operations on one message: hide it from the customer, show it again, edit its text.
 */
import { parseInput } from '../../../src/validate.js';
import { messageSchema } from '../openapi/response-schemas.js';
import { editMessageBodySchema } from '../request-schemas.js';
import { ok, type RouteDef } from '../route-kit.js';

export const messageRoutes: RouteDef[] = [
  {
    method: 'POST',
    path: '/messages/:id/hide',
    operationId: 'hideMessage',
    summary: 'Hide a message from the customer (staff still see it, marked hidden)',
    tag: 'messages',
    response: { status: 200, description: 'The message afterwards', schema: messageSchema },
    errors: ['forbidden', 'not_found', 'locked'],
    handle: async ({ desk, actor, context, params }) => ok(await desk.hideMessage(actor, params.id!, context)),
  },
  {
    method: 'POST',
    path: '/messages/:id/unhide',
    operationId: 'unhideMessage',
    summary: 'Show a hidden message to the customer again',
    tag: 'messages',
    response: { status: 200, description: 'The message afterwards', schema: messageSchema },
    errors: ['forbidden', 'not_found', 'locked'],
    handle: async ({ desk, actor, context, params }) => ok(await desk.unhideMessage(actor, params.id!, context)),
  },
  {
    method: 'PATCH',
    path: '/messages/:id',
    operationId: 'editMessage',
    summary: "Replace a message's text (earlier versions stay in the audit trail)",
    tag: 'messages',
    body: { schema: editMessageBodySchema, required: true },
    response: { status: 200, description: 'The message afterwards', schema: messageSchema },
    errors: ['forbidden', 'not_found', 'locked'],
    handle: async ({ desk, actor, context, params, body }) => {
      const { body: text } = parseInput(editMessageBodySchema, await body(), 'message edit');
      return ok(await desk.editMessage(actor, params.id!, text, context));
    },
  },
];
