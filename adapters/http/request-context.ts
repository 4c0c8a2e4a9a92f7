/**
 * The `RequestContext` the audit trail records, taken from the request: the user agent,
 * a request id (the caller's `X-Request-Id` when it looks like one, else a new UUID), and
 * the client IP only when the host says how to find it. A fetch `Request` carries no peer
 * address, and `X-Forwarded-For` is whatever the client typed unless a proxy the host
 * trusts wrote it, so ticketry never reads it on its own.
 */
import type { RequestContext } from '../../src/types.js';

/** How the host finds the client's address: a function of the request, or `'x-forwarded-for'` behind a trusted proxy. */
export type ClientIpOption = ((request: Request) => string | null | undefined) | 'x-forwarded-for';

/** The longest values the service accepts (`requestContextSchema`). */
const MAX_IP = 100;
const MAX_USER_AGENT = 1000;
const REQUEST_ID = /^[A-Za-z0-9._:\-]{1,200}$/;

/**
 * The context of `request`. Over-long or odd values are cut or replaced here, so a client
 * can never make an operation fail by sending a long `User-Agent`.
 */
export function requestContextOf(request: Request, clientIp: ClientIpOption | undefined): Required<Pick<RequestContext, 'requestId'>> & RequestContext {
  const context: Required<Pick<RequestContext, 'requestId'>> & RequestContext = {
    requestId: requestIdOf(request),
  };
  const userAgent = request.headers.get('user-agent');
  if (userAgent) context.userAgent = userAgent.slice(0, MAX_USER_AGENT);
  const ip = ipOf(request, clientIp);
  if (ip) context.ip = ip.slice(0, MAX_IP);
  return context;
}

function requestIdOf(request: Request): string {
  const given = request.headers.get('x-request-id')?.trim();
  return given && REQUEST_ID.test(given) ? given : crypto.randomUUID();
}

function ipOf(request: Request, clientIp: ClientIpOption | undefined): string | null {
  if (clientIp === undefined) return null;
  if (clientIp === 'x-forwarded-for') {
    // The last entry is the one the trusted proxy appended: the peer it saw. Earlier
    // entries are whatever the client sent along, so they prove nothing.
    const last = request.headers.get('x-forwarded-for')?.split(',').at(-1)?.trim();
    return last || null;
  }
  const ip = clientIp(request);
  return typeof ip === 'string' && ip.trim() ? ip.trim() : null;
}
