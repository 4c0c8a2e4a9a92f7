/**
 * The IMAP intake (`ticketry/email`'s imapIntake) against a real Dovecot on loopback
 * (test/email/dovecot.ts) and real ticket stores: mails APPENDed to a mailbox become
 * tickets, are moved or flagged afterwards, and nothing is ingested twice: not by a
 * restarted intake, not after a crash between ingest and move, not after the connection
 * was lost halfway through a pass.
 *
 * Each test works in a mailbox of its own on one server, and a tenant of its own.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imapIntake, type ImapIntakeOptions, type ImapIntakeResult, type IntakeDesk } from '../../adapters/email/index.js';
import { memoryStore } from '../../adapters/memory/index.js';
import { createTicketService, TicketError, UnavailableError, type TicketService, type TicketStore } from '../../src/index.js';
import type { Directory, DirectorySubscriber, StaffActor } from '../../src/types.js';
import { POSTGRES_IS_REAL, postgresFixture, sqliteFileFixture, type StoreFixture } from '../sql/stores.js';
import { dovecotSkipReason, startDovecot, type TestDovecot } from './dovecot.js';

const skip = dovecotSkipReason();

const fixture = (name: string): Buffer => readFileSync(new URL(`./imap-fixtures/${name}`, import.meta.url));
const NEW_ALICE = fixture('01-new-alice.eml');
const NEW_BOB = fixture('02-new-bob.eml');
const REPLY_ALICE = fixture('03-reply-alice.eml');
const AUTO_REPLY = fixture('04-auto-reply.eml');
const UNKNOWN = fixture('05-unknown-sender.eml');
// The intake tests' (EIN) delivery status notification.
const BOUNCE = readFileSync(new URL('./fixtures/bounce-dsn.eml', import.meta.url));

const SUBSCRIBERS: DirectorySubscriber[] = [
  { id: 'sub-alice', resellerId: null, name: 'Alice Example', email: 'alice@example.net' },
  { id: 'sub-bob', resellerId: null, name: 'Bob Example', email: 'bob@example.net' },
];
const directory: Directory = {
  getSubscriber: (id) => SUBSCRIBERS.find((s) => s.id === id) ?? null,
  getStaff: (id) => ({ id, name: 'Staff' }),
  findSubscriberByEmail: (email) => SUBSCRIBERS.find((s) => s.email === email.toLowerCase()) ?? null,
};
const staff: StaffActor = {
  kind: 'staff',
  id: 'op-1',
  name: 'Operator',
  resellerId: null,
  permissions: ['tickets.view', 'tickets.view_all', 'tickets.reply', 'tickets.edit'],
};

/** A desk on `store` in a fresh tenant, taking mail for support@desk.example. */
function makeDesk(store: TicketStore): TicketService {
  return createTicketService({
    store,
    tenantId: `t-${randomUUID()}`,
    directory,
    config: { email: { address: 'support@desk.example', unknownSenders: 'refuse' } },
  });
}

async function ticketCount(desk: TicketService): Promise<number> {
  const page = await desk.list(staff, { limit: 100 });
  return page.items.length;
}

/** A mail with a ~3 MiB attachment and its text part last, so a source cut short loses the text. */
function largeMail(): Buffer {
  const blob = Buffer.alloc(3 * 1024 * 1024, 0x5a).toString('base64').replace(/.{76}/g, '$&\r\n');
  return Buffer.from(
    [
      'From: Bob Example <bob@example.net>',
      'To: support@desk.example',
      'Subject: Log file of the crash',
      'Date: Tue, 03 Nov 2026 12:00:00 +0000',
      'Message-ID: <imap-large-1@mail.example.net>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: application/octet-stream; name="crash.log"',
      'Content-Disposition: attachment; filename="crash.log"',
      'Content-Transfer-Encoding: base64',
      '',
      blob,
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'The log is attached; the last line of this text is the marker END-OF-MAIL-7731.',
      '--b1--',
      '',
    ].join('\r\n'),
  );
}

describe.skipIf(skip !== null)('imapIntake on a real Dovecot', () => {
  let dovecot: TestDovecot;
  let boxes = 0;
  beforeAll(async () => {
    dovecot = await startDovecot();
  });
  afterAll(async () => {
    await dovecot?.dispose();
  });

  /** Runs `fn` on a fresh admin connection (the test's own hands on the mailbox). */
  const admin = async <T>(fn: (c: ImapFlow) => Promise<T>): Promise<T> => {
    const c = new ImapFlow(dovecot.clientOptions());
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.logout().catch(() => c.close());
    }
  };
  /** A new mailbox holding `mails`, appended in order (so UIDs follow the order). */
  const mailbox = async (...mails: Buffer[]): Promise<string> => {
    boxes += 1;
    const box = `T${boxes}-${randomUUID().slice(0, 8)}`;
    await admin(async (c) => {
      await c.mailboxCreate(box);
      for (const [i, raw] of mails.entries()) await c.append(box, raw, [], new Date(Date.UTC(2026, 10, 3, 9, i)));
    });
    return box;
  };
  const append = (box: string, raw: Buffer) => admin(async (c) => void (await c.append(box, raw)));
  /** The Message-IDs in `box` (absent mailbox: none), oldest first, with their flags. */
  const contents = (box: string) =>
    admin(async (c) => {
      const list = await c.list();
      if (!list.some((m) => m.path === box)) return [];
      const lock = await c.getMailboxLock(box);
      try {
        const out: { messageId: string; flags: string[] }[] = [];
        for await (const m of c.fetch('1:*', { uid: true, envelope: true, flags: true })) {
          out.push({ messageId: m.envelope?.messageId ?? '', flags: [...(m.flags ?? [])].sort() });
        }
        return out;
      } finally {
        lock.release();
      }
    });
  const ids = async (box: string) => (await contents(box)).map((m) => m.messageId);

  const intake = (desk: IntakeDesk, box: string, extra: Partial<ImapIntakeOptions> = {}) =>
    imapIntake({
      desk,
      client: dovecot.clientOptions(),
      mailbox: box,
      processed: { moveTo: `${box}-Done` },
      refused: { moveTo: `${box}-Refused` },
      onError: () => undefined,
      ...extra,
    });

  // ------------------------------------------------------------------ every store
  const stores: { name: string; fixture?: StoreFixture }[] = [
    { name: 'memory' },
    { name: 'sqlite (file)', fixture: sqliteFileFixture() },
    { name: POSTGRES_IS_REAL ? 'postgres' : 'postgres (PGlite)', fixture: postgresFixture() },
  ];
  afterAll(async () => {
    for (const s of stores) await s.fixture?.dispose();
  });

  for (const s of stores) {
    describe(s.name, () => {
      let store: TicketStore;
      beforeAll(async () => {
        store = s.fixture ? (await s.fixture.create()).store : memoryStore();
      });

      it('ingests oldest first into tickets, moves mail to Processed or Refused, and a restarted intake ingests nothing again', async () => {
        const desk = makeDesk(store);
        const box = await mailbox(NEW_ALICE, NEW_BOB, REPLY_ALICE, AUTO_REPLY, BOUNCE, UNKNOWN);
        const seen: ImapIntakeResult[] = [];
        const first = intake(desk, box, { onResult: (r) => seen.push(r) });
        const summary = await first.runOnce();
        await first.stop();

        expect(summary).toEqual({ found: 6, created: 2, replied: 1, duplicate: 0, ignored: 2, refused: 1, failed: 0, setAside: 0, left: 0 });
        // Oldest first: the reply (third) found the ticket the first mail opened.
        expect(seen.map((r) => r.result.outcome)).toEqual(['created', 'created', 'replied', 'ignored', 'ignored', 'refused']);
        expect(seen.map((r) => r.result.reason)).toEqual([undefined, undefined, undefined, 'auto_reply', 'bounce', 'unknown_sender']);
        expect(seen.map((r) => r.uid)).toEqual([...seen.map((r) => r.uid)].sort((a, b) => a - b));
        const [alice, bob, reply] = seen.map((r) => r.result);
        expect(reply!.ticketId).toBe(alice!.ticketId);
        const detail = await desk.get(staff, alice!.ticketId!);
        expect(detail.ticket.subject).toBe('Router reboots every night');
        expect(detail.ticket.channel).toBe('email');
        expect(detail.messages.map((m) => m.body)).toEqual([
          expect.stringContaining('reboots every night at about 03:00'),
          expect.stringContaining('at 03:04 this time'),
        ]);
        expect((await desk.get(staff, bob!.ticketId!)).ticket.subject).toBe('Question about my invoice');
        expect(await ticketCount(desk)).toBe(2);

        expect(await ids(box)).toEqual([]);
        expect(await ids(`${box}-Done`)).toEqual([
          '<imap-new-1@mail.example.net>',
          '<imap-new-2@mail.example.net>',
          '<imap-reply-1@mail.example.net>',
        ]);
        expect(await ids(`${box}-Refused`)).toEqual([
          '<imap-ooo-1@mail.example.net>',
          '<20260302170003.9F1E2@mx.desk.example>',
          '<imap-unknown-1@elsewhere.example>',
        ]);

        // A restart: a new intake on the same mailbox finds nothing to do.
        const second = intake(desk, box);
        expect(await second.runOnce()).toMatchObject({ found: 0, created: 0, duplicate: 0 });
        // ...and takes only what arrived since.
        await append(box, Buffer.from(NEW_BOB.toString().replace('imap-new-2@', 'imap-new-3@').replace('Question about', 'Second question about')));
        const later = await second.runOnce();
        await second.stop();
        expect(later).toMatchObject({ found: 1, created: 1 });
        expect(await ticketCount(desk)).toBe(3);
      });

      it('with { flag } leaves mail in place with the keyword, and a restart skips flagged mail', async () => {
        const desk = makeDesk(store);
        const box = await mailbox(NEW_ALICE, AUTO_REPLY);
        const first = intake(desk, box, { processed: { flag: '$TicketryDone' }, refused: { flag: '$TicketryDone' } });
        expect(await first.runOnce()).toMatchObject({ found: 2, created: 1, ignored: 1 });
        await first.stop();
        expect(await contents(box)).toEqual([
          { messageId: '<imap-new-1@mail.example.net>', flags: ['$TicketryDone'] },
          { messageId: '<imap-ooo-1@mail.example.net>', flags: ['$TicketryDone'] },
        ]);
        await append(box, NEW_BOB);
        const second = intake(desk, box, { processed: { flag: '$TicketryDone' } });
        expect(await second.runOnce()).toMatchObject({ found: 1, created: 1, duplicate: 0 });
        expect(await second.runOnce()).toMatchObject({ found: 0 });
        await second.stop();
        expect(await ticketCount(desk)).toBe(2);
      });

      it('a crash between ingest and move: the next pass gets duplicate, moves the mail, and opens no second ticket', async () => {
        const desk = makeDesk(store);
        const box = await mailbox(NEW_ALICE, NEW_BOB);
        // The crashed process ingested the first mail and died before moving it.
        expect((await desk.ingestEmail(NEW_ALICE)).outcome).toBe('created');
        // This one "dies" right after ingesting the second: the ingest happened, the move did not.
        const crashing: IntakeDesk = {
          ingestEmail: async (raw, o) => {
            const r = await desk.ingestEmail(raw, o);
            if (r.emailMessageId.includes('imap-new-2')) throw new UnavailableError('process died after the ingest');
            return r;
          },
        };
        const errors: TicketError[] = [];
        const dying = intake(crashing, box, { onError: (e) => errors.push(e) });
        expect(await dying.runOnce()).toMatchObject({ found: 2, duplicate: 1, failed: 1 });
        await dying.stop();
        expect(errors.map((e) => e.code)).toEqual(['unavailable']);
        expect(await ids(box)).toEqual(['<imap-new-2@mail.example.net>']);

        const seen: string[] = [];
        const next = intake(desk, box, { onResult: (r) => seen.push(r.result.outcome) });
        expect(await next.runOnce()).toMatchObject({ found: 1, duplicate: 1, created: 0 });
        await next.stop();
        expect(seen).toEqual(['duplicate']);
        expect(await ids(box)).toEqual([]);
        expect(await ids(`${box}-Done`)).toEqual(['<imap-new-1@mail.example.net>', '<imap-new-2@mail.example.net>']);
        expect(await ticketCount(desk)).toBe(2);
      });
    });
  }

  // ------------------------------------------------------------------ connection and options (memory store)
  describe('connection, errors and the loop', () => {
    it('streams a large source whole (several chunks) into the ingest', async () => {
      const desk = makeDesk(memoryStore());
      const box = await mailbox(largeMail());
      const seen: ImapIntakeResult[] = [];
      const run = intake(desk, box, { onResult: (r) => seen.push(r) });
      expect(await run.runOnce()).toMatchObject({ created: 1 });
      await run.stop();
      const detail = await desk.get(staff, seen[0]!.result.ticketId!);
      expect(detail.messages[0]!.body).toContain('END-OF-MAIL-7731');
    });

    it('a mail over the size limit is refused unread past the limit and moved to Refused; the connection carries on', async () => {
      const desk = createTicketService({
        store: memoryStore(),
        directory,
        config: { email: { address: 'support@desk.example', maxBytes: 100_000 } },
      });
      const box = await mailbox(largeMail(), NEW_ALICE);
      const seen: ImapIntakeResult[] = [];
      const run = intake(desk, box, { onResult: (r) => seen.push(r) });
      expect(await run.runOnce()).toMatchObject({ found: 2, refused: 1, created: 1, failed: 0 });
      await run.stop();
      expect(seen.map((r) => [r.result.outcome, r.result.reason])).toEqual([
        ['refused', 'too_large'],
        ['created', undefined],
      ]);
      expect(await ids(`${box}-Refused`)).toEqual(['<imap-large-1@mail.example.net>']);
      expect(await ids(`${box}-Done`)).toEqual(['<imap-new-1@mail.example.net>']);
    });

    it('two intakes on one mailbox at once: every mail moved, each ticket opened once', async () => {
      const desk = makeDesk(memoryStore());
      const box = await mailbox(NEW_ALICE, NEW_BOB, REPLY_ALICE, AUTO_REPLY);
      const a = intake(desk, box);
      const b = intake(desk, box);
      const [ra, rb] = await Promise.all([a.runOnce(), b.runOnce()]);
      await Promise.all([a.stop(), b.stop()]);
      // Each mail was ingested by one of them or both; the second ingest of a mail is a duplicate.
      expect(ra.created + rb.created).toBe(2);
      expect(ra.replied + rb.replied).toBe(1);
      expect(ra.ignored + rb.ignored).toBeGreaterThanOrEqual(1);
      expect(ra.failed + rb.failed).toBe(0);
      expect(await ticketCount(desk)).toBe(2);
      expect(await ids(box)).toEqual([]);
      // Both sessions may move the same mail (each from its own view of the mailbox), so
      // Processed can hold a copy twice; what matters is that no ticket is doubled.
      expect(new Set(await ids(`${box}-Done`))).toEqual(
        new Set(['<imap-new-1@mail.example.net>', '<imap-new-2@mail.example.net>', '<imap-reply-1@mail.example.net>']),
      );
      expect(new Set(await ids(`${box}-Refused`))).toEqual(new Set(['<imap-ooo-1@mail.example.net>']));
    });

    it('connection lost mid-pass (Dovecot stopped and started again): the pass rejects with unavailable, the next continues', async () => {
      const desk = makeDesk(memoryStore());
      const box = await mailbox(NEW_ALICE, NEW_BOB, REPLY_ALICE);
      // The server goes down right after the second mail was ingested, before its move.
      let calls = 0;
      const flaky: IntakeDesk = {
        ingestEmail: async (raw, o) => {
          const r = await desk.ingestEmail(raw, o);
          calls += 1;
          if (calls === 2) await dovecot.stop();
          return r;
        },
      };
      const run = intake(flaky, box);
      const err = await run.runOnce().catch((e: unknown) => e);
      expect(TicketError.is(err, 'unavailable'), JSON.stringify(err)).toBe(true);
      // While the server is down a pass cannot even connect: unavailable again, no raw imapflow error.
      const down = await run.runOnce().catch((e: unknown) => e);
      expect(TicketError.is(down, 'unavailable'), String(down)).toBe(true);

      await dovecot.start();
      const seen: string[] = [];
      const after = intake(desk, box, { onResult: (r) => seen.push(r.result.outcome) });
      // The same intake reconnects by itself. The first two were ingested but never moved (a
      // batch is moved after its mails are ingested): they come again as duplicates.
      expect(await run.runOnce()).toMatchObject({ found: 3, duplicate: 2, replied: 1, created: 0 });
      await run.stop();
      expect(await after.runOnce()).toMatchObject({ found: 0 });
      await after.stop();
      expect(await ids(box)).toEqual([]);
      expect(await ids(`${box}-Done`)).toHaveLength(3);
      expect(await ticketCount(desk)).toBe(2);
    });

    it('a mail whose ingest throws stays in place and goes to onError; an unavailable store ends the pass', async () => {
      const desk = makeDesk(memoryStore());
      const box = await mailbox(NEW_ALICE, NEW_BOB, REPLY_ALICE);
      const errors: { code: string; uid?: number }[] = [];
      let storeUp = false;
      const outage: IntakeDesk = {
        ingestEmail: async (raw, o) => {
          if (!storeUp) throw new UnavailableError('the store is down');
          return desk.ingestEmail(raw, o);
        },
      };
      const run = intake(outage, box, { onError: (e, c) => errors.push({ code: e.code, ...(c.uid ? { uid: c.uid } : {}) }) });
      expect(await run.runOnce()).toMatchObject({ found: 3, failed: 1, left: 2, created: 0 });
      expect(errors).toEqual([{ code: 'unavailable', uid: 1 }]);
      expect(await ids(box)).toHaveLength(3);

      // An error that is not the store's (a bug, a broken mail) fails that mail only.
      let broken = true;
      const buggy: IntakeDesk = {
        ingestEmail: async (raw, o) => {
          const r = await desk.ingestEmail(raw, o);
          if (broken && r.emailMessageId.includes('imap-new-1')) {
            broken = false;
            throw new Error('boom');
          }
          return r;
        },
      };
      const errors2: string[] = [];
      const run2 = intake(buggy, box, { onError: (e) => errors2.push(e.code) });
      expect(await run2.runOnce()).toMatchObject({ found: 3, failed: 1, created: 1, replied: 1 });
      expect(errors2).toEqual(['internal']);
      expect(await ids(box)).toEqual(['<imap-new-1@mail.example.net>']);
      storeUp = true;
      expect(await run.runOnce()).toMatchObject({ found: 1, duplicate: 1 });
      await run.stop();
      await run2.stop();
      expect(await ticketCount(desk)).toBe(2);
    });

    it('a mail whose ingest keeps throwing is set aside to Refused after maxFailures passes; the others are taken', async () => {
      const desk = makeDesk(memoryStore());
      const box = await mailbox(NEW_ALICE, NEW_BOB);
      // The desk chokes on Bob's mail every time (a parser bug, say); Alice's goes through.
      const choking: IntakeDesk = {
        ingestEmail: async (raw, o) => {
          const r = await desk.ingestEmail(raw, o);
          if (r.emailMessageId.includes('imap-new-2')) throw new Error('cannot take this one');
          return r;
        },
      };
      const errors: string[] = [];
      const run = intake(choking, box, { maxFailures: 2, onError: (e, c) => errors.push(`${e.code}:${c.uid ?? ''}`) });
      expect(await run.runOnce()).toMatchObject({ found: 2, created: 1, failed: 1, setAside: 0 });
      expect(await ids(box)).toEqual(['<imap-new-2@mail.example.net>']);
      expect(await run.runOnce()).toMatchObject({ found: 1, failed: 1, setAside: 1 });
      expect(await ids(box)).toEqual([]);
      expect(await ids(`${box}-Refused`)).toEqual(['<imap-new-2@mail.example.net>']);
      expect(errors).toEqual(['internal:2', 'internal:2', 'internal:2']);
      // Gone from the mailbox: no later pass reads it again.
      expect(await run.runOnce()).toMatchObject({ found: 0, failed: 0 });
      await run.stop();
    });

    it('start() takes new mail as it arrives (IDLE) until stop()', async () => {
      const desk = makeDesk(memoryStore());
      const box = await mailbox(NEW_ALICE);
      const results: ImapIntakeResult[] = [];
      let notify: (() => void) | undefined;
      const loop = intake(desk, box, {
        // Far longer than the test's timeout: only IDLE can bring the second mail in.
        pollIntervalMs: 3_600_000,
        onResult: (r) => {
          results.push(r);
          notify?.();
        },
      });
      const until = (n: number) =>
        new Promise<void>((resolve) => {
          notify = () => results.length >= n && resolve();
          notify();
        });
      loop.start();
      expect(loop.running).toBe(true);
      await until(1);
      await append(box, NEW_BOB);
      await until(2);
      await loop.stop();
      expect(loop.running).toBe(false);
      expect(results.map((r) => r.result.outcome)).toEqual(['created', 'created']);
      expect(await ids(box)).toEqual([]);
    });

    it('bad options, a bad login and a missing mailbox are config errors; no server is unavailable', async () => {
      const desk = makeDesk(memoryStore());
      const field = (fn: () => unknown) => {
        try {
          fn();
        } catch (err) {
          expect(TicketError.is(err, 'config'), String(err)).toBe(true);
          return (err as TicketError).params.field;
        }
        throw new Error('no error');
      };
      const client = dovecot.clientOptions();
      expect(field(() => imapIntake({ desk: {} as IntakeDesk, client }))).toBe('desk');
      expect(field(() => imapIntake({ desk, client: { port: 143 } }))).toBe('client.host');
      expect(field(() => imapIntake({ desk, client, processed: { moveTo: 'INBOX' } }))).toBe('processed.moveTo');
      expect(field(() => imapIntake({ desk, client, processed: { flag: 'not a keyword' } }))).toBe('processed.flag');
      expect(field(() => imapIntake({ desk, client, refused: {} as never }))).toBe('refused');
      expect(field(() => imapIntake({ desk, client, batchSize: 0 }))).toBe('batchSize');

      const badLogin = imapIntake({ desk, client: { ...client, auth: { user: 'desk', pass: 'wrong' } }, onError: () => undefined });
      const e1 = await badLogin.runOnce().catch((e: unknown) => e);
      expect(TicketError.is(e1, 'config'), String(e1)).toBe(true);

      const missing = imapIntake({ desk, client, mailbox: `Nope-${randomUUID()}` });
      const e2 = await missing.runOnce().catch((e: unknown) => e);
      expect(TicketError.is(e2, 'config'), String(e2)).toBe(true);
      expect((e2 as TicketError).params.field).toBe('mailbox');
      await missing.stop();

      // Nothing listens on port 1.
      const nowhere = imapIntake({ desk, client: { ...client, port: 1 } });
      const e3 = await nowhere.runOnce().catch((e: unknown) => e);
      expect(TicketError.is(e3, 'unavailable'), String(e3)).toBe(true);
    });
  });
});
