/**
 * Checks the built package as a host would load it: every entry through ESM and CJS, the
 * blob stores from both builds, and the exported contract suites (`ticketry/testing`)
 * certifying a ticket store and both blob stores under node:test.
 *
 * Entries are imported by name (`ticketry`, `ticketry/memory`, ...), so they go through
 * package.json `exports`: from the repository that is the package referencing itself
 * (`dist/`), and test/package/node-compat.sh runs this same file under other Node majors
 * against the packed tarball installed in `node_modules/ticketry`.
 * Run by .ci/run after `npm run build`: `node --test test/package/dist-smoke.mjs`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const require = createRequire(import.meta.url);
const ENTRIES = ['ticketry', 'ticketry/schemas', 'ticketry/memory', 'ticketry/sqlite', 'ticketry/postgres', 'ticketry/mysql', 'ticketry/blobs', 'ticketry/email', 'ticketry/http', 'ticketry/testing'];

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

  it('loads no zod, devalue, mitt or node:crypto on import (ESM and CJS); ticketry/schemas validates as the service does', () => {
    // Issue 13: these load on first use. A resolve hook sees ES-module loads, require.cache
    // the CommonJS ones (zod and mitt come through createRequire), process.moduleLoadList
    // Node's own modules (node:crypto comes through process.getBuiltinModule).
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `
          import { createRequire, register } from 'node:module';
          import { MessageChannel } from 'node:worker_threads';
          const require = createRequire(process.cwd() + '/');
          const channel = new MessageChannel();
          const resolved = [];
          channel.port1.on('message', (url) => resolved.push(url));
          channel.port1.unref();
          const hook = 'let port; export function initialize(data) { port = data.port; }' +
            'export async function resolve(specifier, context, next) { const r = await next(specifier, context); port.postMessage(r.url); return r; }';
          register('data:text/javascript,' + encodeURIComponent(hook), { data: { port: channel.port2 }, transferList: [channel.port2] });
          const loaded = async (pkg) => {
            await new Promise((resolve) => setTimeout(resolve, 50));
            const inPackage = (path) => path.includes('/node_modules/' + pkg + '/');
            return resolved.some(inPackage) || Object.keys(require.cache).some(inPackage);
          };
          await import('ticketry');
          require('ticketry');
          const afterImport = {
            zod: await loaded('zod'),
            devalue: await loaded('devalue'),
            mitt: await loaded('mitt'),
            crypto: process.moduleLoadList.includes('NativeModule crypto'),
          };
          const { createTicketInputSchema } = await import('ticketry/schemas');
          const refused = createTicketInputSchema.safeParse({ subject: ' ', body: 'b' }).success;
          console.log(JSON.stringify({ afterImport, refused, zod: await loaded('zod') }));
        `,
      ],
      { encoding: 'utf8' },
    );
    assert.deepEqual(JSON.parse(out.trim()), {
      afterImport: { zod: false, devalue: false, mitt: false, crypto: false },
      refused: false,
      zod: true,
    });
  });

  it('renders Markdown from a host started with --input-type=module -e', () => {
    // The render worker must not inherit --input-type (Node refuses it for a worker file).
    // The child resolves `ticketry` from the working directory, as this file does.
    const out = execFileSync(
      process.execPath,
      ['--input-type=module', '-e', "const m = await import('ticketry'); console.log(await m.renderBody('markdown', '**a**')); await m.stopRenderWorker();"],
      { encoding: 'utf8' },
    );
    assert.equal(out.trim(), '<p><strong>a</strong></p>');
  });
});

describe(`ticketry/blobs built, on Node ${process.version}`, () => {
  const roundTrip = async (blobs, TicketError) => {
    const bytes = Buffer.alloc(300_000, 7);
    const put = await blobs.put('t/2026/11/a1', (async function* () {
      yield bytes.subarray(0, 1000);
      yield bytes.subarray(1000);
    })());
    assert.equal(put.size, bytes.length);
    const parts = [];
    for await (const chunk of await blobs.get('t/2026/11/a1')) parts.push(chunk);
    assert.ok(Buffer.concat(parts).equals(bytes));
    assert.deepEqual(await blobs.list('t/'), ['t/2026/11/a1']);
    const err = await blobs.put('../../etc/passwd', (async function* () {})()).catch((e) => e);
    assert.ok(TicketError.is(err, 'config'), String(err));
    const taken = await blobs.put('t/2026/11/a1', (async function* () {})()).catch((e) => e);
    assert.ok(TicketError.is(taken, 'conflict'), String(taken));
  };

  it('memory and filesystem stores work from the CJS build (typed errors across the copies)', async () => {
    const { memoryBlobStore, fileBlobStore } = require('ticketry/blobs');
    const { TicketError } = await import('ticketry'); // the ESM copy recognises CJS errors
    await roundTrip(memoryBlobStore(), TicketError);
    const root = await mkdtemp(join(tmpdir(), 'ticketry-smoke-'));
    try {
      await roundTrip(fileBlobStore({ root }), TicketError);
      assert.deepEqual(await readdir(join(root, 't', '2026', '11')), ['a1']);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('the filesystem store works from the ESM build', async () => {
    const { fileBlobStore } = await import('ticketry/blobs');
    const { TicketError } = require('ticketry');
    const root = await mkdtemp(join(tmpdir(), 'ticketry-smoke-'));
    try {
      await roundTrip(fileBlobStore({ root }), TicketError);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
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

// The blob store contract, as a third-party store would run it, on both shipped stores.
const { runBlobStoreContract } = await import('ticketry/testing');
const { memoryBlobStore, fileBlobStore } = await import('ticketry/blobs');
runBlobStoreContract({ name: `memory blobs, from the built package, on Node ${process.version}`, create: () => memoryBlobStore(), describe, it });
runBlobStoreContract({
  name: `filesystem blobs, from the built package, on Node ${process.version}`,
  create: async () => fileBlobStore({ root: await mkdtemp(join(tmpdir(), 'ticketry-smoke-')) }),
  destroy: (store) => rm(store.root, { recursive: true, force: true }),
  describe,
  it,
});
