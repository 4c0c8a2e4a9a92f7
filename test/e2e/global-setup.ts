/**
 * Seeds the demo once per `npm run test:e2e` run into a template SQLite file that every test
 * file copies (vitest.e2e.config.ts `globalSetup`): the seed writes dozens of tickets through
 * the service and costs seconds, the copy a few milliseconds. Each file still gets a database
 * of its own. Without this setup the harness seeds per file (slower, same result).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startDemo } from '../../examples/demo/server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated and seeded demo database to copy, or '' when none was made. */
    demoTemplate: string;
  }
}

let dir: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  dir = await mkdtemp(join(tmpdir(), 'ticketry-e2e-template-'));
  const file = join(dir, 'demo.sqlite');
  // Starting the demo on a new file migrates and seeds it; closing it checkpoints the WAL.
  const demo = await startDemo({ port: 0, file, quiet: true });
  await demo.close();
  project.provide('demoTemplate', file);
}

export async function teardown(): Promise<void> {
  if (dir) await rm(dir, { recursive: true, force: true });
}
