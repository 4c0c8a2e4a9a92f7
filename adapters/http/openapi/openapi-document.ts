/**
 * The OpenAPI 3.1 document of the HTTP API, built from the same route list the router
 * registers and from zod schemas (`z.toJSONSchema`, JSON Schema 2020-12, which OpenAPI 3.1
 * uses as is): every path and method, its path and query parameters, its request body
 * (JSON, and multipart where files are taken), its success response with the customer's
 * shape beside the staff shape where they differ, and the error responses it can give.
 */
import type { ZodType } from 'zod';
import { loadZod } from '../../../src/zod-loader.js';
import { STATUS_BY_CODE, type HttpErrorCode } from '../error-response.js';
import type { QueryKind } from '../query-coercion.js';
import type { RouteDef } from '../route-kit.js';
import * as shapes from './response-schemas.js';

/** The `info` of the document. */
export interface OpenApiInfo {
  /** @default 'ticketry help desk API' */
  title?: string;
  /** The version of your API. @default '1' */
  version?: string;
  description?: string;
}

type Json = Record<string, unknown>;

const z = loadZod();

/** The response shapes listed under `components.schemas`, by name. */
const NAMED: Record<string, ZodType> = {
  Ticket: shapes.ticketSchema,
  TicketSummary: shapes.ticketSummarySchema,
  TicketPage: shapes.ticketPageSchema,
  TicketDetail: shapes.ticketDetailSchema,
  CustomerTicket: shapes.customerTicketSchema,
  CustomerTicketSummary: shapes.customerTicketSummarySchema,
  CustomerTicketPage: shapes.customerTicketPageSchema,
  CustomerTicketDetail: shapes.customerTicketDetailSchema,
  Message: shapes.messageSchema,
  CustomerMessage: shapes.customerMessageSchema,
  Reply: shapes.replySchema,
  CustomerReply: shapes.customerReplySchema,
  Attachment: shapes.attachmentSchema,
  SystemNote: shapes.systemNoteSchema,
  SlaState: shapes.slaStateSchema,
  AuditEntry: shapes.auditEntrySchema,
  TicketStats: shapes.ticketStatsSchema,
  SavedFilter: shapes.savedFilterSchema,
  BulkResult: shapes.bulkResultSchema,
  MergeResult: shapes.mergeResultSchema,
  SplitResult: shapes.splitResultSchema,
  Error: shapes.errorSchema,
};

const ERROR_TEXT: Record<HttpErrorCode, string> = {
  validation: 'validation: bad input; `field` names the first invalid field, `issues` lists all',
  unauthenticated: 'unauthenticated: no session',
  forbidden: 'forbidden: the actor lacks a permission, or a customer tried a staff operation',
  refused: "refused: the host's policy refused (`params.reason`)",
  not_found: 'not_found: no such ticket, message or file, or out of the actor\'s scope',
  method_not_allowed: 'method_not_allowed',
  conflict: 'conflict: stale `expectedVersion`, or a unique value taken',
  invalid_transition: 'invalid_transition: the status machine forbids it',
  payload_too_large: 'payload_too_large: the body is over the limit',
  unsupported_media_type: 'unsupported_media_type: send JSON (or multipart/form-data where files are taken)',
  locked: "locked: another staff member holds the ticket's lock",
  config: 'config: the server is misconfigured (no details)',
  internal: 'internal: an unexpected server failure (no details)',
  unavailable: 'unavailable: the database is unreachable or busy; retry later (`Retry-After`)',
};

/** Every route answers these besides its own. */
const COMMON_ERRORS: readonly HttpErrorCode[] = ['validation', 'unauthenticated', 'internal', 'unavailable'];

/** Builds the document for `routes` mounted at `basePath`. */
export function openApiDocument(routes: readonly RouteDef[], basePath: string, info: OpenApiInfo = {}): Json {
  const registry = z.registry<{ id: string }>();
  const refs = new Map<ZodType, string>();
  for (const [name, schema] of Object.entries(NAMED)) {
    registry.add(schema, { id: name });
    refs.set(schema, name);
  }
  // Request bodies get names too, so the document lists them once.
  for (const route of routes) {
    if (route.body && !refs.has(route.body.schema)) {
      const name = `${route.operationId[0]!.toUpperCase()}${route.operationId.slice(1)}Body`;
      registry.add(route.body.schema, { id: name });
      refs.set(route.body.schema, name);
    }
  }
  const components = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
    override: (ctx) => {
      const def = (ctx.zodSchema as { _zod: { def: { type: string } } })._zod.def;
      // A Date arrives as its ISO string over HTTP.
      if (def.type === 'date') Object.assign(ctx.jsonSchema, { type: 'string', format: 'date-time' });
    },
  }).schemas as Record<string, Json>;
  for (const schema of Object.values(components)) {
    delete schema.$schema;
    delete schema.$id;
  }

  const ref = (schema: ZodType): Json => {
    const name = refs.get(schema);
    if (name) return { $ref: `#/components/schemas/${name}` };
    if (schema instanceof z.ZodArray && refs.has(schema.element as ZodType)) {
      return { type: 'array', items: ref(schema.element as ZodType) };
    }
    const inline = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Json;
    delete inline.$schema;
    return inline;
  };

  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes) {
    const variants = route.customerAlias ? [route.path, `/customer${route.path}`] : [route.path];
    for (const [i, routePath] of variants.entries()) {
      const path = routePath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      const operation: Json = {
        operationId: i === 0 ? route.operationId : `${route.operationId}AsCustomerPath`,
        summary: route.summary,
        tags: [route.tag],
        ...(route.description ? { description: route.description } : {}),
        ...(i > 0 ? { description: `The same as ${route.method} ${route.path} (the customer portal's path).` } : {}),
        ...(route.public ? { security: [] } : {}),
      };
      const parameters: Json[] = [];
      for (const name of routePath.matchAll(/:([A-Za-z0-9_]+)/g)) {
        parameters.push({ name: name[1], in: 'path', required: true, schema: { type: 'string' } });
      }
      for (const [name, kind] of Object.entries(route.query ?? {})) {
        parameters.push({ name, in: 'query', required: false, ...queryParameter(kind) });
      }
      if (parameters.length) operation.parameters = parameters;
      if (route.body) {
        const content: Json = { 'application/json': { schema: ref(route.body.schema) } };
        if (route.multipart) content['multipart/form-data'] = { schema: multipartSchema(route.multipart) };
        operation.requestBody = { required: route.body.required ?? false, content };
      }
      operation.responses = responses(route, ref);
      (paths[path] ??= {})[route.method.toLowerCase()] = operation;
    }
  }

  return {
    openapi: '3.1.0',
    info: {
      title: info.title ?? 'ticketry help desk API',
      version: info.version ?? '1',
      description:
        info.description ??
        'Every route runs as the actor your `authenticate` returns. Customers get their own shapes ' +
          '(CustomerTicket, CustomerMessage, ...) with no staff ids or internal activity. ' +
          'Errors are `{ "error": { "code", "message", "field"? } }`.',
    },
    servers: [{ url: basePath === '' ? '/' : basePath }],
    paths,
    components: {
      schemas: components,
      securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'session', description: "Your application's own session; ticketry asks your `authenticate`." } },
    },
    security: [{ session: [] }],
  };
}

function responses(route: RouteDef, ref: (schema: ZodType) => Json): Json {
  const out: Json = {};
  const { response } = route;
  if (response.status === 204) {
    out['204'] = { description: response.description };
  } else if (response.media) {
    out[String(response.status)] = {
      description: response.description,
      content: { [response.media]: { schema: { type: 'string', contentMediaType: response.media } } },
    };
  } else if (response.schema) {
    const schema = response.customer
      ? {
          oneOf: [ref(response.schema), ref(response.customer)],
          description: 'Staff and the system get the first shape; customers get the second.',
        }
      : ref(response.schema);
    out[String(response.status)] = { description: response.description, content: { 'application/json': { schema } } };
  }
  const codes = route.public ? ['internal' as const] : [...COMMON_ERRORS, ...(route.errors ?? [])];
  const byStatus = new Map<number, HttpErrorCode[]>();
  for (const code of codes) {
    const status = STATUS_BY_CODE[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  for (const [status, list] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    out[String(status)] = {
      description: list.map((c) => ERROR_TEXT[c]).join('; '),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  return out;
}

function queryParameter(kind: QueryKind): Json {
  switch (kind) {
    case 'list':
      return {
        description: 'One or more values: comma-separated or the key repeated',
        schema: { type: 'array', items: { type: 'string' } },
        style: 'form',
        explode: true,
      };
    case 'int':
      return { schema: { type: 'integer' } };
    case 'boolean':
      return { schema: { type: 'boolean' } };
    case 'from':
      return {
        description: 'A date (2026-03-01: the start of that day, UTC) or a date and time (no zone: UTC)',
        schema: { type: 'string' },
      };
    case 'to':
      return {
        description: 'A date (2026-03-31: up to the end of that day, UTC) or a date and time (no zone: UTC); exclusive',
        schema: { type: 'string' },
      };
    case 'assignee':
      return { description: 'A staff id, `me`, or `none` (unassigned)', schema: { type: 'string' } };
    case 'string':
      return { schema: { type: 'string' } };
  }
}

function multipartSchema(spec: Readonly<Record<string, 'string' | 'nullable' | 'boolean'>>): Json {
  const properties: Json = {};
  for (const [name, kind] of Object.entries(spec)) {
    properties[name] =
      kind === 'boolean'
        ? { type: 'string', enum: ['true', 'false'] }
        : { type: 'string', ...(kind === 'nullable' ? { description: 'Empty for none (null)' } : {}) };
  }
  properties.attachments = {
    type: 'array',
    description: 'The files; any file part counts, in order',
    items: { type: 'string', contentMediaType: 'application/octet-stream' },
  };
  return { type: 'object', properties };
}
