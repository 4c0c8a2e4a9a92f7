/**
 * better-sqlite3 answers synchronously, so without care a host's loop of awaited SQLite
 * calls (an import, a bulk job, a test suite) runs entirely in microtasks: timers, I/O and
 * other requests of the process wait until the loop ends. The store lets the event loop
 * turn between transactions once it has worked for a while without it (issue 14, found
 * by the reliability suite).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { sqliteStore, type SqliteStore } from '../../adapters/sqlite/index.js';
import { createTicketService } from '../../src/index.js';
import { customer, operator } from '../../src/testing/harness.js';

describe('sqliteStore and the event loop', () => {
  let store: SqliteStore | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it('a loop of awaited creates and lists lets a timer set before it run while it goes on', async () => {
    store = sqliteStore({ filename: ':memory:' });
    await store.migrate();
    const desk = createTicketService({ store, tenantId: 't' });
    let fired = false;
    setTimeout(() => {
      fired = true;
    }, 0);
    let callsBeforeTimer = -1;
    for (let i = 0; i < 400; i++) {
      await desk.create(customer(), { subject: `loop ${i}`, body: 'plain text' });
      await desk.list(operator(), { limit: 5 });
      if (fired && callsBeforeTimer < 0) callsBeforeTimer = i;
    }
    // Without yielding, the timer fires only after all 800 calls (callsBeforeTimer stays -1).
    expect(callsBeforeTimer).toBeGreaterThanOrEqual(0);
    expect(callsBeforeTimer).toBeLessThan(400);
  });
});
