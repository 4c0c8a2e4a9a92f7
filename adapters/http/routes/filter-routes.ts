/**
 * The acting staff member's saved list queries.
 */
import { parseInput } from '../../../src/validate.js';
import { loadZod } from '../../../src/zod-loader.js';
import { savedFilterSchema } from '../openapi/response-schemas.js';
import { saveFilterBodySchema } from '../request-schemas.js';
import { created, noContent, ok, type RouteDef } from '../route-kit.js';

const z = loadZod();

/** The body as it arrives; the service checks `query` as `list` checks it. */
const saveFilterInput = z.strictObject({ name: z.string(), query: z.record(z.string(), z.unknown()) });

export const filterRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: '/filters',
    operationId: 'listFilters',
    summary: "The acting staff member's saved filters",
    tag: 'filters',
    response: { status: 200, description: 'The filters', schema: z.array(savedFilterSchema) },
    errors: ['forbidden'],
    handle: async ({ desk, actor, context }) => ok(await desk.listFilters(actor, context)),
  },
  {
    method: 'POST',
    path: '/filters',
    operationId: 'saveFilter',
    summary: 'Save a list query under a name (the same name replaces)',
    tag: 'filters',
    body: { schema: saveFilterBodySchema, required: true },
    response: { status: 201, description: 'The filter saved', schema: savedFilterSchema },
    errors: ['forbidden'],
    handle: async ({ desk, actor, context, body }) => {
      const { name, query } = parseInput(saveFilterInput, await body(), 'filter');
      return created(await desk.saveFilter(actor, name, query, context));
    },
  },
  {
    method: 'DELETE',
    path: '/filters/:id',
    operationId: 'deleteFilter',
    summary: 'Delete a saved filter',
    tag: 'filters',
    response: { status: 204, description: 'Deleted' },
    errors: ['forbidden', 'not_found'],
    handle: async ({ desk, actor, context, params }) => {
      await desk.deleteFilter(actor, params.id!, context);
      return noContent();
    },
  },
];
