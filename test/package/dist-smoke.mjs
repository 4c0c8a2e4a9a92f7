/**
 * Checks the built package as a host would load it: every entry through ESM and CJS, and
 * the exported contract suite (`ticketry/testing`) certifying a store under node:test.
 *
 * Entries are imported by name (`ticketry`, `ticketry/memory`, ...), so they go through
 * package.json `exports`: from the repository that is the package referencing itself
 * (`dist/`), and test/package/node-compat.sh runs this same file under other Node majors
 * against the packed tarball installed in `node_modules/ticketry`.
 * Run by .ci/run after `npm run build`: `node --test test/package/dist-smoke.mjs`.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';

const require = createRequire(import.meta.url);
const ENTRIES = ['ticketry', 'ticketry/memory', 'ticketry/sqlite', 'ticketry/postgres', 'ticketry/testing'];

describe(`built package on Node ${process.version}`, () => {
  it('loads every entry through import and require', async () => {
    for (const entry of ENTRIES) {
      const esm = await import(entry);
      const cjs = require(entry);
      assert.ok(require.resolve(entry).endsWith('.cjs'), `${entry} requires the CJS build`);
      assert.ok(Object.keys(esm).length > 0, entry);
      assert.deepEqual(Object.keys(esm).sort(), Object.keys(cjs).sort(), entry);
    }
  });

  it('runs a lifecycle from the CJS build, rendering included', async () => {
    const { createTicketService, TicketError } = require('ticketry');
    const { memoryStore } = require('ticketry/memory');
    const desk = createTicketService({ store: memoryStore() });
    const t = await desk.create({ kind: 'customer', id: 'c1' }, { subject: 's', body: 'b' });
    const staff = { kind: 'staff', id: 's1', permissions: ['tickets.view', 'tickets.reply'] };
    const reply = await desk.addReply(staff, t.id, { body: '**hi** [x](javascript:alert(1))' });
    assert.equal(reply.html, '<p><strong>hi</strong> x</p>');
    const err = await desk.get({ kind: 'customer', id: 'c2' }, t.id).catch((e) => e);
    assert.ok(TicketError.is(err, 'not_found'));
  });
});

const { runStoreContract } = await import('ticketry/testing');
const { memoryStore } = await import('ticketry/memory');
runStoreContract({
  name: `memory, from the built package, under node:test on Node ${process.version}`,
  createStore: () => memoryStore(),
  describe,
  it,
});
