/**
 * Checks the built package as a host would load it: every entry through ESM and CJS, and
 * the exported contract suite (`ticketry/testing`) certifying a store under node:test.
 * Run by .ci/run after `npm run build`: `node --test test/package/dist-smoke.mjs`.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';

const require = createRequire(import.meta.url);
const dist = new URL('../../dist/', import.meta.url);

describe('built package', () => {
  it('loads every entry through import and require', async () => {
    for (const entry of ['index', 'memory', 'sqlite', 'postgres', 'testing']) {
      const esm = await import(new URL(`${entry}.js`, dist).href);
      const cjs = require(new URL(`${entry}.cjs`, dist).pathname);
      assert.deepEqual(Object.keys(esm).sort(), Object.keys(cjs).sort(), entry);
    }
  });

  it('runs a lifecycle from the CJS build, rendering included', async () => {
    const { createTicketService, TicketError } = require(new URL('index.cjs', dist).pathname);
    const { memoryStore } = require(new URL('memory.cjs', dist).pathname);
    const desk = createTicketService({ store: memoryStore() });
    const t = await desk.create({ kind: 'customer', id: 'c1' }, { subject: 's', body: 'b' });
    const staff = { kind: 'staff', id: 's1', permissions: ['tickets.view', 'tickets.reply'] };
    const reply = await desk.addReply(staff, t.id, { body: '**hi** [x](javascript:alert(1))' });
    assert.equal(reply.html, '<p><strong>hi</strong> x</p>');
    const err = await desk.get({ kind: 'customer', id: 'c2' }, t.id).catch((e) => e);
    assert.ok(TicketError.is(err, 'not_found'));
  });
});

const { runStoreContract } = await import(new URL('testing.js', dist).href);
const { memoryStore } = await import(new URL('memory.js', dist).href);
runStoreContract({ name: 'memory, from dist, under node:test', createStore: () => memoryStore(), describe, it });
