/**
 * SQLite: a dispatcher polling with nothing due opens no write transaction (a claim needs
 * `begin immediate`, the database's write lock, so it asks read-only first). Shown by
 * polling while another connection holds the write lock: the idle poll answers, a poll
 * with something due waits for the lock (and, with a short busy timeout, gives up with
 * `unavailable`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { sqliteStore } from '../../adapters/sqlite/index.js';
import { TicketError } from '../../src/errors.js';
import { outboxEvent, tenant } from '../../src/testing/rows.js';

const dir = mkdtempSync(join(tmpdir(), 'ticketry-idle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sqlite dispatch claims', () => {
  it('an idle poll does not take the write lock; a poll with work does', async () => {
    const filename = join(dir, 'idle.db');
    const store = sqliteStore({ filename, busyTimeoutMs: 50 });
    await store.migrate();
    const t = tenant();
    const later = new Date('2030-01-01T00:00:00Z');
    await store.transaction((tx) => tx.insertOutbox(t, outboxEvent(null, { dispatchAt: later })));
    const other = new Database(filename);
    try {
      other.exec('begin immediate');
      // Nothing due before 2030: answered without the lock.
      expect(await store.claimDispatch(t, new Date('2029-01-01T00:00:00Z'), new Date('2029-01-01T00:05:00Z'), 10)).toStrictEqual([]);
      // Due: the claim needs the lock another connection holds.
      const error = await store.claimDispatch(t, later, new Date('2030-01-01T00:05:00Z'), 10).then(
        () => null,
        (err: unknown) => err,
      );
      expect(TicketError.is(error) && error.code).toBe('unavailable');
      other.exec('rollback');
      expect((await store.claimDispatch(t, later, new Date('2030-01-01T00:05:00Z'), 10)).length).toBe(1);
    } finally {
      other.close();
      await store.close();
    }
  });
});
