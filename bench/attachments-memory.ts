/**
 * Peak memory of attachments streaming through the service on the filesystem blob store:
 * a 10 MB upload (`addReply` with a file stream) and its download (`getAttachment`, read
 * to a file), then 100 concurrent uploads. Peak RSS is sampled every 2 ms while each
 * operation runs and reported as growth over the RSS just before it, next to the bytes
 * moved: a service that held whole files would grow by at least the file size per file.
 *
 *   node --expose-gc --import tsx bench/attachments-memory.ts
 *   BENCH_FILE_MB=50 BENCH_CONCURRENT=100 BENCH_CONCURRENT_MB=10 node --expose-gc --import tsx bench/attachments-memory.ts
 *
 * Results: the README's Attachments section.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileBlobStore } from '../adapters/blobs/index.js';
import { memoryStore } from '../adapters/memory/index.js';
import { createTicketService, type CustomerActor } from '../src/index.js';

const MB = 1024 * 1024;
const fileMb = Number(process.env.BENCH_FILE_MB ?? 10);
const concurrent = Number(process.env.BENCH_CONCURRENT ?? 100);
const concurrentMb = Number(process.env.BENCH_CONCURRENT_MB ?? 1);

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

/** Runs `fn`, sampling RSS; returns its result with the peak growth over the RSS before. */
async function peak<T>(fn: () => Promise<T>): Promise<{ value: T; growthMb: number; ms: number }> {
  gc();
  await new Promise((r) => setTimeout(r, 50));
  const before = process.memoryUsage().rss;
  let max = before;
  const timer = setInterval(() => {
    max = Math.max(max, process.memoryUsage().rss);
  }, 2);
  const start = performance.now();
  try {
    const value = await fn();
    max = Math.max(max, process.memoryUsage().rss);
    return { value, growthMb: (max - before) / MB, ms: performance.now() - start };
  } finally {
    clearInterval(timer);
  }
}

/** A PNG head, then random bytes: a file of `size` bytes checked as a PNG by content. */
async function makeFile(path: string, size: number): Promise<string> {
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
  const out = createWriteStream(path);
  out.write(png);
  let left = size - png.length;
  while (left > 0) {
    const n = Math.min(left, MB);
    if (!out.write(randomBytes(n))) await new Promise<void>((r) => out.once('drain', () => r()));
    left -= n;
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'ticketry-bench-att-'));
  try {
    const desk = createTicketService({
      store: memoryStore(),
      blobs: fileBlobStore({ root: join(dir, 'blobs') }),
      config: { attachments: { maxFileBytes: Math.max(fileMb, concurrentMb) * MB } },
    });
    const customer: CustomerActor = { kind: 'customer', id: 'sub-1', resellerId: null };
    const ticket = await desk.create(customer, { subject: 'Speed test', body: 'Files attached' });
    // Warm-up: file-type and the rest loaded before anything is measured.
    await writeFile(join(dir, 'small.png'), Buffer.concat([Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64'), randomBytes(100_000)]));
    const warm = await desk.addReply(customer, ticket.id, { body: 'warm', attachments: [{ filename: 'small.png', content: createReadStream(join(dir, 'small.png')) }] });
    for await (const _ of (await desk.getAttachment(customer, warm.attachments[0]!.id)).content);

    const size = fileMb * MB;
    const source = join(dir, 'big.png');
    const checksum = await makeFile(source, size);
    const up = await peak(() =>
      desk.addReply(customer, ticket.id, { body: 'big', attachments: [{ filename: 'big.png', content: createReadStream(source) }] }),
    );
    const down = await peak(async () => {
      const { attachment, content } = await desk.getAttachment(customer, up.value.attachments[0]!.id);
      const hash = createHash('sha256');
      let bytes = 0;
      await pipeline(content, new Writable({
        write(chunk: Buffer, _enc, done) {
          hash.update(chunk);
          bytes += chunk.length;
          done();
        },
      }));
      if (hash.digest('hex') !== checksum || attachment.checksum !== checksum || bytes !== size) throw new Error('content differs');
      return bytes;
    });

    const each = concurrentMb * MB;
    const sources = await Promise.all(
      Array.from({ length: Math.min(concurrent, 10) }, (_, i) => makeFile(join(dir, `c${i}.png`), each).then(() => join(dir, `c${i}.png`))),
    );
    const tickets = await Promise.all(
      Array.from({ length: concurrent }, (_, i) => desk.create({ kind: 'customer', id: `sub-${i}`, resellerId: null }, { subject: 's', body: 'b' })),
    );
    const many = await peak(() =>
      Promise.all(
        tickets.map((t, i) =>
          desk.addReply({ kind: 'customer', id: `sub-${i}`, resellerId: null }, t.id, {
            body: 'file',
            attachments: [{ filename: `c${i}.png`, content: createReadStream(sources[i % sources.length]!) }],
          }),
        ),
      ),
    );

    const row = (what: string, moved: number, p: { growthMb: number; ms: number }) =>
      `| ${what} | ${(moved / MB).toFixed(0)} MB | ${p.growthMb.toFixed(1)} MB | ${(p.growthMb / (moved / MB)).toFixed(2)} | ${p.ms.toFixed(0)} ms |`;
    console.log(`Node ${process.version}, ${process.platform}; filesystem blob store on ${tmpdir()}`);
    console.log('| operation | bytes moved | peak RSS growth | growth / bytes | time |');
    console.log('| --- | --- | --- | --- | --- |');
    console.log(row(`upload ${fileMb} MB (addReply, file stream)`, size, up));
    console.log(row(`download ${fileMb} MB (getAttachment, read to the end)`, size, down));
    console.log(row(`${concurrent} concurrent uploads of ${concurrentMb} MB`, each * concurrent, many));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
