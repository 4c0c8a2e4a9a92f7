/**
 * The browser tests' harness: per test file one demo help desk (`startDemo` on a free port,
 * its own temporary SQLite file, migrated and seeded) and one headless chromium, Debian's
 * (`/usr/bin/chromium`, driven by playwright-core, which never downloads a browser).
 *
 * Each actor gets a browser context of their own (their own demo cookie), signed in the way a
 * person does it: the "sign in as" chooser on `/`. A session records what a test asserts on
 * besides the page itself: dialogs (an XSS payload that ran would open one), uncaught page
 * errors, and the body of every response the page received (what a customer's browser was
 * sent, not only what it shows).
 */
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type APIRequestContext, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
/** Every page's screenshot, per run (git-ignored). */
export const ARTIFACTS = join(here, 'artifacts');
/** The README's screenshots (committed); rewritten only when TICKETRY_DOCS_SCREENSHOTS=1. */
export const DOCS_SCREENSHOTS = join(root, 'docs', 'screenshots');
const CHROMIUM = process.env.TICKETRY_CHROMIUM ?? '/usr/bin/chromium';

/** The demo's actor keys (examples/demo). */
export type ActorKey = 'op-anna' | 'ra-boris' | 'rb-carla' | 'cust-a1' | 'cust-b1' | 'cust-o1';

interface DemoHandle {
  url: string;
  close(): Promise<void> | void;
}
type StartDemo = (options: { port: number; file: string; quiet?: boolean }) => Promise<DemoHandle> | DemoHandle;

/** What a page received: the URL and, for text responses, the body. */
export interface Received {
  url: string;
  status: number;
  body: string;
}

/** One signed-in actor: their context, a page, the API with their cookie, and what happened. */
export interface Session {
  key: ActorKey;
  context: BrowserContext;
  page: Page;
  /** Requests with this actor's cookie, for setting up a scenario without clicking through it. */
  api: APIRequestContext;
  /** Messages of every dialog (alert, confirm, prompt) any page of this session opened. */
  dialogs: string[];
  /** Uncaught exceptions in the session's pages. */
  pageErrors: string[];
  /** Waits for every response seen so far to be read, then returns them all. */
  received(): Promise<Received[]>;
}

export interface Desk {
  /** The demo's base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly browser: Browser;
  /** A new context signed in as `key` through the chooser on `/`. */
  signIn(key: ActorKey): Promise<Session>;
}

/** Starts the demo and chromium for the calling test file; both stop after it. */
export function useDesk(): Desk {
  let demo: DemoHandle | undefined;
  let browser: Browser | undefined;
  let dir: string | undefined;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ticketry-e2e-'));
    const startDemo = await loadStartDemo();
    const port = await freePort();
    [demo, browser] = await Promise.all([
      startDemo({ port, file: join(dir, 'demo.sqlite'), quiet: true }),
      chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ['--no-sandbox', '--disable-background-networking', '--disable-dev-shm-usage'],
      }),
    ]);
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await demo?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const desk: Desk = {
    get url() {
      if (!demo) throw new Error('the demo is not started (useDesk() must run at the top of the test file)');
      return demo.url.replace(/\/$/, '');
    },
    get browser() {
      if (!browser) throw new Error('chromium is not started (useDesk() must run at the top of the test file)');
      return browser;
    },
    async signIn(key) {
      const context = await desk.browser.newContext({
        baseURL: desk.url,
        viewport: { width: 1280, height: 800 },
        deviceScaleFactor: 1,
      });
      contexts.push(context);
      // Fail within seconds, not the default half minute: the demo answers locally.
      context.setDefaultTimeout(10_000);
      const dialogs: string[] = [];
      const pageErrors: string[] = [];
      const reads: Promise<Received | null>[] = [];
      context.on('page', (p) => watch(p));
      const watch = (p: Page) => {
        p.on('dialog', (d) => {
          dialogs.push(`${d.type()}: ${d.message()}`);
          void d.dismiss().catch(() => undefined);
        });
        p.on('pageerror', (e) => pageErrors.push(e.message));
        p.on('response', (r) => {
          reads.push(
            r.text().then(
              (body) => ({ url: r.url(), status: r.status(), body }),
              // Redirects and aborted loads have no body to read.
              () => null,
            ),
          );
        });
      };
      const page = await context.newPage();
      await page.goto('/');
      await page.locator(`[data-testid="signin-${key}"]`).click();
      await page.locator('[data-testid="whoami"]').waitFor();
      return {
        key,
        context,
        page,
        api: context.request,
        dialogs,
        pageErrors,
        async received() {
          const all = await Promise.all(reads);
          return all.filter((r): r is Received => r !== null);
        },
      };
    },
  };
  return desk;
}

/** Saves `page` as test/e2e/artifacts/<name>.png, and as docs/screenshots/<docs>.png when asked to. */
export async function screenshot(page: Page, name: string, docs?: 'queue' | 'thread' | 'portal'): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, animations: 'disabled' });
  // The committed copies change with every run (numbers, times); refresh them on purpose only.
  if (docs && process.env.TICKETRY_DOCS_SCREENSHOTS === '1') {
    await mkdir(DOCS_SCREENSHOTS, { recursive: true });
    await copyFile(file, join(DOCS_SCREENSHOTS, `${docs}.png`));
  }
}

/** A JSON API call with the session's cookie; a non-2xx answer fails the test with its body. */
export async function apiCall<T>(
  s: Session,
  method: 'GET' | 'POST' | 'PATCH',
  path: string,
  data?: unknown,
): Promise<T> {
  const res = await s.api.fetch(`/api${path}`, { method, ...(data === undefined ? {} : { data }) });
  const text = await res.text();
  if (!res.ok()) throw new Error(`${method} /api${path} as ${s.key}: ${res.status()} ${text}`);
  return JSON.parse(text) as T;
}

/** The ticket fields the scenarios read from API answers. */
export interface ApiTicket {
  id: string;
  number: string;
  subject: string;
  status: string;
  priority: string;
}

/** Opens a ticket through the API as `s` (set-up for a scenario about what comes after). */
export function openTicket(
  s: Session,
  input: { subject: string; body: string; priority?: string; category?: string },
): Promise<ApiTicket> {
  return apiCall<ApiTicket>(s, 'POST', '/tickets', input);
}

/** Replies through the API as `s`. */
export function replyTo(s: Session, ticketId: string, input: { body: string; internal?: boolean }): Promise<unknown> {
  return apiCall(s, 'POST', `/tickets/${encodeURIComponent(ticketId)}/replies`, input);
}

/** A text no seeded ticket contains, to find a scenario's own rows and messages. */
export function marker(label: string): string {
  return `${label} ${Math.random().toString(36).slice(2, 10)}`;
}

/** A port nothing listens on right now (the demo takes it a moment later). */
async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => ok(port));
    });
  });
}

/** examples/demo/server.ts's `startDemo`. */
async function loadStartDemo(): Promise<StartDemo> {
  const mod = (await import(DEMO_MODULE)) as { startDemo?: StartDemo };
  if (typeof mod.startDemo !== 'function') throw new Error(`${DEMO_MODULE} exports no startDemo`);
  return mod.startDemo;
}
const DEMO_MODULE: string = join(root, 'examples', 'demo', 'server.ts');
