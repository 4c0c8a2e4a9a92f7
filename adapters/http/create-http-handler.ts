/**
 * `createHttpHandler`: ticketry's routes as one standard fetch handler,
 * `(request: Request) => Promise<Response>`, over a `TicketService`. The host's
 * `authenticate` turns a request into the acting `Actor` (or `null`: 401); everything
 * else — what the actor may see and do — is the service's decision, as in-process.
 * Routing is Hono's; the handler never throws: every failure is a JSON error response.
 */
import { Hono } from 'hono';
import { ConfigError, InternalError, NotFoundError, ValidationError } from '../../src/errors.js';
import { actorSchema } from '../../src/schemas.js';
import type { TicketService } from '../../src/service/create-ticket-service.js';
import type { Actor, RequestContext } from '../../src/types.js';
import { DEFAULT_MAX_BODY_BYTES, readJsonObject } from './body-limits.js';
import { HttpError, errorResponse, mapError } from './error-response.js';
import { isMultipart, readMultipart } from './multipart-upload.js';
import { openApiRoute, type OpenApiInfo } from './openapi/openapi-route.js';
import { coerceQuery } from './query-coercion.js';
import { requestContextOf, type ClientIpOption } from './request-context.js';
import type { RouteDef, RouteMethod, RouteResult } from './route-kit.js';
import { attachmentRoutes } from './routes/attachment-routes.js';
import { filterRoutes } from './routes/filter-routes.js';
import { messageRoutes } from './routes/message-routes.js';
import { ticketActionRoutes } from './routes/ticket-action-routes.js';
import { ticketRoutes } from './routes/ticket-routes.js';

/** Options of `createHttpHandler`. */
export interface HttpHandlerOptions {
  desk: TicketService;
  /**
   * The acting actor from the host's own session, or `null` when nobody is signed in (401).
   * Build it server-side from the session, never from anything the request claims.
   */
  authenticate(request: Request): Actor | null | Promise<Actor | null>;
  /** Where the routes are mounted: every path is `basePath` + the route. @default '/api' */
  basePath?: string;
  /**
   * How to find the client's IP for the audit trail. A fetch `Request` has no peer
   * address, so by default none is recorded. Pass a function (e.g. Bun's
   * `server.requestIP(request)?.address`, or your framework's), or `'x-forwarded-for'` when
   * the app runs behind a proxy you trust to set that header (its last entry is used).
   * @default undefined (no IP)
   */
  clientIp?: ClientIpOption;
  /** Largest JSON body in bytes; more is 413. @default 1048576 (1 MiB) */
  maxBodyBytes?: number;
  /**
   * Largest `multipart/form-data` body in bytes; more is 413. Each file is still checked
   * against `config.attachments` by the service.
   * @default config.attachments.maxFileBytes × maxFiles + maxBodyBytes
   */
  maxUploadBytes?: number;
  /**
   * The status of a policy refusal (`refused`), from the refusal's reason (your
   * `policy` hook's `code`): e.g. 402 for a spent quota. A status outside 400–499 is 403.
   * @default () => 403
   */
  refusedStatus?(reason: string): number;
  /**
   * Called with every error that became a 500 (`internal`, `config`, a throwing
   * `authenticate`), which the client sees only as a generic message.
   * @default logs with console.error
   */
  onError?(error: unknown, request: Request): void;
  /** The `info` of the OpenAPI document at `{basePath}/openapi.json`; `false` serves none. @default { title: 'ticketry', version: <package version> } */
  openapi?: false | OpenApiInfo;
}

/** What one request carries through Hono (as its `env`). */
interface Bindings {
  context: RequestContext;
}

const JSON_HEADERS = { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' };
const METHODS: readonly RouteMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** The routes in the order they are matched (fixed paths before parameters). */
export const HTTP_ROUTES: readonly RouteDef[] = [
  ...ticketActionRoutes.filter((r) => r.path === '/tickets/bulk'),
  ...ticketRoutes,
  ...ticketActionRoutes.filter((r) => r.path !== '/tickets/bulk'),
  ...messageRoutes,
  ...filterRoutes,
  ...attachmentRoutes,
];

/** ticketry's routes as a fetch handler. It never throws: a failure is a JSON error response. */
export function createHttpHandler(options: HttpHandlerOptions): (request: Request) => Promise<Response> {
  const { desk, authenticate } = options;
  if (!desk || typeof desk.create !== 'function') {
    throw new ConfigError('createHttpHandler needs `desk`: the TicketService from createTicketService', { params: { field: 'desk' } });
  }
  if (typeof authenticate !== 'function') {
    throw new ConfigError('createHttpHandler needs `authenticate(request)`: the acting Actor from your session, or null', {
      params: { field: 'authenticate' },
    });
  }
  const basePath = normaliseBasePath(options.basePath ?? '/api');
  const maxBodyBytes = positive(options.maxBodyBytes, DEFAULT_MAX_BODY_BYTES, 'maxBodyBytes');
  const limits = desk.config.attachments;
  const maxUploadBytes = positive(
    options.maxUploadBytes,
    limits.maxFileBytes * Math.max(1, limits.maxFiles) + maxBodyBytes,
    'maxUploadBytes',
  );
  const refusedStatus = options.refusedStatus ?? (() => 403);
  const report =
    options.onError ?? ((error: unknown) => console.error('ticketry/http: a request failed on the server', error));

  const fail = (error: unknown, request: Request): Response => {
    let mapped;
    try {
      mapped = mapError(error, refusedStatus);
    } catch (hostError) {
      // A `refusedStatus` that throws: the refusal still answers, as 403.
      mapped = mapError(error, () => 403);
      safeReport(report, hostError, request);
    }
    if (mapped.unexpected) safeReport(report, error, request);
    return errorResponse(mapped, JSON_HEADERS);
  };

  const routes = options.openapi === false ? HTTP_ROUTES : [...HTTP_ROUTES, openApiRoute(HTTP_ROUTES, basePath, options.openapi)];
  const app = new Hono<{ Bindings: Bindings }>();
  for (const route of routes) {
    const paths = route.customerAlias ? [route.path, `/customer${route.path}`] : [route.path];
    for (const path of paths) {
      app.on(route.method, join(basePath, path), async (c) => {
        const request = c.req.raw;
        const context = c.env.context;
        let actor: Actor | null = null;
        if (!route.public) {
          let given: Actor | null;
          try {
            given = await authenticate(request);
          } catch (error) {
            throw new InternalError('authenticate threw', { cause: error, params: { callback: 'authenticate' } });
          }
          if (given === null || given === undefined) throw new HttpError('unauthenticated', 'Sign in first: this request carries no session');
          const checked = actorSchema().safeParse(given);
          if (!checked.success) {
            throw new InternalError('authenticate returned something that is not an Actor', {
              cause: checked.error,
              params: { callback: 'authenticate' },
            });
          }
          actor = given;
        }
        const query = coerceQuery(new URL(request.url), route.query ?? {});
        const result = await route.handle({
          request,
          params: c.req.param() as Record<string, string>,
          query,
          actor: actor as Actor,
          context,
          desk,
          body: async () => {
            if (route.multipart && isMultipart(request)) return readMultipart(request, route.multipart, maxUploadBytes);
            const body = await readJsonObject(request, maxBodyBytes);
            if (route.multipart && Object.hasOwn(body, 'attachments')) {
              throw new ValidationError('Files cannot go in JSON: send the request as multipart/form-data with the files as file parts', 'attachments');
            }
            return body;
          },
        });
        return toResponse(result);
      });
    }
  }
  app.onError((error, c) => fail(error, c.req.raw));
  app.notFound((c) => {
    const path = new URL(c.req.url).pathname;
    const allowed = METHODS.filter((m) => app.router.match(m, path)[0].length > 0);
    if (allowed.length > 0) {
      return fail(new HttpError('method_not_allowed', `${c.req.method} is not allowed here; use ${allowed.join(', ')}`, { Allow: allowed.join(', ') }), c.req.raw);
    }
    return fail(new NotFoundError(`No route for ${c.req.method} ${path}`), c.req.raw);
  });

  return async (request: Request): Promise<Response> => {
    let requestId: string | undefined;
    try {
      const context = requestContextOf(request, options.clientIp);
      requestId = context.requestId;
      const response = await app.fetch(request, { context });
      return withRequestId(response, requestId);
    } catch (error) {
      const response = fail(error, request);
      return requestId ? withRequestId(response, requestId) : response;
    }
  };
}

function toResponse(result: RouteResult): Response {
  if (result instanceof Response) return result;
  if (result.status === 204) return new Response(null, { status: 204, headers: { 'Cache-Control': 'no-store' } });
  return new Response(JSON.stringify(result.json), { status: result.status ?? 200, headers: JSON_HEADERS });
}

function withRequestId(response: Response, requestId: string): Response {
  try {
    response.headers.set('X-Request-Id', requestId);
    return response;
  } catch {
    // Immutable headers (a response passed through from fetch): copy it.
    const copy = new Response(response.body, response);
    copy.headers.set('X-Request-Id', requestId);
    return copy;
  }
}

function safeReport(report: (error: unknown, request: Request) => void, error: unknown, request: Request): void {
  try {
    report(error, request);
  } catch {
    // A logger that throws must not turn an error response into a crash.
  }
}

function normaliseBasePath(basePath: string): string {
  if (typeof basePath !== 'string' || (basePath !== '' && !/^\/[A-Za-z0-9._~\-/]*$/.test(basePath))) {
    throw new ConfigError(`basePath must be '' or a path starting with '/', got ${JSON.stringify(basePath)}`, { params: { field: 'basePath' } });
  }
  return basePath.replace(/\/+$/, '');
}

function join(basePath: string, path: string): string {
  return `${basePath}${path}`;
}

function positive(value: number | undefined, fallback: number, field: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new ConfigError(`${field} must be a positive whole number of bytes, got ${String(value)}`, { params: { field } });
  }
  return value;
}
