/**
 * ticketry inside an existing Express 5 app: the app keeps its own routes and sign-in,
 * ticketry's HTTP API answers under /api. `getRequestListener` from @hono/node-server
 * (`npm install @hono/node-server`) turns node's req/res into a fetch Request/Response.
 * Run it with `npx tsx examples/express-app.ts`, then e.g.
 * `curl -H 'x-demo-user: cust-1' localhost:3000/api/tickets`.
 */
import { getRequestListener } from '@hono/node-server';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { IncomingMessage } from 'node:http';
import { pathToFileURL } from 'node:url';
import { createTicketService, type Actor, type TicketService } from '../src/index.js';
import { memoryStore } from '../adapters/memory/index.js';
import { createHttpHandler } from '../adapters/http/index.js';

/** Your app's users, as your own sign-in knows them (a stand-in for passport, a session store...). */
const USERS: Record<string, Actor> = {
  'cust-1': { kind: 'customer', id: 'cust-1', name: 'Maria Lopez' },
  'agent-1': { kind: 'staff', id: 'agent-1', name: 'Ana', permissions: ['tickets.view', 'tickets.create', 'tickets.edit', 'tickets.reply'] },
};
type SignedIn = IncomingMessage & { user?: Actor };

/** The Express app, with ticketry mounted at /api. */
export function createApp(desk: TicketService = createTicketService({ store: memoryStore() })): express.Express {
  const app = express();
  // Your own session middleware: here a header stands in for a session cookie.
  app.use((req: Request, _res: Response, next: NextFunction) => {
    (req as SignedIn).user = USERS[req.get('x-demo-user') ?? ''];
    next();
  });
  app.get('/', (_req, res) => {
    res.send('My control panel');
  });

  const signedIn = new WeakMap<globalThis.Request, Actor>();
  const peers = new WeakMap<globalThis.Request, string>();
  const tickets = createHttpHandler({
    desk,
    // The node request is the Express request, so whatever your middleware put on it is here.
    authenticate: (request) => signedIn.get(request) ?? null,
    clientIp: (request) => peers.get(request),
  });
  const listener = getRequestListener((request, env) => {
    const incoming = env.incoming as SignedIn;
    if (incoming.user) signedIn.set(request, incoming.user);
    if (incoming.socket.remoteAddress) peers.set(request, incoming.socket.remoteAddress);
    return tickets(request);
  });
  // Before any body parser (express.json() would consume the body ticketry reads), and
  // with app.all, not app.use, so req.url keeps its /api prefix.
  app.all('/api/{*rest}', (req, res) => void listener(req, res));
  return app;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const port = Number(process.env.PORT ?? 3000);
  createApp().listen(port, () => console.log(`Express app with ticketry on http://localhost:${port} (API under /api)`));
}
