/**
 * `ticketry/http`: ticketry's routes as a standard fetch handler (`Request` in,
 * `Response` out) that Hono, Bun, Deno, Next.js route handlers mount as is, and
 * Express, Fastify or node:http through a small adapter.
 */
export { createHttpHandler, type HttpHandlerOptions } from './create-http-handler.js';
export type { ClientIpOption } from './request-context.js';
export type { HttpErrorBody, HttpErrorCode, HttpOnlyErrorCode } from './error-response.js';
export { STATUS_BY_CODE } from './error-response.js';
export type { OpenApiInfo } from './openapi/openapi-document.js';
export { DEFAULT_MAX_BODY_BYTES } from './body-limits.js';
