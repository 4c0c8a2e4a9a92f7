/**
 * The browser tests' harness: per test file one demo help desk (`startDemo` on a free port (0),
 * its own temporary SQLite file, migrated and seeded) and one headless chromium, Debian's
 * (`/usr/bin/chromium`, driven by playwright-core, which never downloads a browser).
 *
 * Each actor gets a browser context of their own (their own demo cookie), signed in the way a
 * person does it: the "sign in as" chooser on `/`. A session records what a test asserts on
 * besides the page itself: dialogs (an XSS payload that ran would open one), uncaught page
 * errors, and the body of every response the page received (what a customer's browser was
 * sent, not only what it shows).
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type APIRequestContext, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, inject } from 'vitest';
import { startDemo, type RunningDemo } from '../../examples/demo/server.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
/** Every page's screenshot, per run (git-ignored). */
export const ARTIFACTS = join(here, 'artifacts');
/** The README's screenshots (committed); rewritten only when TICKETRY_DOCS_SCREENSHOTS=1. */
export const DOCS_SCREENSHOTS = join(root, 'docs', 'screenshots');
const CHROMIUM = process.env.TICKETRY_CHROMIUM ?? '/usr/bin/chromium';

/** The demo's actor keys (examples/demo). */
export type ActorKey = 'op-anna' | 'ra-boris' | 'rb-carla' | 'cust-a1' | 'cust-b1' | 'cust-o1';


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
  /** Waits for every response seen since the test began to be read, then returns them all. */
  received(): Promise<Received[]>;
  /** Forgets what was recorded (done before each test). */
  reset(): void;
}

export interface Desk {
  /** The demo's base URL, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly browser: Browser;
  /**
   * `key`'s session: a browser context signed in through the chooser on `/` the first time
   * a test of the file asks for it, the same one after (signing in costs a second a time).
   */
  signIn(key: ActorKey): Promise<Session>;
}

/** Starts the demo and chromium for the calling test file; both stop after it. */
export function useDesk(): Desk {
  let demo: RunningDemo | undefined;
  let browser: Browser | undefined;
  let dir: string | undefined;
  const sessions = new Map<ActorKey, Promise<Session>>();

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `No browser at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or point TICKETRY_CHROMIUM at a Chrome/Chromium binary (the tests never download one)`,
      );
    }
    dir = await mkdtemp(join(tmpdir(), 'ticketry-e2e-'));
    const file = join(dir, 'demo.sqlite');
    await copyTemplate(file);
    [demo, browser] = await Promise.all([
      // Port 0: the system picks a free port, so files and parallel runs never collide.
      startDemo({ port: 0, file, quiet: true }),
      chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ['--no-sandbox', '--disable-background-networking', '--disable-dev-shm-usage'],
      }),
    ]);
  });

  // What a session recorded belongs to the test that caused it.
  beforeEach(async () => {
    for (const s of sessions.values()) (await s).reset();
  });

  afterAll(async () => {
    for (const s of sessions.values()) await (await s).context.close().catch(() => undefined);
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
    signIn(key) {
      let session = sessions.get(key);
      if (!session) {
        session = newSession(desk, key);
        sessions.set(key, session);
      }
      return session;
    },
  };
  return desk;
}

async function newSession(desk: Desk, key: ActorKey): Promise<Session> {
  const context = await desk.browser.newContext({
    baseURL: desk.url,
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: 1,
  });
  // Fail within seconds, not the default half minute: the demo answers locally.
  context.setDefaultTimeout(10_000);
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  let reads: Promise<Received | null>[] = [];
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
  context.on('page', watch);
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
    reset() {
      dialogs.length = 0;
      pageErrors.length = 0;
      reads = [];
    },
  };
}

/**
 * Copies the run's seeded template (test/e2e/global-setup.ts) to `file`, with its WAL if one
 * is left; without a template the demo seeds `file` itself on start.
 */
async function copyTemplate(file: string): Promise<void> {
  const template = inject('demoTemplate');
  if (!template) return;
  const dir = dirname(template);
  const base = template.slice(dir.length + 1);
  for (const name of await readdir(dir)) {
    if (name === base || name.startsWith(`${base}-`)) await copyFile(join(dir, name), file + name.slice(base.length));
  }
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
