/**
 * Real raw mails (test/email/fixtures/*.eml) through `desk.ingestEmail` on every store:
 * memory, SQLite file and `:memory:`, Postgres (TICKETRY_PG_URL, else PGlite), and
 * MySQL/MariaDB when TICKETRY_MYSQL_URL is set (required in CI). Attachments go to
 * ticketry's memory blob store. The replies' `{{THREAD}}`, `{{PART}}` and `{{NUMBER}}`
 * stand for what ticketry's own mail about the ticket carried, and are filled in here.
 */
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { memoryBlobStore } from '../../adapters/blobs/index.js';
import { partMessageId, threadMessageId } from '../../src/email/message-ids.js';
import {
  createTicketService,
  type DirectorySubscriber,
  type IngestResult,
  type Message,
  type StaffActor,
  type TicketService,
  type TicketStore,
} from '../../src/index.js';
import { storeTargets } from '../sql/store-targets.js';

const FIXTURES = new URL('./fixtures/', import.meta.url);
const fixture = (name: string): Buffer => readFileSync(new URL(`${name}.eml`, FIXTURES));
/** The PNG inside png-attachment.eml. */
const PIXEL = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4z8AARAwQCgAf7gP9i18U1AAAAABJRU5ErkJggg==',
  'base64',
);
const STAFF: StaffActor = {
  kind: 'staff',
  id: 'op-1',
  resellerId: null,
  permissions: ['tickets.view', 'tickets.view_all', 'tickets.create', 'tickets.edit', 'tickets.reply', 'tickets.delete'],
};

/** The host's directory: who has which address (Ivan and Mallory are not customers). */
const PEOPLE: Record<string, DirectorySubscriber> = {
  'anna@customer.example': { id: 'sub-anna', resellerId: 'res-1', name: 'Anna Schmidt' },
  'petr@customer.example': { id: 'sub-petr', resellerId: null },
  'jose@cliente.example': { id: 'sub-jose', resellerId: null },
  'olga@customer.example': { id: 'sub-olga', resellerId: null },
};
const directory = {
  getSubscriber: (id: string) => Object.values(PEOPLE).find((p) => p.id === id) ?? null,
  getStaff: (id: string) => ({ id }),
  findSubscriberByEmail: (email: string) => PEOPLE[email] ?? null,
};

function deskOn(store: TicketStore, config: Record<string, unknown> = {}): TicketService {
  return createTicketService({
    store,
    tenantId: `t-${randomUUID()}`,
    directory,
    blobs: memoryBlobStore(),
    clock: () => new Date('2026-03-02T10:00:00Z'),
    config: { email: { address: 'support@desk.example', unknownSenders: 'guest', ...config } },
  });
}

const thread = async (desk: TicketService, ticketId: string): Promise<Message[]> => (await desk.get(STAFF, ticketId)).messages;

function taken(r: IngestResult, outcome: 'created' | 'replied'): string {
  expect(r, JSON.stringify(r)).toMatchObject({ outcome });
  return r.ticketId!;
}

/** A mail of `size` bytes, made as it is read, that counts how much was read. */
function hugeMail(size: number): { stream: Readable; read: () => number } {
  let read = 0;
  const head = Buffer.from('From: anna@customer.example\r\nSubject: logs\r\nMessage-ID: <huge@customer.example>\r\n\r\n');
  const line = Buffer.from(`${'0123456789abcdef'.repeat(4)}\r\n`.repeat(1024));
  const stream = Readable.from(
    (function* () {
      read += head.length;
      yield head;
      while (read < size) {
        read += line.length;
        yield line;
      }
    })(),
  );
  return { stream, read: () => read };
}

function intakeFixtureTests(name: string, createStore: () => Promise<TicketStore> | TicketStore): void {
  describe(`email intake fixtures: ${name}`, () => {
    it('multipart/alternative: the text part is the body, the subject the subject', async () => {
      const desk = deskOn(await createStore());
      const ticketId = taken(await desk.ingestEmail(fixture('multipart-alternative')), 'created');
      const { ticket, messages } = await desk.get(STAFF, ticketId);
      expect(ticket).toMatchObject({
        subject: 'No internet since this morning',
        channel: 'email',
        requesterEmail: 'anna@customer.example',
        subscriberId: 'sub-anna',
        resellerId: 'res-1',
      });
      expect(messages[0]!.body).toBe(
        'Hello,\n\nsince this morning my router shows a red light and there is no internet.\nI already restarted it twice – no change.\n\nAnna',
      );
      expect(messages[0]!.email).toEqual({ messageId: 'CAF3k9x7Qw@mail.customer.example', from: 'anna@customer.example', fullText: null });
    });

    it('a base64 PNG is kept byte for byte; an executable beside it is dropped and named', async () => {
      const desk = deskOn(await createStore());
      const r = await desk.ingestEmail(fixture('png-attachment'));
      const ticketId = taken(r, 'created');
      expect(r.droppedAttachments).toEqual([{ filename: 'fix.exe', reason: expect.stringMatching(/Windows executable/) }]);
      const [opening] = await thread(desk, ticketId);
      expect(opening!.body).toBe('The speed test result is attached: 3 Mbit/s instead of 100.');
      expect(opening!.attachments.map((a) => [a.filename, a.contentType, a.size])).toEqual([['speedtest.png', 'image/png', PIXEL.length]]);
      const { content } = await desk.getAttachment({ kind: 'customer', id: 'sub-petr' }, opening!.attachments[0]!.id);
      const chunks: Buffer[] = [];
      for await (const c of content) chunks.push(Buffer.from(c));
      expect(Buffer.concat(chunks).equals(PIXEL)).toBe(true);
    });

    it('encoded-word subjects: UTF-8 (B and Q, folded) and KOI8-R, with a KOI8-R body and sender name', async () => {
      const desk = deskOn(await createStore());
      const utf8 = taken(await desk.ingestEmail(fixture('subject-utf8')), 'created');
      const a = await desk.get(STAFF, utf8);
      expect(a.ticket.subject).toBe('¡El router no funciona! 🔥 otra vez');
      expect(a.messages[0]!.body).toBe('Hola, el router se reinicia cada diez minutos. ¿Pueden revisarlo?');

      const koi = taken(await desk.ingestEmail(fixture('subject-koi8r')), 'created');
      const b = await desk.get(STAFF, koi);
      expect(b.ticket.subject).toBe('Не работает интернет');
      expect(b.messages[0]!.body).toBe('Здравствуйте! Со вчерашнего вечера нет интернета, роутер мигает.');
      // Ivan is not in the directory: a guest ticket, named as his mail names him.
      expect(b.ticket.subscriberId).toBe('guest:ivan@klient.example');
      expect(b.messages[0]!.authorName).toBe('Иван Петров');
    });

    it('HTML-only mail becomes plain text: no tags, no script or style, entities decoded, links kept', async () => {
      const desk = deskOn(await createStore());
      const ticketId = taken(await desk.ingestEmail(fixture('html-only')), 'created');
      const [opening] = await thread(desk, ticketId);
      expect(opening!.body).toBe(
        'Hello,\n\nmy invoice #2026-03 shows 2 × the "Pro" plan & I only have one.\n\n- Plan: Pro\n- Account: acct 7 <https://panel.example/acct/7>\n\nThanks,\nOlga',
      );
      expect(opening!.html).not.toMatch(/<script|onerror|<img/);
    });

    it('Outlook and Gmail replies join the ticket, trimmed of their quoted history and signature; staff keep the full text', async () => {
      const desk = deskOn(await createStore());
      const ticketId = taken(await desk.ingestEmail(fixture('multipart-alternative')), 'created');
      const { ticket } = await desk.get(STAFF, ticketId);
      await desk.addReply(STAFF, ticketId, { body: 'We reset your port. Does it work now?' });

      // Outlook answers Anna's own first mail (a Message-ID ticketry received).
      expect(await desk.ingestEmail(fixture('outlook-reply'))).toMatchObject({ outcome: 'replied', ticketId });
      // Gmail answers ticketry's notification (ticketry's own Message-IDs).
      const gmail = fixture('gmail-reply')
        .toString('utf8')
        .replaceAll('{{THREAD}}', threadMessageId(ticketId, 'desk.example').slice(1, -1))
        .replaceAll('{{PART}}', partMessageId(ticketId, 'reply-1', 'desk.example').slice(1, -1))
        .replaceAll('{{NUMBER}}', ticket.number);
      expect(await desk.ingestEmail(gmail)).toMatchObject({ outcome: 'replied', ticketId });

      const messages = await thread(desk, ticketId);
      const [outlook, fromGmail] = messages.slice(-2);
      expect(outlook!.body).toBe('The light is green again now, thank you!\n\nBest regards\nAnna Schmidt');
      expect(outlook!.email!.fullText).toMatch(/From: Anna Schmidt <anna@customer\.example>\nSent: Monday/);
      expect(fromGmail!.body).toBe('It went down again at 16:00.');
      expect(fromGmail!.email!.fullText).toMatch(/Customer #4711\n\nOn Mon, Mar 2, 2026 at 3:45 PM Support <support@desk\.example> wrote:\n\n> Hello Anna/);
      // The customer's view: the trimmed bodies only.
      const mine = await desk.get({ kind: 'customer', id: 'sub-anna' }, ticketId);
      expect(JSON.stringify(mine)).not.toMatch(/Original|wrote:|Customer #4711|fullText/);
    });

    it('a bounce (DSN) and an out-of-office change nothing, though they carry the token and the thread ids', async () => {
      const desk = deskOn(await createStore());
      const ticketId = taken(await desk.ingestEmail(fixture('multipart-alternative')), 'created');
      const { ticket } = await desk.get(STAFF, ticketId);
      await desk.update(STAFF, ticketId, { status: 'resolved' });
      const fill = (raw: Buffer) =>
        raw
          .toString('utf8')
          .replaceAll('{{THREAD}}', threadMessageId(ticketId, 'desk.example').slice(1, -1))
          .replaceAll('{{PART}}', partMessageId(ticketId, 'x', 'desk.example').slice(1, -1))
          .replaceAll('{{NUMBER}}', ticket.number);
      expect(await desk.ingestEmail(fixture('bounce-dsn'))).toMatchObject({ outcome: 'ignored', reason: 'bounce', ticketId: null });
      expect(await desk.ingestEmail(fill(fixture('out-of-office')))).toMatchObject({ outcome: 'ignored', reason: 'auto_reply', ticketId: null });
      const after = await desk.get(STAFF, ticketId);
      expect(after.ticket.status).toBe('resolved');
      expect(after.messages.filter((m) => m.authorType === 'customer')).toHaveLength(1);
      expect((await desk.list(STAFF, {})).items.map((t) => t.id)).toEqual([ticketId]);
    });

    it("a forged token from another sender opens that sender's own ticket; the victim's is untouched", async () => {
      const desk = deskOn(await createStore());
      const victim = taken(await desk.ingestEmail(fixture('multipart-alternative')), 'created');
      const { ticket } = await desk.get(STAFF, victim);
      const forged = fixture('forged-token')
        .toString('utf8')
        .replaceAll('{{THREAD}}', threadMessageId(victim, 'desk.example').slice(1, -1))
        .replaceAll('{{PART}}', partMessageId(victim, 'x', 'desk.example').slice(1, -1))
        .replaceAll('{{NUMBER}}', ticket.number);
      const r = await desk.ingestEmail(forged);
      const own = taken(r, 'created');
      expect(own).not.toBe(victim);
      const theirs = await desk.get(STAFF, own);
      expect(theirs.ticket).toMatchObject({ subscriberId: 'guest:mallory@attacker.example', subject: 'Re: No internet since this morning' });
      expect(await thread(desk, victim)).toHaveLength(1);
    });

    it('a huge mail over config.email.maxBytes is refused after reading no further than the limit', async () => {
      const desk = deskOn(await createStore(), { maxBytes: 1024 * 1024 });
      const huge = hugeMail(64 * 1024 * 1024);
      const r = await desk.ingestEmail(huge.stream);
      expect(r).toMatchObject({ outcome: 'refused', reason: 'too_large', emailMessageId: 'huge@customer.example', ticketId: null });
      expect(huge.read()).toBeLessThan(1024 * 1024 + 2 * 70 * 1024);
      expect(huge.stream.destroyed).toBe(true);
      // As a string and as bytes, too.
      const text = `From: anna@customer.example\r\nSubject: big\r\n\r\n${'x'.repeat(1024 * 1024)}`;
      expect(await desk.ingestEmail(text)).toMatchObject({ outcome: 'refused', reason: 'too_large' });
      expect(await desk.ingestEmail(new TextEncoder().encode(text))).toMatchObject({ outcome: 'refused', reason: 'too_large' });
      expect((await desk.list(STAFF, {})).items).toHaveLength(0);
    });

    it('a mail within the limits whose attachment is over maxFileBytes keeps its text; the file is dropped', async () => {
      const desk = createTicketService({
        store: await createStore(),
        tenantId: `t-${randomUUID()}`,
        directory,
        blobs: memoryBlobStore(),
        config: { email: { address: 'support@desk.example' }, attachments: { maxFileBytes: 64 * 1024 } },
      });
      const big = Buffer.concat([PIXEL, Buffer.alloc(100 * 1024)]);
      const raw = [
        'From: anna@customer.example',
        'Subject: big screenshot',
        'Message-ID: <bigfile@customer.example>',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b"',
        '',
        '--b',
        'Content-Type: text/plain',
        '',
        'See the screenshot.',
        '--b',
        'Content-Type: image/png',
        'Content-Transfer-Encoding: base64',
        'Content-Disposition: attachment; filename="screen.png"',
        '',
        big.toString('base64').replace(/.{76}/g, '$&\r\n'),
        '--b--',
        '',
      ].join('\r\n');
      const r = await desk.ingestEmail(raw);
      taken(r, 'created');
      expect(r.droppedAttachments).toEqual([{ filename: 'screen.png', reason: expect.stringMatching(/larger than the limit of 64 KiB/) }]);
    });
  });
}

for (const { name, createStore } of storeTargets()) intakeFixtureTests(name, createStore);
