/**
 * Contract: email intake (`desk.ingestEmail`) on the store: a mail opens a ticket for the
 * directory's subscriber (or a guest), a reply joins its ticket by its headers or the
 * number token only when its sender may add to it, the same Message-ID is taken once (also
 * by two instances at once), auto-replies, bounces and ticketry's own mail change nothing,
 * and the customer's view never shows what the mail was. The mails are built here (the
 * suite is published and reads no files); ticketry's own runs also feed real mails from
 * test/email/fixtures.
 */
import { randomUUID } from 'node:crypto';
import type { TicketEvent } from '../events/event-types.js';
import type { IngestResult, RawEmail } from '../email/email-types.js';
import { partMessageId, threadMessageId } from '../email/message-ids.js';
import { scopeFor } from '../permissions.js';
import type { TicketServiceOptions } from '../service/create-ticket-service.js';
import { createTicketService, type TicketService } from '../index.js';
import type { TicketStore } from '../store.js';
import type { CustomerActor, DirectorySubscriber, Message, Ticket } from '../types.js';
import { testBlobStore } from './attachment-blobs.js';
import { PNG } from './attachment-fixtures.js';
import { ALL, TestClock, TestDirectory, assert, operator, rejectsWith, type ContractOptions } from './harness.js';

/** The desk's address in these tests; its Message-IDs are `@desk.example`. */
const DESK = 'support@desk.example';
const DOMAIN = 'desk.example';

/** A directory that also finds subscribers by address, as a host's would. */
class MailDirectory extends TestDirectory {
  readonly mailboxes = new Map<string, DirectorySubscriber>();
  constructor() {
    super();
    this.strict = true;
  }
  /** A subscriber with a mailbox; returns the customer actor the host would build for them. */
  subscriber(address: string, resellerId: string | null = null): CustomerActor {
    const id = `sub-${randomUUID()}`;
    const entry = { id, resellerId, name: `Subscriber ${address}`, email: address };
    this.subscribers.set(id, entry);
    this.mailboxes.set(address.toLowerCase(), entry);
    return { kind: 'customer', id, resellerId, name: entry.name };
  }
  findSubscriberByEmail(email: string): DirectorySubscriber | null {
    return this.mailboxes.get(email) ?? null;
  }
}

interface MailDesk {
  desk: TicketService;
  store: TicketStore;
  tenantId: string;
  clock: TestClock;
  directory: MailDirectory;
  events: TicketEvent[];
  /** Another service on the same data (the second store handle when the store has one). */
  peer(overrides?: Partial<TicketServiceOptions>): Promise<TicketService>;
  /** The tenant's tickets in operator staff's default list (not deleted, not archived). */
  tickets(): Promise<Ticket[]>;
  /** A ticket's whole thread as staff see it. */
  thread(ticketId: string): Promise<Message[]>;
}

type EmailOptions = Partial<NonNullable<NonNullable<TicketServiceOptions['config']>['email']>>;

function withMailDesk(
  o: ContractOptions,
  body: (d: MailDesk) => Promise<void>,
  setup: { email?: EmailOptions; service?: Partial<TicketServiceOptions>; directory?: boolean } = {},
): () => Promise<void> {
  return async () => {
    const store = await o.createStore();
    try {
      const clock = new TestClock();
      const directory = new MailDirectory();
      const tenantId = `t-${randomUUID()}`;
      const options = (over: Partial<TicketServiceOptions> = {}, on: TicketStore = store): TicketServiceOptions => ({
        store: on,
        tenantId,
        clock: clock.now,
        ...(setup.directory === false ? {} : { directory }),
        ...setup.service,
        ...over,
        config: { email: { address: DESK, ...setup.email }, ...setup.service?.config, ...over.config },
      });
      const desk = createTicketService(options());
      const events: TicketEvent[] = [];
      desk.events.on('*', (_type, event) => events.push(event as TicketEvent));
      const staff = operator(ALL);
      await body({
        desk,
        store,
        tenantId,
        clock,
        directory,
        events,
        peer: async (over) => createTicketService(options(over, o.secondStore ? await o.secondStore(store) : store)),
        tickets: async () => (await desk.list(staff, { limit: 200 })).items,
        thread: async (ticketId) => (await store.listMessages(scopeFor(tenantId, staff), ticketId)),
      });
    } finally {
      await o.destroyStore?.(store);
    }
  };
}

/** A small RFC 822 mail. */
function mail(o: {
  from: string;
  subject?: string;
  messageId?: string | null;
  inReplyTo?: string;
  references?: string;
  headers?: Record<string, string>;
  text?: string;
  html?: string;
  attachments?: { filename: string; type: string; bytes: Uint8Array }[];
}): string {
  const lines = [
    `From: ${o.from}`,
    `To: Support <${DESK}>`,
    `Subject: ${o.subject ?? 'Router down'}`,
    'Date: Mon, 02 Mar 2026 10:00:00 +0000',
    ...(o.messageId === null ? [] : [`Message-ID: <${o.messageId ?? `${randomUUID()}@customer.example`}>`]),
    ...(o.inReplyTo ? [`In-Reply-To: ${o.inReplyTo}`] : []),
    ...(o.references ? [`References: ${o.references}`] : []),
    ...Object.entries(o.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    'MIME-Version: 1.0',
  ];
  const text = o.text ?? 'The router has been down since this morning.';
  const parts: string[][] = [];
  if (o.html !== undefined) parts.push(['Content-Type: text/html; charset=utf-8', '', o.html]);
  else parts.push(['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', text]);
  for (const a of o.attachments ?? []) {
    const b64 = Buffer.from(a.bytes).toString('base64').replace(/.{76}/g, '$&\r\n');
    parts.push([
      `Content-Type: ${a.type}; name="${a.filename}"`,
      'Content-Transfer-Encoding: base64',
      `Content-Disposition: attachment; filename="${a.filename}"`,
      '',
      b64,
    ]);
  }
  if (parts.length === 1) return [...lines, ...parts[0]!].join('\r\n');
  const boundary = `b-${randomUUID()}`;
  return [
    ...lines,
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    ...parts.flatMap((p) => [`--${boundary}`, ...p]),
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

const ANNA = 'anna@customer.example';
const MALLORY = 'mallory@other.example';

function created(r: IngestResult): string {
  assert.equal(r.outcome, 'created', `expected a new ticket, got ${JSON.stringify(r)}`);
  assert.ok(r.ticketId && r.messageId);
  return r.ticketId;
}

export function emailIntakeTests(o: ContractOptions): void {
  const { describe, it } = o;
  describe('email intake', () => {
    it(
      "a mail opens a ticket for the directory's subscriber: channel email, the sender's address, the reseller from the directory",
      withMailDesk(o, async (d) => {
        const anna = d.directory.subscriber(ANNA, 'r-1');
        const r = await d.desk.ingestEmail(
          mail({ from: `Anna <${ANNA.toUpperCase()}>`, subject: 'No internet', messageId: 'first@customer.example', headers: { 'X-Reseller': 'r-evil' } }),
        );
        const ticketId = created(r);
        assert.equal(r.emailMessageId, 'first@customer.example');
        const detail = await d.desk.get(operator(ALL), ticketId);
        assert.equal(detail.ticket.subject, 'No internet');
        assert.equal(detail.ticket.channel, 'email');
        assert.equal(detail.ticket.requesterEmail, ANNA);
        assert.equal(detail.ticket.subscriberId, anna.id);
        assert.equal(detail.ticket.resellerId, 'r-1');
        assert.equal(detail.ticket.status, 'open');
        const [opening] = detail.messages;
        assert.equal(opening!.id, r.messageId);
        assert.equal(opening!.authorType, 'customer');
        assert.equal(opening!.authorId, anna.id);
        assert.equal(opening!.body, 'The router has been down since this morning.');
        assert.deepEqual(opening!.email, { messageId: 'first@customer.example', from: ANNA, fullText: null });
        // The customer reads it in the panel like any ticket of theirs.
        const mine = await d.desk.list(anna, {});
        assert.deepEqual(mine.items.map((t) => t.id), [ticketId]);
        const event = d.events.find((e) => e.type === 'ticket.created');
        assert.ok(event, 'ticket.created is emitted');
        assert.equal((event as { message: Message }).message.email?.messageId, 'first@customer.example');
      }),
    );

    it(
      'a mail to a department’s own address opens its ticket in that department (Delivered-To, then To, then Cc)',
      withMailDesk(
        o,
        async (d) => {
          d.directory.subscriber(ANNA);
          const department = async (headers: Record<string, string>) => {
            const r = await d.desk.ingestEmail(mail({ from: ANNA, headers }));
            return (await d.desk.get(operator(ALL), created(r))).ticket.department;
          };
          assert.equal(await department({ Cc: 'Billing <BILLING@desk.example>' }), 'billing');
          assert.equal(await department({ 'Delivered-To': 'noc@desk.example', Cc: 'billing@desk.example' }), 'network');
          // To: is the desk's general address in `mail`; nothing else names a department.
          assert.equal(await department({}), null);
          assert.equal(await department({ Cc: 'billing@desk.example.evil' }), null);
        },
        {
          service: {
            config: {
              departments: [
                { id: 'billing', name: 'Billing', emails: ['billing@desk.example'] },
                { id: 'network', name: 'Network', emails: ['noc@desk.example', 'network@desk.example'] },
              ],
            },
          },
        },
      ),
    );

    it(
      'the customer never sees what a mail was (message.email), not in get, not in events meant for them',
      withMailDesk(o, async (d) => {
        const anna = d.directory.subscriber(ANNA);
        const ticketId = created(await d.desk.ingestEmail(mail({ from: ANNA, messageId: 'm1@customer.example' })));
        await d.desk.ingestEmail(
          mail({
            from: ANNA,
            messageId: 'm2@customer.example',
            inReplyTo: '<m1@customer.example>',
            text: 'Still down.\n\nOn Mon, Mar 2, 2026 at 10:00 AM Support <support@desk.example> wrote:\n> Please restart it.',
          }),
        );
        const seen = await d.desk.get(anna, ticketId);
        assert.equal(seen.messages.length, 2);
        for (const m of seen.messages) {
          assert.ok(!('email' in m), 'no email field in the customer view');
          assert.doesNotMatch(JSON.stringify(m), /Please restart it|m[12]@customer\.example|fullText/);
        }
        for (const e of d.events) {
          assert.ok(!JSON.stringify(e.customer ?? null).includes('fullText'), `${e.type}: the customer part has no email`);
        }
        // Staff see the untrimmed text.
        const staffView = await d.desk.get(operator(ALL), ticketId);
        assert.match(staffView.messages[1]!.email!.fullText!, /Please restart it/);
        assert.equal(staffView.messages[1]!.body, 'Still down.');
      }),
    );

    it(
      "a reply joins its ticket by ticketry's own Message-ID, by a received one, and by the number token; it reopens and un-archives",
      withMailDesk(o, async (d) => {
        d.directory.subscriber(ANNA);
        const staff = operator(ALL);
        const ticketId = created(await d.desk.ingestEmail(mail({ from: ANNA, messageId: 'open@customer.example' })));
        const ticket = (await d.desk.get(staff, ticketId)).ticket;
        await d.desk.addReply(staff, ticketId, { body: 'We reset your port.' });
        await d.desk.update(staff, ticketId, { status: 'resolved' });

        // 1. Answering ticketry's mail: In-Reply-To is ticketry's own id (no lookup needed).
        d.clock.minutes(5);
        const byOwn = await d.desk.ingestEmail(
          mail({
            from: ANNA,
            subject: 'Re: something else entirely',
            inReplyTo: partMessageId(ticketId, 'some-message', DOMAIN),
            references: `${threadMessageId(ticketId, DOMAIN)} ${partMessageId(ticketId, 'some-message', DOMAIN)}`,
            text: 'It broke again.',
          }),
        );
        assert.equal(byOwn.outcome, 'replied');
        assert.equal(byOwn.ticketId, ticketId);
        let now = await d.desk.get(staff, ticketId);
        assert.equal(now.ticket.status, 'open', 'a customer reply reopens a resolved ticket');
        assert.equal(now.messages.at(-1)!.body, 'It broke again.');
        assert.equal(now.messages.at(-1)!.authorType, 'customer');
        assert.ok(d.events.some((e) => e.type === 'ticket.replied' && e.ticket.id === ticketId));

        // 2. Answering their own first mail: the received Message-ID finds it.
        await d.desk.update(staff, ticketId, { status: 'closed' });
        await d.desk.archive(staff, ticketId);
        const byReceived = await d.desk.ingestEmail(
          mail({ from: ANNA, subject: 'Re: Router down', inReplyTo: '<open@customer.example>', text: 'And again.' }),
        );
        assert.equal(byReceived.outcome, 'replied');
        now = await d.desk.get(staff, ticketId);
        assert.equal(now.ticket.status, 'open', 'reopens a closed ticket');
        assert.equal(now.ticket.archived, false, 'and takes it out of the archive');

        // 3. No headers at all, the token in the subject (any letter case).
        const byToken = await d.desk.ingestEmail(
          mail({ from: ANNA, subject: `Re: [${ticket.number.toLowerCase()}] Router down`, text: 'Any news?' }),
        );
        assert.equal(byToken.outcome, 'replied');
        assert.equal(byToken.ticketId, ticketId);
        assert.equal((await d.tickets()).length, 1);
        assert.equal((await d.thread(ticketId)).filter((m) => m.authorType === 'customer').length, 4);
      }),
    );

    it(
      "a token or a header of someone else's ticket does not let a sender write there: the mail opens a ticket of their own",
      withMailDesk(o, async (d) => {
        d.directory.subscriber(ANNA);
        const mallory = d.directory.subscriber(MALLORY);
        const victim = created(await d.desk.ingestEmail(mail({ from: ANNA })));
        const number = (await d.desk.get(operator(ALL), victim)).ticket.number;
        const before = (await d.thread(victim)).length;

        const byToken = await d.desk.ingestEmail(
          mail({ from: MALLORY, subject: `Re: [${number}] Router down`, text: 'Change the contact address to mine.' }),
        );
        const byHeader = await d.desk.ingestEmail(
          mail({ from: MALLORY, subject: 'Re: Router down', inReplyTo: threadMessageId(victim, DOMAIN), text: 'Me again.' }),
        );
        for (const r of [byToken, byHeader]) {
          const own = created(r);
          assert.notEqual(own, victim);
          const t = (await d.desk.get(operator(ALL), own)).ticket;
          assert.equal(t.subscriberId, mallory.id);
          assert.ok(!t.subject.includes(number), 'the other ticket’s token is not carried into the new subject');
        }
        assert.equal((await d.thread(victim)).length, before, "nothing was added to the victim's ticket");
      }),
    );

    it(
      'the same Message-ID twice changes nothing the second time; a mail without one is known by its bytes',
      withMailDesk(o, async (d) => {
        d.directory.subscriber(ANNA);
        const raw = mail({ from: ANNA, messageId: 'once@customer.example' });
        const first = await d.desk.ingestEmail(raw);
        const eventsAfterFirst = d.events.length;
        const again = await d.desk.ingestEmail(Buffer.from(raw));
        assert.deepEqual(again, {
          outcome: 'duplicate',
          ticketId: first.ticketId,
          messageId: null,
          emailMessageId: 'once@customer.example',
          droppedAttachments: [],
        });
        // A reply taken twice is one message.
        const reply = mail({ from: ANNA, messageId: 'reply@customer.example', inReplyTo: '<once@customer.example>', text: 'More.' });
        assert.equal((await d.desk.ingestEmail(reply)).outcome, 'replied');
        assert.equal((await d.desk.ingestEmail(reply)).outcome, 'duplicate');
        assert.equal((await d.thread(first.ticketId!)).length, 2);

        const anonymous = mail({ from: ANNA, messageId: null, subject: 'No id' });
        const a = await d.desk.ingestEmail(anonymous);
        assert.match(a.emailMessageId, /^sha256:[0-9a-f]{64}$/);
        const b = await d.desk.ingestEmail(anonymous);
        assert.equal(b.outcome, 'duplicate');
        assert.equal(b.ticketId, a.ticketId);
        assert.equal((await d.tickets()).length, 2);
        assert.equal(d.events.length, eventsAfterFirst + 2, 'only the reply and the second ticket emitted');
      }),
    );

    it(
      'two instances taking the same mail at once write it once: one ticket, one message; the other answers duplicate',
      withMailDesk(o, async (d) => {
        d.directory.subscriber(ANNA);
        const other = await d.peer();
        const raw = mail({ from: ANNA, messageId: 'race@customer.example', attachments: [{ filename: 'a.png', type: 'image/png', bytes: PNG }] });
        const results = await Promise.all([d.desk.ingestEmail(raw), other.ingestEmail(raw), d.desk.ingestEmail(raw)]);
        const outcomes = results.map((r) => r.outcome).sort();
        assert.deepEqual(outcomes, ['created', 'duplicate', 'duplicate']);
        const ticketIds = new Set(results.map((r) => r.ticketId));
        assert.equal(ticketIds.size, 1);
        const tickets = await d.tickets();
        assert.equal(tickets.length, 1);
        assert.equal((await d.thread(tickets[0]!.id)).length, 1);

        // A reply taken by both at once: one message.
        const reply = mail({ from: ANNA, messageId: 'race-reply@customer.example', inReplyTo: '<race@customer.example>', text: 'Again.' });
        const replies = await Promise.all([d.desk.ingestEmail(reply), other.ingestEmail(reply)]);
        assert.deepEqual(replies.map((r) => r.outcome).sort(), ['duplicate', 'replied']);
        assert.equal((await d.thread(tickets[0]!.id)).length, 2);
      }, { service: { blobs: testBlobStore() } }),
    );

    it(
      'auto-replies and bounces never open or reopen a ticket, whatever token or header they carry',
      withMailDesk(o, async (d) => {
        d.directory.subscriber(ANNA);
        const staff = operator(ALL);
        const ticketId = created(await d.desk.ingestEmail(mail({ from: ANNA })));
        const number = (await d.desk.get(staff, ticketId)).ticket.number;
        await d.desk.update(staff, ticketId, { status: 'resolved' });
        const eventsBefore = d.events.length;
        const subject = `Automatic reply: [${number}] Router down`;
        const thread = threadMessageId(ticketId, DOMAIN);
        const cases: [Parameters<typeof mail>[0], string][] = [
          [{ from: ANNA, subject, inReplyTo: thread, headers: { 'Auto-Submitted': 'auto-replied' } }, 'auto_reply'],
          [{ from: ANNA, subject, headers: { Precedence: 'bulk' } }, 'auto_reply'],
          [{ from: ANNA, subject, headers: { 'X-Autoreply': 'yes' } }, 'auto_reply'],
          [{ from: ANNA, subject, headers: { 'Return-Path': '<>' } }, 'auto_reply'],
          [{ from: 'MAILER-DAEMON@mx.customer.example', subject: 'Undelivered Mail', inReplyTo: thread }, 'bounce'],
          [{ from: 'postmaster@customer.example', subject }, 'bounce'],
          [{ from: ANNA, subject, headers: { 'X-Failed-Recipients': 'gone@customer.example' } }, 'bounce'],
        ];
        for (const [m, reason] of cases) {
          const r = await d.desk.ingestEmail(mail(m));
          assert.equal(r.outcome, 'ignored', JSON.stringify(m.headers ?? m.from));
          assert.equal(r.reason, reason);
          assert.equal(r.ticketId, null);
        }
        // A DSN from any sender.
        const dsn = [
          `From: ${ANNA}`,
          `Subject: Delivery report [${number}]`,
          'Message-ID: <dsn@customer.example>',
          'MIME-Version: 1.0',
          'Content-Type: multipart/report; report-type=delivery-status; boundary="r"',
          '',
          '--r',
          'Content-Type: text/plain',
          '',
          'Could not deliver.',
          '--r',
          'Content-Type: message/delivery-status',
          '',
          'Final-Recipient: rfc822; gone@customer.example',
          'Action: failed',
          'Status: 5.1.1',
          '--r--',
          '',
        ].join('\r\n');
        assert.equal((await d.desk.ingestEmail(dsn)).reason, 'bounce');
        // Auto-Submitted: no is a person's mail.
        assert.equal((await d.desk.ingestEmail(mail({ from: ANNA, subject: `[${number}] thanks`, headers: { 'Auto-Submitted': 'no' } }))).outcome, 'replied');
        const t = (await d.desk.get(staff, ticketId)).ticket;
        assert.equal(t.status, 'open');
        assert.equal((await d.tickets()).length, 1, 'no ticket was opened');
        assert.equal(d.events.filter((e) => e.type === 'ticket.replied').length, 1);
        assert.ok(d.events.length > eventsBefore);
      }),
    );

    it(
      "mail from the desk's own address, or ticketry's own mail coming back, is ignored",
      withMailDesk(o, async (d) => {
        d.directory.subscriber(ANNA);
        const ticketId = created(await d.desk.ingestEmail(mail({ from: ANNA })));
        const own = await d.desk.ingestEmail(mail({ from: `Support <${DESK.toUpperCase()}>`, subject: 'Loop' }));
        assert.deepEqual([own.outcome, own.reason], ['ignored', 'own_address']);
        const back = await d.desk.ingestEmail(
          mail({ from: ANNA, messageId: partMessageId(ticketId, 'm', DOMAIN).slice(1, -1), subject: 'Fwd' }),
        );
        assert.deepEqual([back.outcome, back.reason], ['ignored', 'own_address']);
        assert.equal((await d.tickets()).length, 1);
        assert.equal((await d.thread(ticketId)).length, 1);
      }),
    );

    it(
      "an unknown sender is refused with a reason by default, and nothing is written",
      withMailDesk(o, async (d) => {
        const r = await d.desk.ingestEmail(mail({ from: 'stranger@nowhere.example' }));
        assert.equal(r.outcome, 'refused');
        assert.equal(r.reason, 'unknown_sender');
        assert.match(r.detail ?? '', /stranger@nowhere\.example/);
        assert.equal((await d.tickets()).length, 0);
        assert.equal(d.events.length, 0);
      }),
    );

    for (const directory of [true, false]) {
      it(
        `unknownSenders 'guest' opens a guest ticket that only its own address reaches (${directory ? 'with' : 'without'} a directory)`,
        withMailDesk(
          o,
          async (d) => {
            const first = await d.desk.ingestEmail(mail({ from: 'Guest Person <guest@nowhere.example>', subject: 'Hello' }));
            const ticketId = created(first);
            const t = (await d.desk.get(operator(ALL), ticketId)).ticket;
            assert.equal(t.subscriberId, 'guest:guest@nowhere.example');
            assert.equal(t.resellerId, null);
            assert.equal(t.requesterEmail, 'guest@nowhere.example');
            assert.equal(t.channel, 'email');
            const opening = (await d.thread(ticketId))[0]!;
            assert.equal(opening.authorName, 'Guest Person');

            const again = await d.desk.ingestEmail(mail({ from: 'guest@nowhere.example', subject: `Re: [${t.number}] Hello`, text: 'More details.' }));
            assert.equal(again.outcome, 'replied');
            assert.equal(again.ticketId, ticketId);
            const other = await d.desk.ingestEmail(mail({ from: 'someone@else.example', subject: `Re: [${t.number}] Hello`, inReplyTo: threadMessageId(ticketId, DOMAIN) }));
            assert.notEqual(created(other), ticketId);
            assert.equal((await d.thread(ticketId)).length, 2);
          },
          { email: { unknownSenders: 'guest' }, directory },
        ),
      );
    }

    it(
      'a reply to a deleted ticket opens a new one; a reply to a merged ticket goes to the ticket it was merged into',
      withMailDesk(o, async (d) => {
        d.directory.subscriber(ANNA);
        const staff = operator(ALL);
        const gone = created(await d.desk.ingestEmail(mail({ from: ANNA, messageId: 'gone@customer.example' })));
        await d.desk.delete(staff, gone);
        const afterDelete = await d.desk.ingestEmail(mail({ from: ANNA, inReplyTo: '<gone@customer.example>', text: 'Hello?' }));
        const fresh = created(afterDelete);
        assert.notEqual(fresh, gone);

        const source = created(await d.desk.ingestEmail(mail({ from: ANNA, messageId: 'source@customer.example' })));
        await d.desk.merge(staff, source, fresh);
        const toMerged = await d.desk.ingestEmail(mail({ from: ANNA, inReplyTo: threadMessageId(source, DOMAIN), text: 'Follow-up.' }));
        assert.equal(toMerged.outcome, 'replied');
        assert.equal(toMerged.ticketId, fresh);
        assert.equal((await d.thread(fresh)).at(-1)!.body, 'Follow-up.');
      }),
    );

    it(
      'attachments go through the attachment checks one by one: a refused file is dropped and listed, the mail is taken',
      withMailDesk(
        o,
        async (d) => {
          const anna = d.directory.subscriber(ANNA);
          const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200, 0x90)]);
          const r = await d.desk.ingestEmail(
            mail({
              from: ANNA,
              attachments: [
                { filename: 'speedtest.png', type: 'image/png', bytes: PNG },
                { filename: 'fix.exe', type: 'application/octet-stream', bytes: exe },
              ],
            }),
          );
          const ticketId = created(r);
          assert.deepEqual(r.droppedAttachments.map((a) => a.filename), ['fix.exe']);
          const [opening] = (await d.desk.get(anna, ticketId)).messages;
          assert.deepEqual(opening!.attachments.map((a) => [a.filename, a.contentType, a.size]), [['speedtest.png', 'image/png', PNG.length]]);
          const download = await d.desk.getAttachment(anna, opening!.attachments[0]!.id);
          const chunks: Buffer[] = [];
          for await (const c of download.content) chunks.push(Buffer.from(c));
          assert.ok(Buffer.concat(chunks).equals(PNG));
        },
        { service: { blobs: testBlobStore() } },
      ),
    );

    it(
      'without a blob store the files are dropped and listed, and the text is still taken',
      withMailDesk(o, async (d) => {
        d.directory.subscriber(ANNA);
        const r = await d.desk.ingestEmail(mail({ from: ANNA, attachments: [{ filename: 'a.png', type: 'image/png', bytes: PNG }] }));
        created(r);
        assert.equal(r.droppedAttachments.length, 1);
        assert.match(r.droppedAttachments[0]!.reason, /blob store/);
      }),
    );

    it(
      "the host's policy may refuse a mail like any ticket: refused with the host's message, nothing written",
      withMailDesk(
        o,
        async (d) => {
          d.directory.subscriber(ANNA);
          const r = await d.desk.ingestEmail(mail({ from: ANNA }));
          assert.deepEqual([r.outcome, r.reason, r.detail], ['refused', 'policy', 'Your support quota is used up']);
          assert.equal((await d.tickets()).length, 0);
        },
        { service: { policy: { beforeCreate: () => ({ refuse: { code: 'quota_exceeded', message: 'Your support quota is used up' } }) } } },
      ),
    );

    it(
      'a mail over config.email.maxBytes is refused unread; a body over maxBodyLength is cut with a note, the text kept for staff',
      withMailDesk(
        o,
        async (d) => {
          d.directory.subscriber(ANNA);
          const big = mail({ from: ANNA, messageId: 'big@customer.example', text: 'x'.repeat(5000) });
          const r = await d.desk.ingestEmail(big);
          assert.deepEqual([r.outcome, r.reason, r.emailMessageId], ['refused', 'too_large', 'big@customer.example']);
          assert.equal((await d.tickets()).length, 0);

          const long = await d.peer({ config: { maxBodyLength: 300, email: { address: DESK } } });
          const text = `${'word '.repeat(100)}END`;
          const t = created(await long.ingestEmail(mail({ from: ANNA, text })));
          const [opening] = await d.thread(t);
          assert.ok(opening!.body.length <= 300);
          assert.match(opening!.body, /cut/);
          assert.equal(opening!.email!.fullText, text);
        },
        { email: { maxBytes: 4096 } },
      ),
    );

    it(
      'input that is not a mail is a validation error; a mail without a usable sender is refused as malformed',
      withMailDesk(o, async (d) => {
        for (const bad of [42, null, undefined, { text: 'hi' }, ['a']]) {
          await rejectsWith(d.desk.ingestEmail(bad as unknown as RawEmail), 'validation', { field: 'raw' });
        }
        await rejectsWith(d.desk.ingestEmail('x', { receivedAt: 'yesterday' } as never), 'validation');
        const r = await d.desk.ingestEmail('Subject: who am I\r\nMessage-ID: <nofrom@x>\r\n\r\nbody');
        assert.deepEqual([r.outcome, r.reason], ['refused', 'malformed']);
        assert.equal((await d.tickets()).length, 0);
      }),
    );
  });
}
