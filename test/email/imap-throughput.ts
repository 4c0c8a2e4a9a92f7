/**
 * Throughput of the IMAP intake (not part of `npm test`): N small mails APPENDed to a
 * mailbox on a test Dovecot (test/email/dovecot.ts), then one `runOnce()` into the memory
 * store and into a SQLite file; and `desk.ingestEmail` alone on the same mails, to show
 * what the IMAP round trips cost.
 *
 *   N=500 npx tsx test/email/imap-throughput.ts
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { imapIntake } from '../../adapters/email/index.js';
import { memoryStore } from '../../adapters/memory/index.js';
import { sqliteStore } from '../../adapters/sqlite/index.js';
import { createTicketService, type TicketStore } from '../../src/index.js';
import type { Directory } from '../../src/types.js';
import { startDovecot } from './dovecot.js';

const N = Number(process.env.N ?? 500);
const base = readFileSync(new URL('./imap-fixtures/01-new-alice.eml', import.meta.url), 'utf8');
const mail = (id: string): Buffer => Buffer.from(base.replace('imap-new-1@', `${id}@`));
const directory: Directory = {
  getSubscriber: (id) => ({ id, resellerId: null }),
  getStaff: (id) => ({ id }),
  findSubscriberByEmail: (e) => (e === 'alice@example.net' ? { id: 'sub-alice', resellerId: null, email: e } : null),
};
const deskOn = (store: TicketStore) => createTicketService({ store, directory, config: { email: { address: 'support@desk.example' } } });
const rate = (ms: number) => `${ms.toFixed(0)} ms, ${(N / (ms / 1000)).toFixed(0)} mails/s`;

const dovecot = await startDovecot();
const dir = mkdtempSync(join(tmpdir(), 'ticketry-imap-bench-'));
try {
  for (const kind of ['memory', 'sqlite file'] as const) {
    const box = `bench-${kind.replace(' ', '-')}`;
    const admin = new ImapFlow(dovecot.clientOptions());
    await admin.connect();
    await admin.mailboxCreate(box);
    for (let i = 0; i < N; i++) await admin.append(box, mail(`${box}-${i}`));
    await admin.logout();
    let store: TicketStore = memoryStore();
    if (kind === 'sqlite file') {
      const sqlite = sqliteStore({ filename: join(dir, 'bench.db') });
      await sqlite.migrate();
      store = sqlite;
    }
    const intake = imapIntake({ desk: deskOn(store), client: dovecot.clientOptions(), mailbox: box });
    const t = performance.now();
    const summary = await intake.runOnce();
    const ms = performance.now() - t;
    await intake.stop();
    console.log(`imapIntake -> ${kind}: ${rate(ms)}; ${JSON.stringify(summary)}; rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);
  }
  const desk = deskOn(memoryStore());
  const t = performance.now();
  for (let i = 0; i < N; i++) await desk.ingestEmail(mail(`direct-${i}`));
  console.log(`ingestEmail alone -> memory: ${rate(performance.now() - t)}`);
} finally {
  await dovecot.dispose();
  rmSync(dir, { recursive: true, force: true });
}
