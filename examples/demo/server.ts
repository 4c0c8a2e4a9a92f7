/**
 * The ticketry demo help desk: `npm run demo`, then http://localhost:3000.
 *
 * A host app in miniature. It owns what ticketry leaves to the host: sign-in (here a
 * "sign in as" chooser, no passwords: a demo), the pages, and the HTTP server. ticketry
 * owns the tickets, served over `ticketry/http` at /api on the embedded SQLite store
 * (`.demo/ticketry-demo.sqlite`, migrated and seeded on first start).
 *
 * `startDemo({ port, file, quiet })` is exported so tests start it on a free port with a
 * temporary file; run directly, it starts on PORT (default 3000).
 */
import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { serve, type HttpBindings } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import { createTicketService, type Actor } from '../../src/index.js';
import { sqliteStore } from '../../adapters/sqlite/index.js';
import { createHttpHandler } from '../../adapters/http/index.js';
import { DEMO_CONFIG } from './demo-config.js';
import { SIGN_IN_KEYS, actorForKey, demoDirectory, peopleFor } from './people.js';
import { seedDemo } from './seed.js';

/** Options of `startDemo`. */
export interface DemoOptions {
  /** The port to listen on; 0 picks a free one. @default PORT or 3000 */
  port?: number;
  /** Where to listen. @default HOST or '127.0.0.1' */
  hostname?: string;
  /** The SQLite file; created, migrated and seeded when new. @default '.demo/ticketry-demo.sqlite' */
  file?: string;
  /** Print nothing. @default false */
  quiet?: boolean;
}

/** A running demo. */
export interface RunningDemo {
  /** Where it listens, e.g. `http://127.0.0.1:3000`. */
  url: string;
  /** Stops the server and closes the store. */
  close(): Promise<void>;
}

/** The cookie holding the demo session: one of the sign-in keys. */
export const SESSION_COOKIE = 'ticketry_demo_actor';

const PUBLIC = join(dirname(fileURLToPath(import.meta.url)), 'public');
const SHELL = join(dirname(fileURLToPath(import.meta.url)), 'page-shell.html');

/** Pages: which file, and who may open them (the other side is sent to its own start page). */
const PAGES = {
  '/queue': { file: 'queue.html', for: 'staff' },
  '/tickets/:number': { file: 'ticket.html', for: 'staff' },
  '/stats': { file: 'stats.html', for: 'staff' },
  '/portal': { file: 'portal.html', for: 'customer' },
  '/portal/new': { file: 'portal-new.html', for: 'customer' },
  '/portal/tickets/:number': { file: 'portal-ticket.html', for: 'customer' },
} as const;

const ASSET_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

function readCookie(header: string | null | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** The session's actor: the demo's stand-in for a host's real login. */
function sessionActor(request: Request): Actor | null {
  return actorForKey(readCookie(request.headers.get('cookie'), SESSION_COOKIE));
}

function startPage(actor: Actor | null): string {
  if (!actor) return '/';
  return actor.kind === 'customer' ? '/portal' : '/queue';
}

/** Starts the demo; resolves once it listens. */
export async function startDemo(options: DemoOptions = {}): Promise<RunningDemo> {
  const file = resolve(options.file ?? '.demo/ticketry-demo.sqlite');
  const log = options.quiet ? () => {} : (line: string) => console.log(line);
  mkdirSync(dirname(file), { recursive: true });

  const store = sqliteStore({ filename: file });
  await store.migrate();
  const desk = createTicketService({ store, config: DEMO_CONFIG, directory: demoDirectory });
  const system = { kind: 'system' } as const;
  if ((await desk.list(system, { limit: 1 })).items.length === 0) {
    const started = performance.now();
    const count = await seedDemo(store);
    log(`Seeded ${count} tickets into ${file} in ${Math.round(performance.now() - started)} ms`);
  }

  // A fetch Request has no peer address: the route below notes it for the audit trail.
  const peers = new WeakMap<Request, string>();
  const api = createHttpHandler({ desk, authenticate: sessionActor, basePath: '/api', clientIp: (request) => peers.get(request) });
  const app = new Hono<{ Bindings: HttpBindings }>();

  app.use('*', async (c, next) => {
    // A cross-site form or script must not act with the visitor's demo cookie
    // (SameSite=Lax covers most of it; the Origin check covers the rest).
    if (!['GET', 'HEAD', 'OPTIONS'].includes(c.req.method)) {
      const origin = c.req.header('origin');
      if (origin && origin !== new URL(c.req.url).origin) return c.json({ error: { code: 'forbidden', message: 'Cross-origin request refused' } }, 403);
    }
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'same-origin');
    c.header('X-Frame-Options', 'DENY');
    // Pages run only their own scripts: even a message that slipped through sanitising
    // could not run one.
    c.header(
      'Content-Security-Policy',
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    );
  });

  app.all('/api/*', (c) => {
    const address = c.env.incoming.socket.remoteAddress;
    if (address) peers.set(c.req.raw, address.replace(/^::ffff:/, ''));
    return api(c.req.raw);
  });

  app.get('/demo/me', (c) => {
    const key = readCookie(c.req.header('cookie'), SESSION_COOKIE);
    const entry = SIGN_IN_KEYS.find((k) => k.key === key);
    // Nobody signed in is an answer here, not an error: the chooser page asks too.
    if (!entry) return c.json(null);
    const a = entry.actor;
    return c.json({
      key: entry.key,
      label: entry.label,
      kind: a.kind,
      id: a.kind === 'system' ? null : a.id,
      name: a.kind === 'system' ? null : (a.name ?? a.id),
      resellerId: a.kind === 'system' ? null : (a.resellerId ?? null),
      permissions: a.kind === 'staff' ? a.permissions : [],
    });
  });

  app.get('/demo/people', (c) => {
    const actor = sessionActor(c.req.raw);
    if (!actor) return c.json({ error: { code: 'unauthenticated', message: 'Not signed in' } }, 401);
    return c.json(peopleFor(actor));
  });

  app.post('/demo/sign-in', async (c) => {
    const body = await c.req.parseBody();
    const key = typeof body.key === 'string' ? body.key : '';
    const actor = actorForKey(key);
    if (!actor) return c.text(`Unknown demo sign-in key "${key}"`, 400);
    c.header('Set-Cookie', `${SESSION_COOKIE}=${encodeURIComponent(key)}; Path=/; HttpOnly; SameSite=Lax`);
    return c.redirect(startPage(actor), 303);
  });

  app.post('/demo/sign-out', (c) => {
    c.header('Set-Cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`);
    return c.redirect('/', 303);
  });

  const page = async (c: Context<{ Bindings: HttpBindings }>, name: string, status: 200 | 404 = 200) => {
    c.header('Cache-Control', 'no-store');
    return c.html(await pageHtml(name), status);
  };

  app.get('/', (c) => page(c, 'index.html'));
  app.get('/favicon.ico', (c) => c.body(null, 204));
  for (const [path, { file: name, for: side }] of Object.entries(PAGES)) {
    app.get(path, (c) => {
      const actor = sessionActor(c.req.raw);
      if (!actor) return c.redirect('/', 303);
      const isCustomer = actor.kind === 'customer';
      if ((side === 'customer') !== isCustomer) {
        // The other side's page of the same ticket, where there is one.
        const number = c.req.param('number');
        if (number) return c.redirect(isCustomer ? `/portal/tickets/${encodeURIComponent(number)}` : `/tickets/${encodeURIComponent(number)}`, 303);
        return c.redirect(startPage(actor), 303);
      }
      return page(c, name);
    });
  }

  app.get('/assets/:name{[a-z0-9-]+\\.(js|css|svg)}', async (c) => {
    const name = c.req.param('name');
    const type = ASSET_TYPES[name.slice(name.lastIndexOf('.'))];
    let content: string;
    try {
      content = await readFile(join(PUBLIC, name), 'utf8');
    } catch {
      return c.text('Not found', 404);
    }
    return c.body(content, 200, { 'Content-Type': type!, 'Cache-Control': 'no-cache' });
  });

  app.notFound((c) => page(c, 'not-found.html', 404));

  const port = options.port ?? Number(process.env.PORT ?? 3000);
  const hostname = options.hostname ?? process.env.HOST ?? '127.0.0.1';
  const server = await new Promise<ReturnType<typeof serve>>((ok, fail) => {
    const s = serve({ fetch: app.fetch, port, hostname }, () => ok(s));
    s.once('error', fail);
  });
  const address = server.address() as AddressInfo;
  const url = `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${address.port}`;

  log('');
  log(`ticketry demo help desk: ${url.replace('127.0.0.1', 'localhost')}`);
  log('DEMO: no passwords. Open the page and pick who you are, or sign in with one of these keys:');
  for (const k of SIGN_IN_KEYS) log(`  ${k.key.padEnd(9)} ${k.label}`);
  log(`Data: ${file} (delete it to start over)`);

  return {
    url,
    close: async () => {
      await new Promise<void>((done) => {
        server.close(() => done());
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
      await store.close();
    },
  };
}

const runDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (runDirectly) {
  const demo = await startDemo();
  const stop = () => void demo.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/**
 * A page: the shared shell (`page-shell.html`: head, demo banner, header) around the
 * page's own `<main>` content (`public/<name>`), whose first line names its title, script
 * and main class: `<!-- title: Queue; script: queue.js; class: page -->`.
 */
async function pageHtml(name: string): Promise<string> {
  const [shell, page] = await Promise.all([readFile(SHELL, 'utf8'), readFile(join(PUBLIC, name), 'utf8')]);
  const header = /^<!-- title: ([^;]+); script: ([a-z0-9-]+\.js); class: ([a-z -]+) -->\n/.exec(page);
  if (!header) throw new Error(`examples/demo/public/${name} does not start with its title/script/class comment`);
  const fields: Record<string, string> = { title: header[1]!, script: header[2]!, class: header[3]!, main: page.slice(header[0].length) };
  return shell.replace(/\{\{(title|script|class|main)\}\}/g, (_, field: string) => fields[field]!);
}
