/**
 * The HTTP tests' setup: a service on a real store (a fresh random tenant per test), the
 * handler over it, and sessions as a host would keep them: the request carries a token
 * (here the `x-session` header), `authenticate` looks up the actor it belongs to. Requests
 * are built with `new Request(...)` and handed to the handler directly, no server.
 */
import { randomUUID } from 'node:crypto';
import { memoryBlobStore } from '../../adapters/blobs/index.js';
import { createHttpHandler, type HttpHandlerOptions } from '../../adapters/http/index.js';
import { createTicketService, type TicketService, type TicketServiceOptions, type TicketStore } from '../../src/index.js';
import { TestClock, TestDirectory } from '../../src/testing/index.js';
import type { Actor, CustomerActor, Permission, StaffActor } from '../../src/types.js';

export const ALL: Permission[] = ['tickets.view', 'tickets.view_all', 'tickets.create', 'tickets.edit', 'tickets.reply', 'tickets.delete'];

/** What a test call returns: the status, the headers and the parsed JSON (or `null` without a body). */
export interface Answer<T = any> {
  status: number;
  headers: Headers;
  json: T;
  response: Response;
}

export interface CallOptions {
  /** A JSON body (serialised), or a ready body (a `FormData`, a string, a stream). */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface HttpDesk {
  desk: TicketService;
  clock: TestClock;
  directory: TestDirectory;
  handler: (request: Request) => Promise<Response>;
  /** Sessions: token → actor. */
  sessions: Map<string, Actor>;
  /** Signs `actor` in and returns its token. */
  signIn(actor: Actor): string;
  /** `method path` as `actor` (or anonymous), relative to `/api`. */
  call<T = any>(actor: Actor | null, method: string, path: string, options?: CallOptions): Promise<Answer<T>>;
  /** An operator staff member (all permissions unless given). */
  operator(permissions?: Permission[]): StaffActor;
  /** A reseller's staff member. */
  resellerStaff(resellerId: string, permissions?: Permission[]): StaffActor;
  /** A subscriber (of `resellerId`, or the operator's own), known to the directory. */
  customer(resellerId?: string | null): CustomerActor;
}

/** A desk and handler on `store`. */
export function httpDesk(
  store: TicketStore,
  handlerOptions: Partial<HttpHandlerOptions> = {},
  serviceOptions: Partial<TicketServiceOptions> = {},
): HttpDesk {
  const clock = new TestClock();
  const directory = new TestDirectory();
  directory.strict = true;
  const desk = createTicketService({
    store,
    tenantId: `t-${randomUUID()}`,
    clock: clock.now,
    directory,
    blobs: memoryBlobStore({ now: clock.now }),
    ...serviceOptions,
  });
  const sessions = new Map<string, Actor>();
  const tokens = new Map<Actor, string>();
  const handler = createHttpHandler({
    desk,
    authenticate: (request) => sessions.get(request.headers.get('x-session') ?? '') ?? null,
    ...handlerOptions,
  });
  const signIn = (actor: Actor) => {
    let token = tokens.get(actor);
    if (!token) {
      token = randomUUID();
      tokens.set(actor, token);
      sessions.set(token, actor);
    }
    return token;
  };
  let staffCount = 0;
  return {
    desk,
    clock,
    directory,
    handler,
    sessions,
    signIn,
    async call(actor, method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (actor) headers['x-session'] = signIn(actor);
      let body: BodyInit | undefined;
      if (options.body instanceof FormData || typeof options.body === 'string' || options.body instanceof ReadableStream) {
        body = options.body as BodyInit;
      } else if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers['content-type'] ??= 'application/json';
      }
      const request = new Request(`http://desk.test/api${path}`, {
        method,
        headers,
        body,
        ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
      } as RequestInit);
      const response = await handler(request);
      const isJson = /^application\/json/.test(response.headers.get('content-type') ?? '');
      const text = isJson ? await response.clone().text() : '';
      return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : null, response };
    },
    operator(permissions = ALL) {
      const id = `op-${randomUUID().slice(0, 8)}`;
      const name = `Agent ${++staffCount}`;
      directory.staff.set(id, { id, name });
      return { kind: 'staff', id, name, resellerId: null, permissions };
    },
    resellerStaff(resellerId, permissions = ALL.filter((p) => p !== 'tickets.delete' && p !== 'tickets.view_all')) {
      const id = `rs-${randomUUID().slice(0, 8)}`;
      const name = `Reseller agent ${++staffCount}`;
      directory.staff.set(id, { id, name, resellerId });
      return { kind: 'staff', id, name, resellerId, permissions };
    },
    customer(resellerId = null) {
      const id = `sub-${randomUUID().slice(0, 8)}`;
      directory.subscribers.set(id, { id, resellerId, name: `Customer ${id}` });
      return { kind: 'customer', id, resellerId, name: `Customer ${id}` };
    },
  };
}
