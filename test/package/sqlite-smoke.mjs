/**
 * The exported contract suite (`ticketry/testing`) on the SQLite store from the built
 * package, under node:test: a temp file (WAL) and `:memory:`, plus a lifecycle through
 * the CJS build. better-sqlite3 is a native addon, so this is what proves the package
 * works on a Node major: test/package/node-compat.sh runs it under Node 22 and 24 with
 * better-sqlite3 rebuilt for their ABI. Run by .ci/run after `npm run build`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runStoreContract } from 'ticketry/testing';
import { sqliteStore } from 'ticketry/sqlite';

const require = createRequire(import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'ticketry-sqlite-smoke-'));

// One migrated store per kind, shared by the suite: it gives every test its own tenant.
const fileStore = sqliteStore({ filename: join(dir, 'contract.db') });
const memoryDb = sqliteStore({ filename: ':memory:' });
await fileStore.migrate();
await memoryDb.migrate();
after(async () => {
  await fileStore.close();
  await memoryDb.close();
  rmSync(dir, { recursive: true, force: true });
});

describe(`SQLite from the built package on Node ${process.version}`, () => {
  it('runs a lifecycle from the CJS build on a file', async () => {
    const { createTicketService } = require('ticketry');
    const { sqliteStore: cjsSqliteStore } = require('ticketry/sqlite');
    const store = cjsSqliteStore({ filename: join(dir, 'cjs.db') });
    try {
      await store.migrate();
      await store.migrate(); // idempotent
      const desk = createTicketService({ store });
      const customer = { kind: 'customer', id: 'c1' };
      const t = await desk.create(customer, { subject: 'No internet', body: 'Since 9:00' });
      const staff = { kind: 'staff', id: 's1', permissions: ['tickets.view', 'tickets.reply'] };
      await desk.addReply(staff, t.number, { body: 'Line test **ok**' });
      const { ticket, messages } = await desk.get(customer, t.id);
      assert.equal(ticket.status, 'pending');
      assert.deepEqual(messages.map((m) => m.authorType), ['customer', 'staff']);
      assert.equal(messages[1].html, '<p>Line test <strong>ok</strong></p>');
    } finally {
      await store.close();
    }
  });
});

runStoreContract({
  name: `sqlite (file), from the built package, on Node ${process.version}`,
  createStore: () => fileStore,
  describe,
  it,
});
runStoreContract({
  name: `sqlite (:memory:), from the built package, on Node ${process.version}`,
  createStore: () => memoryDb,
  describe,
  it,
});
