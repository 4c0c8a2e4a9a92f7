/**
 * What a route is: its method and path, the query keys and body it takes, what it answers,
 * and the function doing it. Routes are data, so the router registration and the OpenAPI
 * document are built from the same list and cannot disagree about what exists.
 */
import type { z } from 'zod';
import type { TicketService } from '../../src/service/create-ticket-service.js';
import type { Actor, RequestContext } from '../../src/types.js';
import type { FormSpec } from './multipart-upload.js';
import type { QuerySpec } from './query-coercion.js';

/** An HTTP method a route answers. */
export type RouteMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a route's function gets. */
export interface RouteCall {
  request: Request;
  /** Path parameters, decoded. */
  params: Record<string, string>;
  /** The query, read by the route's `query` spec. */
  query: Record<string, unknown>;
  actor: Actor;
  context: RequestContext;
  desk: TicketService;
  /** The JSON body as an object (absent: `{}`), or the form's fields and files for multipart routes. */
  body(): Promise<Record<string, unknown>>;
}

/** A route's answer: JSON with a status, no content, or a ready `Response` (downloads). */
export type RouteResult = { status?: 200 | 201; json: unknown } | { status: 204 } | Response;

/** The documentation of one response: its status, what it means, and its JSON shape per audience. */
export interface ResponseDoc {
  status: 200 | 201 | 204;
  description: string;
  /** The body staff and the system get (or everyone, without `customer`). */
  schema?: z.ZodType;
  /** The body a customer gets instead, when it differs. */
  customer?: z.ZodType;
  /** Not JSON: the media type of the body (a download). */
  media?: string;
}

/** One route. */
export interface RouteDef {
  method: RouteMethod;
  /** Relative to `basePath`, with `:name` parameters (Hono's syntax). */
  path: string;
  operationId: string;
  summary: string;
  /** The OpenAPI tag the route is listed under. */
  tag: string;
  /** Longer explanation for the OpenAPI document. */
  description?: string;
  /** Answered without `authenticate` (the OpenAPI document). */
  public?: boolean;
  /** Also served under `/customer` (seed 001's portal paths). */
  customerAlias?: boolean;
  /** The query keys the route takes. None when absent: any key is a 400. */
  query?: QuerySpec;
  /** The JSON body, its schema for documentation; `required` when the route needs one. */
  body?: { schema: z.ZodType; required?: boolean; customer?: z.ZodType };
  /** The route also takes `multipart/form-data` with these fields and files. */
  multipart?: FormSpec;
  /** The success response. */
  response: ResponseDoc;
  /** The error codes this route answers with besides 400/401/500/503. */
  errors?: readonly ('forbidden' | 'not_found' | 'conflict' | 'invalid_transition' | 'locked' | 'refused' | 'payload_too_large' | 'unsupported_media_type')[];
  handle(call: RouteCall): Promise<RouteResult>;
}

/** A JSON answer with 200 (or `status`). */
export const ok = (json: unknown, status: 200 | 201 = 200): RouteResult => ({ status, json });
/** A 201 answer. */
export const created = (json: unknown): RouteResult => ({ status: 201, json });
/** A 204 answer. */
export const noContent = (): RouteResult => ({ status: 204 });
