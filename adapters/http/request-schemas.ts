/**
 * The JSON bodies of routes whose service method takes separate arguments (`merge`'s
 * target, `lock`'s options, ...), checked strictly here so an unknown or missing field is a
 * 400 naming it, like the service's own inputs. The bodies that are a service input as a
 * whole (`create`, `addReply`, `update`) are validated by the service itself.
 */
import { idSchema, listQuerySchema } from '../../src/schemas.js';
import { bulkActionSchema } from '../../src/service/bulk-actions.js';
import { loadZod } from '../../src/zod-loader.js';

// The core's zod (one instance for every schema ticketry builds); loading `ticketry/http`
// builds its route table, so it loads zod at once.
const z = loadZod();

export const mergeBodySchema = z.strictObject({
  /** The ticket the source's messages move into. */
  targetId: idSchema().describe('Id or number of the ticket to merge into'),
});

export const splitBodySchema = z.strictObject({
  fromMessageId: idSchema().describe('This message and every later one move into the new ticket'),
});

export const lockBodySchema = z.strictObject({
  ttlSeconds: z.number().int().min(1).max(86_400).optional().describe('How long the lock lasts (default 900)'),
  force: z.boolean().optional().describe('Take the lock from another staff member (needs tickets.edit)'),
});

export const bulkBodySchema = z.strictObject({
  ticketIds: z.array(idSchema()).max(200).describe('Up to 200 ticket ids or numbers'),
  action: bulkActionSchema(),
});

export const editMessageBodySchema = z.strictObject({
  body: z.string().describe('The new text of the message'),
});

export const saveFilterBodySchema = z.strictObject({
  name: z.string().describe('The filter name (1–100 characters); the same name replaces'),
  query: listQuerySchema().describe('A list query as JSON (arrays for several values, ISO timestamps)'),
});
