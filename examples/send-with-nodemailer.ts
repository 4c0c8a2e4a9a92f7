/**
 * Email out with nodemailer: every event's mails from `desk.emailFor`, sent as they are.
 *
 * Run it with `npx tsx examples/send-with-nodemailer.ts`: without `SMTP_URL` the mails are
 * printed as the raw messages nodemailer would send (its stream transport); with
 * `SMTP_URL=smtp://user:pass@smtp.example.net:587` they go to that server.
 *
 * A production host sends from `desk.dispatcher` rather than `desk.events`, so a mail
 * that fails is retried and a crash loses none (each event is delivered at least once;
 * the Message-ID of a mail is the same on every attempt, so a resend is recognisable).
 */
import nodemailer from 'nodemailer';
import { memoryStore } from '../adapters/memory/index.js';
import { createTicketService, type CustomerActor, type StaffActor, type TicketEvent } from '../src/index.js';

const desk = createTicketService({
  store: memoryStore(),
  config: {
    email: {
      address: 'support@desk.example.net',
      name: 'Example Support',
      customerUrl: 'https://panel.example.net/tickets/{number}',
      staffUrl: 'https://admin.example.net/tickets/{id}',
    },
  },
  directory: {
    getSubscriber: (id) => ({ id, resellerId: null, name: 'Maria Lopez', email: 'maria@example.org', language: 'es' }),
    getStaff: (id) => ({ id, name: 'Ana', email: 'ana@desk.example.net' }),
  },
});

const transport = process.env.SMTP_URL
  ? nodemailer.createTransport(process.env.SMTP_URL)
  : nodemailer.createTransport({ streamTransport: true, newline: 'unix', buffer: true });

/** Sends every mail an event makes. `headers` carries Message-ID, In-Reply-To, References, Auto-Submitted. */
async function sendMailsFor(event: TicketEvent): Promise<void> {
  for (const mail of await desk.emailFor(event)) {
    const info = await transport.sendMail({
      from: mail.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      headers: mail.headers,
    });
    console.log(`--- ${event.type} -> ${mail.to[0]!.address} (${mail.audience}, ${mail.language})`);
    if ('message' in info && Buffer.isBuffer(info.message)) console.log(info.message.toString('utf8'));
  }
}

// Kept in order and awaited at the end; a host's dispatcher does this for it.
const sending: Promise<void>[] = [];
desk.events.on('*', (_type, event) => void sending.push(sendMailsFor(event as TicketEvent)));

const maria: CustomerActor = { kind: 'customer', id: 'sub-1001' };
const ana: StaffActor = { kind: 'staff', id: 'agent-ana', name: 'Ana', permissions: ['tickets.view', 'tickets.edit', 'tickets.reply'] };

const ticket = await desk.create(maria, { subject: 'El router se reinicia', body: 'Cada hora, desde ayer.' });
await desk.update({ kind: 'system' }, ticket.id, { assigneeId: ana.id });
await desk.addReply(ana, ticket.id, { body: 'Checked the line: internal note, never mailed to Maria.', internal: true });
await desk.addReply(ana, ticket.id, { body: 'Hemos actualizado el **firmware**. ¿Sigue ocurriendo?' });
await desk.addReply(maria, ticket.id, { body: 'Ya funciona, gracias.' });
await Promise.all(sending);
transport.close();
