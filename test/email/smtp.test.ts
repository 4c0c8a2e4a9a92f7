/**
 * Email out through a real SMTP server: `emailFor`'s mails are sent with nodemailer to an
 * smtp-server sink on loopback, parsed back with mailparser, and the customer's reply,
 * written on what arrived (In-Reply-To = its Message-ID, the subject as a client makes
 * it), goes into `ingestEmail` and joins the ticket the mail was about. Every store,
 * since the round trip reads and writes through it.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTicketService, type TicketEvent, type TicketStore } from '../../src/index.js';
import { threadMessageId } from '../../src/email/message-ids.js';
import type { OutgoingEmail } from '../../src/email/email-types.js';
import { TestClock, TestDirectory } from '../../src/testing/index.js';
import { storeTargets } from '../sql/store-targets.js';

const DESK = 'support@desk.example.net';

/** What the sink received: the envelope and the raw message. */
interface Arrived {
  from: string;
  to: string[];
  raw: Buffer;
}

/** A real SMTP server on a loopback port that keeps every mail it accepts. */
async function startSink(): Promise<{ port: number; inbox: Arrived[]; close: () => Promise<void> }> {
  const inbox: Arrived[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', callback);
      stream.on('end', () => {
        // Kept before the server answers 250, so a resolved sendMail means it is here.
        inbox.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return { port, inbox, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

let sink: Awaited<ReturnType<typeof startSink>>;
let transport: ReturnType<typeof nodemailer.createTransport>;
beforeAll(async () => {
  sink = await startSink();
  transport = nodemailer.createTransport({ host: '127.0.0.1', port: sink.port, secure: false, ignoreTLS: true });
});
afterAll(async () => {
  transport?.close();
  await sink?.close();
});

/** Sends one of emailFor's mails the way the README shows, and parses what the sink received. */
async function deliver(mail: OutgoingEmail): Promise<{ arrived: Arrived; parsed: ParsedMail }> {
  const before = sink.inbox.length;
  await transport.sendMail({ from: mail.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html, headers: mail.headers });
  expect(sink.inbox.length).toBe(before + 1);
  const arrived = sink.inbox[before]!;
  return { arrived, parsed: await simpleParser(arrived.raw) };
}

const references = (parsed: ParsedMail): string[] =>
  parsed.references === undefined ? [] : Array.isArray(parsed.references) ? parsed.references : [parsed.references];

/** A customer's reply to `parsed`, as a mail client writes it: quoted history below, threading headers. */
function replyTo(parsed: ParsedMail, from: string, body: string): string {
  const subject = /^re:/i.test(parsed.subject ?? '') ? parsed.subject! : `Re: ${parsed.subject}`;
  const quoted = (parsed.text ?? '').split('\n').map((line) => `> ${line}`).join('\r\n');
  return [
    `From: Customer <${from}>`,
    `To: ${DESK}`,
    `Subject: ${subject}`,
    `Message-ID: <${randomUUID()}@customer.example>`,
    `In-Reply-To: ${parsed.messageId}`,
    `References: ${[...references(parsed), parsed.messageId].join(' ')}`,
    'Date: Mon, 02 Mar 2026 10:30:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    body,
    '',
    `On Mon, 2 Mar 2026 at 10:10, Support <${DESK}> wrote:`,
    quoted,
    '',
  ].join('\r\n');
}

const stores: { name: string; store: () => Promise<TicketStore> }[] = storeTargets().map(({ name, createStore }) => ({
  name,
  store: async () => createStore(),
}));

function deskOn(store: TicketStore) {
  const clock = new TestClock();
  const directory = new TestDirectory();
  directory.strict = true;
  const desk = createTicketService({
    store,
    tenantId: `t-${randomUUID()}`,
    clock: clock.now,
    directory: Object.assign(directory, {
      findSubscriberByEmail: (email: string) => [...directory.subscribers.values()].find((s) => s.email === email) ?? null,
    }),
    config: { email: { address: DESK, name: 'Example Support', unknownSenders: 'guest' } },
  });
  const events: TicketEvent[] = [];
  desk.events.on('*', (_type, event) => events.push(event as TicketEvent));
  return { desk, clock, directory, events };
}

const lastOf = <T extends TicketEvent['type']>(events: TicketEvent[], type: T) =>
  events.filter((e) => e.type === type).at(-1) as Extract<TicketEvent, { type: T }>;

for (const { name, store } of stores) {
  describe(`email out over SMTP: ${name}`, () => {
    it('a staff reply arrives threaded under the ticket, and the customer\'s reply to it joins the same ticket', async () => {
      const { desk, clock, directory, events } = deskOn(await store());
      const sub = `sub-${randomUUID()}`;
      directory.subscribers.set(sub, { id: sub, resellerId: null, name: 'Ana', email: 'ana@customer.example' });
      directory.staff.set('agent-1', { id: 'agent-1', name: 'Agent Smith' });
      const agent = { kind: 'staff' as const, id: 'agent-1', name: 'Agent Smith', permissions: ['tickets.view' as const, 'tickets.reply' as const] };
      const ticket = await desk.create({ kind: 'customer', id: sub }, { subject: 'Router reboots', body: 'Every hour.' });
      const root = threadMessageId(ticket.id, 'desk.example.net');

      const [ack] = await desk.emailFor(lastOf(events, 'ticket.created'));
      const first = await deliver(ack!);
      expect(first.arrived.to).toEqual(['ana@customer.example']);
      expect(first.parsed.subject).toBe(`[${ticket.number}] Router reboots`);
      expect(first.parsed.headers.get('auto-submitted')).toBe('auto-replied');
      expect(first.parsed.messageId).toBe(ack!.messageId);
      expect(first.parsed.inReplyTo).toBe(root);

      clock.minutes(10);
      await desk.addReply(agent, ticket.id, { body: 'Please update the **firmware**.' });
      const [mail] = await desk.emailFor(lastOf(events, 'ticket.replied'));
      const { arrived, parsed } = await deliver(mail!);
      expect(arrived.from).toBe(DESK);
      expect(arrived.to).toEqual(['ana@customer.example']);
      expect(parsed.from?.value).toEqual([{ address: DESK, name: 'Example Support' }]);
      expect(parsed.subject).toBe(`Re: [${ticket.number}] Router reboots`);
      expect(parsed.messageId).toBe(mail!.messageId);
      expect(parsed.messageId).not.toBe(first.parsed.messageId);
      expect(parsed.inReplyTo).toBe(root);
      expect(references(parsed)).toEqual([root]);
      expect(parsed.headers.get('auto-submitted')).toBeUndefined();
      expect(parsed.headers.get('x-ticketry-ticket')).toBe(ticket.number);
      expect(parsed.text).toContain('Please update the **firmware**.');
      expect(parsed.html).toContain('<strong>firmware</strong>');

      clock.minutes(10);
      const result = await desk.ingestEmail(replyTo(parsed, 'ana@customer.example', 'Updated it, still rebooting.'));
      expect(result.outcome).toBe('replied');
      expect(result.ticketId).toBe(ticket.id);
      const thread = await desk.get(agent, ticket.id);
      const last = thread.messages.at(-1)!;
      expect(last.authorType).toBe('customer');
      expect(last.body).toBe('Updated it, still rebooting.');
      expect(thread.ticket.status).toBe('open');
    });

    it('a guest\'s mail opens a ticket; the acknowledgement goes to the address it came from, and the reply to it joins that ticket', async () => {
      const { desk, clock, events } = deskOn(await store());
      const guest = `guest-${randomUUID().slice(0, 8)}@elsewhere.example`;
      const opened = await desk.ingestEmail(
        [
          `From: Guest <${guest}>`,
          `To: ${DESK}`,
          'Subject: Cannot log in',
          `Message-ID: <${randomUUID()}@elsewhere.example>`,
          'Date: Mon, 02 Mar 2026 10:00:00 +0000',
          'Content-Type: text/plain; charset=utf-8',
          '',
          'My password does not work.',
          '',
        ].join('\r\n'),
      );
      expect(opened.outcome).toBe('created');
      const created = lastOf(events, 'ticket.created');
      expect(created.ticket.channel).toBe('email');
      const mails = await desk.emailFor(created);
      expect(mails.map((m) => m.to)).toEqual([[{ address: guest }]]);
      const { arrived, parsed } = await deliver(mails[0]!);
      expect(arrived.to).toEqual([guest]);
      expect(parsed.subject).toBe(`[${created.ticket.number}] Cannot log in`);
      expect(parsed.text).toContain('My password does not work.');
      // The acknowledgement answers the guest's own mail, so it threads under what they sent.
      expect(parsed.inReplyTo).toBe(`<${created.message.email!.messageId}>`);

      clock.minutes(5);
      const reply = await desk.ingestEmail(replyTo(parsed, guest, 'It works now, thanks.'));
      expect(reply.outcome).toBe('replied');
      expect(reply.ticketId).toBe(opened.ticketId);
    });
  });
}
