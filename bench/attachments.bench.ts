/**
 * Attachment throughput through the service on the filesystem blob store: a 10 MB file
 * uploaded with `addReply` (checked by content, hashed, written atomically) and downloaded
 * with `getAttachment`. Run with `npx vitest bench --run bench/attachments.bench.ts`.
 * Memory (peak RSS against file size) is measured by bench/attachments-memory.ts, in a
 * process of its own.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, bench, describe } from 'vitest';
import { fileBlobStore } from '../adapters/blobs/index.js';
import { memoryStore } from '../adapters/memory/index.js';
import { createTicketService, type CustomerActor } from '../src/index.js';

const MB = 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'ticketry-bench-att-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const desk = createTicketService({ store: memoryStore(), blobs: fileBlobStore({ root: join(dir, 'blobs') }) });
const customer: CustomerActor = { kind: 'customer', id: 'sub-1', resellerId: null };
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const file = Buffer.concat([png, randomBytes(10 * MB - png.length)]);
const log = Buffer.from('2026-03-02 10:00:01 pppoe: link down (LCP timeout)\n'.repeat(Math.floor((10 * MB) / 52)));

let ticketId = '';
let lastId = '';
const setup = async () => {
  if (!ticketId) ticketId = (await desk.create(customer, { subject: 'Speed test', body: 'Files attached' })).id;
};

describe('attachments: 10 MB through the service, filesystem blob store', () => {
  bench(
    'upload a 10 MB PNG (addReply)',
    async () => {
      const reply = await desk.addReply(customer, ticketId, { body: 'file', attachments: [{ filename: 'big.png', content: file }] });
      lastId = reply.attachments[0]!.id;
    },
    { setup, iterations: 10, time: 0 },
  );
  bench(
    'upload a 10 MB log (checked as UTF-8 text as it streams)',
    async () => {
      await desk.addReply(customer, ticketId, { body: 'log', attachments: [{ filename: 'router.log', content: log }] });
    },
    { setup, iterations: 10, time: 0 },
  );
  bench(
    'download a 10 MB PNG (getAttachment, read to the end)',
    async () => {
      if (!lastId) {
        await setup();
        lastId = (await desk.addReply(customer, ticketId, { body: 'file', attachments: [{ filename: 'big.png', content: file }] })).attachments[0]!.id;
      }
      const { content } = await desk.getAttachment(customer, lastId);
      let n = 0;
      for await (const chunk of content) n += chunk.byteLength;
      if (n !== file.length) throw new Error('short read');
    },
    { iterations: 20, time: 0 },
  );
});
