/**
 * `createHttpHandler`: ticketry's routes as one standard fetch handler,
 * `(request: Request) => Promise<Response>`, over a `TicketService`. The host's
 * `authenticate` turns a request into the acting `Actor` (or `null`: 401); everything
 * else — what the actor may see and do — is the service's decision, as in-process.
 */
import { InternalError } from '../../src/errors.js';
import type { TicketService } from '../../src/service/create-ticket-service.js';
import type { Actor } from '../../src/types.js';

/** Options of `createHttpHandler`. (First cut by the lead; the HTTP work fills it in.) */
export interface HttpHandlerOptions {
  desk: TicketService;
  /** The acting actor from the host's own session, or `null` when nobody is signed in (401). */
  authenticate(request: Request): Actor | null | Promise<Actor | null>;
  /** Where the routes are mounted. @default '/api' */
  basePath?: string;
}

/** ticketry's routes as a fetch handler. */
export function createHttpHandler(_options: HttpHandlerOptions): (request: Request) => Promise<Response> {
  throw new InternalError('createHttpHandler is not implemented yet');
}
