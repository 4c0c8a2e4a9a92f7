/**
 * `ticketry/http`: ticketry's routes as a standard fetch handler (`Request` in,
 * `Response` out) that Hono, Bun, Deno, Next.js route handlers mount as is, and
 * Express, Fastify or node:http through a small adapter.
 */
export { createHttpHandler, type HttpHandlerOptions } from './create-http-handler.js';
