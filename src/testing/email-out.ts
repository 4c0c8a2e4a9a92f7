/**
 * Contract: email out (`desk.emailFor`). Who each event mails (the customer at the
 * directory's address or a guest ticket's, staff with an address, the department's queue),
 * the number token and the threading headers, `Auto-Submitted` on what ticketry writes by
 * itself, languages and the host's templates, and never a word of anything staff-only in a
 * customer's mail, whatever a template does.
 */
import type { TicketEvent } from '../events/event-types.js';
import type { EmailTemplateInput, EmailTemplates, OutgoingEmail } from '../email/email-types.js';
import { parseOwnMessageId, partMessageId, threadMessageId } from '../email/message-ids.js';
import type { TicketServiceOptions } from '../index.js';
import type { Directory, StaffActor } from '../types.js';
import { ALL, assert, customer, operator, rejectsWith, withDesk, type ContractOptions, type Desk } from './harness.js';

const DOMAIN = 'desk.example.net';
const EMAIL_CONFIG = { address: `support@${DOMAIN}`, name: 'Example Support' };
const withMail = (extra: Partial<TicketServiceOptions> = {}): Partial<TicketServiceOptions> => ({
  ...extra,
  config: { ...extra.config, email: { ...EMAIL_CONFIG, ...extra.config?.email } },
});

const staffActor = (id: string, name: string): StaffActor => ({
  kind: 'staff',
  id,
  name,
  resellerId: null,
  permissions: ['tickets.view', 'tickets.create', 'tickets.edit', 'tickets.reply'],
});

/** A subscriber and two staff members the directory knows with addresses. */
function people(d: Desk, languages: { customer?: string; agent?: string } = {}) {
  const c = customer();
  const agent = staffActor(`agent-${d.tenantId}`, 'Agent Smith');
  const lead = staffActor(`lead-${d.tenantId}`, 'Lead Jones');
  d.directory.subscribers.set(c.id, {
    id: c.id,
    resellerId: null,
    name: 'Ana Cliente',
    email: 'ana@customer.example',
    ...(languages.customer ? { language: languages.customer } : {}),
  });
  d.directory.staff.set(agent.id, {
    id: agent.id,
    name: 'Agent Smith',
    email: 'agent@desk.example.net',
    ...(languages.agent ? { language: languages.agent } : {}),
  });
  d.directory.staff.set(lead.id, { id: lead.id, name: 'Lead Jones', email: 'lead@desk.example.net' });
  return { c, agent, lead };
}

const last = <T extends TicketEvent['type']>(events: readonly TicketEvent[], type: T) => {
  const found = events.filter((e) => e.type === type).at(-1);
  assert.ok(found, `expected a ${type} event`);
  return found as Extract<TicketEvent, { type: T }>;
};

const to = (mail: OutgoingEmail) => mail.to.map((a) => a.address).join(',');
const byAudience = (mails: OutgoingEmail[], audience: 'customer' | 'staff') => mails.filter((m) => m.audience === audience);

/** Every template's input as text (functions named), for a template that dumps what it is given. */
const dump = (input: EmailTemplateInput) =>
  JSON.stringify(input, (_key, value: unknown) => (typeof value === 'function' ? '[function]' : value));

export function emailOutTests(o: ContractOptions): void {
  const { describe, it } = o;

  describe('email out', () => {
    it(
      'a customer\'s new ticket is acknowledged to them; a public staff reply mails the customer its text; a customer reply mails the assignee',
      withDesk(
        o,
        async (d) => {
          const { desk, events } = d;
          const { c, agent, lead } = people(d);
          const ticket = await desk.create(c, { subject: 'Router reboots', body: 'It reboots every hour.' });

          const ack = await desk.emailFor(last(events, 'ticket.created'));
          assert.equal(ack.length, 1, 'nobody owns the ticket and it has no department: only the customer');
          const [a] = ack;
          assert.equal(a!.audience, 'customer');
          assert.equal(a!.recipientId, c.id);
          assert.deepEqual(a!.to, [{ address: 'ana@customer.example', name: 'Ana Cliente' }]);
          assert.deepEqual(a!.from, { address: `support@${DOMAIN}`, name: 'Example Support' });
          assert.equal(a!.subject, `[${ticket.number}] Router reboots`);
          assert.match(a!.text, /opened ticket/);
          assert.match(a!.text, /It reboots every hour\./, 'the acknowledgement quotes their message');
          assert.equal(a!.automatic, true);
          assert.equal(a!.headers['Auto-Submitted'], 'auto-replied');

          await desk.update(lead, ticket.id, { assigneeId: agent.id });
          const assigned = await desk.emailFor(last(events, 'ticket.assigned'));
          assert.deepEqual(assigned.map(to), ['agent@desk.example.net'], 'the new assignee, not the lead who assigned');
          assert.equal(assigned[0]!.audience, 'staff');
          assert.match(assigned[0]!.subject, new RegExp(`^\\[${ticket.number}\\] Assigned to you: Router reboots$`));
          assert.match(assigned[0]!.text, /by Lead Jones/);

          d.clock.minutes(5);
          await desk.addReply(agent, ticket.id, { body: 'Please **update** the firmware.' });
          const reply = await desk.emailFor(last(events, 'ticket.replied'));
          assert.deepEqual(reply.map(to), ['ana@customer.example']);
          const r = reply[0]!;
          assert.equal(r.subject, `Re: [${ticket.number}] Router reboots`);
          assert.match(r.text, /Please \*\*update\*\* the firmware\./);
          assert.match(r.html, /<strong>update<\/strong>/, 'the stored, sanitised HTML of the reply');
          assert.equal(r.automatic, false, 'a person wrote it');
          assert.equal(r.headers['Auto-Submitted'], undefined);

          d.clock.minutes(5);
          await desk.addReply(c, ticket.id, { body: 'Updated, <b>still</b> rebooting.' });
          const back = await desk.emailFor(last(events, 'ticket.replied'));
          assert.deepEqual(back.map(to), ['agent@desk.example.net']);
          assert.equal(back[0]!.audience, 'staff');
          assert.match(back[0]!.text, /Updated, <b>still<\/b> rebooting\./);
          assert.ok(back[0]!.html.includes('&lt;b&gt;still&lt;/b&gt;'), 'the customer\'s text is escaped in HTML');
          assert.ok(!back[0]!.html.includes('<b>still'), back[0]!.html);
          assert.equal(back[0]!.headers['Auto-Submitted'], 'auto-generated', 'a notification to staff answers nobody');
        },
        withMail(),
      ),
    );

    it(
      'no mail when nobody has an address, when the event has no template, or for an internal note to the customer',
      withDesk(
        o,
        async (d) => {
          const { desk, events } = d;
          const { c, agent, lead } = people(d);
          const nobody = customer();
          const quiet = await desk.create(nobody, { subject: 'No address', body: 'b' });
          assert.deepEqual(await desk.emailFor(last(events, 'ticket.created')), [], 'the directory has no address for them');
          await desk.addReply(operator(), quiet.id, { body: 'answer' });
          assert.deepEqual(await desk.emailFor(last(events, 'ticket.replied')), []);

          const ticket = await desk.create(c, { subject: 'S', body: 'b' });
          await desk.update(lead, ticket.id, { assigneeId: agent.id, priority: 'high' });
          assert.deepEqual(await desk.emailFor(last(events, 'ticket.updated')), [], 'ticket.updated has no template');
          await desk.lock(lead, ticket.id);
          assert.deepEqual(await desk.emailFor(last(events, 'ticket.locked')), []);
          await desk.addReply(lead, ticket.id, { body: 'note for the agent', internal: true });
          const note = last(events, 'ticket.replied');
          assert.equal(note.notify.customerId, null);
          assert.deepEqual(note.notify.staffIds, [agent.id]);
          const mails = await desk.emailFor(note);
          assert.deepEqual(byAudience(mails, 'customer'), []);
          assert.deepEqual(mails, [], 'a colleague\'s note is read in the desk, not mailed');
        },
        withMail(),
      ),
    );

    it(
      'a customer\'s mail never holds a word of an internal note, a hidden message, an assignment or a lock, whatever the template',
      withDesk(o, async (d) => {
        const { c, agent } = people(d);
        const secretAgent = staffActor(`secret-${d.tenantId}`, 'SECRET-ASSIGNEE-2291');
        const locker = staffActor(`locker-${d.tenantId}`, 'SECRET-LOCKER-5530');
        d.directory.staff.set(secretAgent.id, { id: secretAgent.id, name: 'SECRET-ASSIGNEE-2291', email: 'secret@desk.example.net' });
        const SECRETS = ['SECRET-NOTE-7731', 'SECRET-HIDDEN-4411', 'SECRET-ASSIGNEE-2291', 'SECRET-LOCKER-5530', secretAgent.id, locker.id];
        // A host template that writes everything it is given into the mail.
        const leaky = (input: EmailTemplateInput) => ({ subject: `dump ${dump(input)}`, text: dump(input), html: `<pre>${dump(input)}</pre>` });
        const allEvents = Object.fromEntries(
          (['ticket.created', 'ticket.replied', 'ticket.status_changed', 'ticket.assigned', 'ticket.updated', 'ticket.locked', 'ticket.merged', 'message.hidden'] as const).map(
            (type) => [type, leaky],
          ),
        );
        const desks = [
          d.desk,
          d.peer(withMail()),
          d.peer(withMail({ emailTemplates: { en: allEvents, es: allEvents } satisfies EmailTemplates })),
        ];
        const desk = desks[1]!;
        const events: TicketEvent[] = [];
        desk.events.on('*', (_t, e) => events.push(e as TicketEvent));

        const ticket = await desk.create(c, { subject: 'Billing question', body: 'Why was I charged twice?' });
        await desk.update(agent, ticket.id, { assigneeId: secretAgent.id });
        await desk.lock(locker, ticket.id);
        await desk.unlock(locker, ticket.id);
        await desk.addReply(agent, ticket.id, { body: 'SECRET-NOTE-7731: refund approved by finance', internal: true });
        d.clock.minutes(1);
        const hidden = await desk.addReply(agent, ticket.id, { body: 'SECRET-HIDDEN-4411 wrong customer, sorry' });
        const hiddenEvent = last(events, 'ticket.replied');
        await desk.hideMessage(agent, hidden.id);
        d.clock.minutes(1);
        await desk.addReply(agent, ticket.id, { body: 'We refunded the second charge.' });
        await desk.update(agent, ticket.id, { status: 'resolved' });
        await desk.update(agent, ticket.id, { status: 'closed' });
        await desk.addReply(c, ticket.id, { body: 'Thanks, but one more thing.' });

        // The secrets are really in what staff are told (so the search below could find them).
        const staffText = JSON.stringify(await desks[2]!.emailFor(last(events, 'ticket.assigned')));
        assert.ok(staffText.includes('SECRET-ASSIGNEE-2291'), 'the staff mail names the assignee');

        let customerMails = 0;
        for (const mailer of desks) {
          for (const event of events) {
            for (const language of [undefined, 'es', 'ru']) {
              const mails = await mailer.emailFor(event, language ? { language } : {});
              for (const mail of byAudience(mails, 'customer')) {
                customerMails++;
                const everything = JSON.stringify(mail);
                for (const secret of SECRETS) assert.ok(!everything.includes(secret), `${secret} in the customer's mail for ${event.type}: ${everything}`);
              }
            }
          }
          // The hidden reply's own event, mailed after it was hidden: nothing to the customer.
          assert.deepEqual(byAudience(await mailer.emailFor(hiddenEvent), 'customer'), []);
        }
        assert.ok(customerMails >= 9, `customer mails were written (${customerMails})`);
      }, withMail()),
    );

    it(
      'the subject carries the number token; Message-ID, In-Reply-To and References thread under the ticket\'s root and name it',
      withDesk(
        o,
        async (d) => {
          const { desk, events } = d;
          const { c, agent, lead } = people(d);
          const ticket = await desk.create(c, { subject: 'Mail bounces', body: 'b' });
          await desk.update(lead, ticket.id, { assigneeId: agent.id });
          const reply = await desk.addReply(lead, ticket.id, { body: 'Which address?' });
          const event = last(events, 'ticket.replied');
          const mails = await desk.emailFor(event);
          assert.deepEqual(mails.map((m) => m.audience), ['customer'], 'the lead replied; the agent is not mailed a colleague\'s reply');
          const mail = mails[0]!;
          const root = threadMessageId(ticket.id, DOMAIN);
          assert.equal(mail.messageId, partMessageId(ticket.id, reply.id, DOMAIN));
          assert.equal(mail.headers['Message-ID'], mail.messageId);
          assert.equal(mail.inReplyTo, root);
          assert.equal(mail.headers['In-Reply-To'], root);
          assert.deepEqual(mail.references, [root]);
          assert.equal(mail.headers.References, root);
          assert.equal(mail.headers['X-Ticketry-Ticket'], ticket.number);
          assert.equal(mail.ticketId, ticket.id);
          assert.equal(mail.eventId, event.eventId);
          assert.deepEqual(parseOwnMessageId(mail.headers['In-Reply-To']!, DOMAIN), { ticketId: ticket.id, partId: null });
          assert.deepEqual(parseOwnMessageId(mail.messageId, DOMAIN), { ticketId: ticket.id, partId: reply.id });
          assert.deepEqual(await desk.emailFor(event), mails, 'the same event gives the same mail, ids included');

          // Staff copies each have their own id, under the same root.
          await desk.addReply(c, ticket.id, { body: 'ana@customer.example' });
          const staffMail = (await desk.emailFor(last(events, 'ticket.replied')))[0]!;
          assert.equal(staffMail.audience, 'staff');
          assert.notEqual(staffMail.messageId, mail.messageId);
          assert.equal(staffMail.inReplyTo, root);
          assert.equal(parseOwnMessageId(staffMail.messageId, DOMAIN)?.ticketId, ticket.id);

          // No header value can carry a line break, whatever the subject holds.
          for (const m of [mail, staffMail]) {
            for (const value of [...Object.values(m.headers), m.subject]) assert.ok(!/[\r\n]/.test(value), value);
          }
        },
        withMail({ config: { email: { staffUrl: 'https://panel.example.net/staff/tickets/{number}', customerUrl: 'https://panel.example.net/my/{id}' } } }),
      ),
    );

    it(
      'links follow customerUrl and staffUrl; a message id domain of its own; without config.email.address emailFor is a config error',
      withDesk(
        o,
        async (d) => {
          const { desk, events } = d;
          const { c, agent } = people(d);
          const ticket = await desk.create(c, { subject: 'Links', body: 'b' });
          await desk.update(operator(), ticket.id, { assigneeId: agent.id });
          const [ack] = await desk.emailFor(last(events, 'ticket.created'));
          assert.ok(ack!.text.includes(`https://panel.example.net/my/${encodeURIComponent(ticket.id)}`), ack!.text);
          assert.ok(!ack!.text.includes('/staff/'), 'the customer never gets the staff link');
          const [assigned] = await desk.emailFor(last(events, 'ticket.assigned'));
          assert.ok(assigned!.text.includes(`https://panel.example.net/staff/tickets/${ticket.number}`), assigned!.text);
          assert.ok(assigned!.html.includes(`href="https://panel.example.net/staff/tickets/${ticket.number}"`));
          assert.equal(ack!.inReplyTo, threadMessageId(ticket.id, 'mail.example.org'));

          const bare = d.peer({ config: {} });
          await rejectsWith(bare.emailFor(last(events, 'ticket.created')), 'config', { message: /config\.email\.address/ });
          const other = d.peer(withMail({ tenantId: `${d.tenantId}-other` }));
          await rejectsWith(other.emailFor(last(events, 'ticket.created')), 'validation', { field: 'event.tenantId' });
          await rejectsWith(desk.emailFor(last(events, 'ticket.created'), { language: 'en\r\nBcc: x' }), 'validation', {
            field: 'options.language',
          });
        },
        withMail({
          config: {
            email: {
              messageIdDomain: 'mail.example.org',
              customerUrl: 'https://panel.example.net/my/{id}',
              staffUrl: 'https://panel.example.net/staff/tickets/{number}',
            },
          },
        }),
      ),
    );

    it(
      'each recipient\'s language from the directory, else config.email.defaultLanguage, else English; options.language forces one',
      withDesk(
        o,
        async (d) => {
          const { desk, events } = d;
          const { c, agent, lead } = people(d, { customer: 'es-MX', agent: 'ru' });
          const ticket = await desk.create(c, { subject: 'Sin internet', body: 'Desde ayer.' });
          const [ack] = await desk.emailFor(last(events, 'ticket.created'));
          assert.equal(ack!.language, 'es', 'es-MX falls back to es');
          assert.match(ack!.text, /Hemos recibido su solicitud/);
          assert.match(ack!.html, /<html lang="es">/);
          await desk.update(lead, ticket.id, { assigneeId: agent.id });
          const [ru] = await desk.emailFor(last(events, 'ticket.assigned'));
          assert.equal(ru!.language, 'ru');
          assert.match(ru!.text, /назначена вам/);
          const [forced] = await desk.emailFor(last(events, 'ticket.assigned'), { language: 'es' });
          assert.equal(forced!.language, 'es');
          assert.match(forced!.text, /le ha sido asignado/);

          // No language in the directory: the configured default.
          const plain = customer();
          d.directory.subscribers.set(plain.id, { id: plain.id, resellerId: null, email: 'plain@customer.example' });
          await desk.create(plain, { subject: 'x', body: 'y' });
          const [defaulted] = await desk.emailFor(last(events, 'ticket.created'));
          assert.equal(defaulted!.language, 'ru');
          assert.match(defaulted!.text, /Мы получили ваше обращение/);
          assert.match(defaulted!.subject, /^\[.+\] x$/);
          // A language nobody wrote templates for falls back to the default, then English.
          const [german] = await desk.emailFor(last(events, 'ticket.created'), { language: 'de' });
          assert.equal(german!.language, 'ru');
          const english = d.peer(withMail());
          const [en] = await english.emailFor(last(events, 'ticket.created'), { language: 'de' });
          assert.equal(en!.language, 'en');
          assert.match(en!.text, /We have received your request/);
        },
        withMail({ config: { email: { defaultLanguage: 'ru' } } }),
      ),
    );

    it(
      'the host\'s templates override ticketry\'s per language and event; null sends nothing; standard() wraps ticketry\'s own; a throwing template is an internal error naming it',
      withDesk(o, async (d) => {
        const { c, agent, lead } = people(d, { customer: 'es' });
        const seen: EmailTemplateInput[] = [];
        const templates: EmailTemplates = {
          es: {
            'ticket.replied': (input) => {
              seen.push(input);
              if (input.audience !== 'customer') return null;
              const own = input.standard();
              assert.ok(own, 'ticketry writes to the customer about a staff reply');
              return { subject: `Re: ${input.subject}`, text: `${own.text}\n-- Pie de página ESPECIAL`, html: `${own.html}<p>Pie</p>` };
            },
            // A host's event that ticketry does not mail.
            'ticket.updated': (input) => (input.audience === 'staff' ? { subject: `Cambio: ${input.subject}`, text: 'cambios' } : null),
          },
          en: { 'ticket.created': () => null },
          de: { 'ticket.status_changed': async (input) => ({ subject: 'Status', text: `Neuer Status ${input.audience === 'customer' ? input.status?.to : ''}` }) },
        };
        const desk = d.peer(withMail({ emailTemplates: templates }));
        const events: TicketEvent[] = [];
        desk.events.on('*', (_t, e) => events.push(e as TicketEvent));
        d.directory.staff.set(agent.id, { id: agent.id, name: 'Agent', email: 'agent@desk.example.net', language: 'es' });

        const ticket = await desk.create(c, { subject: 'Factura', body: 'b' });
        const [ack] = await desk.emailFor(last(events, 'ticket.created'));
        assert.match(ack!.text, /Hemos recibido/, 'the host overrode English only');
        assert.deepEqual(await desk.emailFor(last(events, 'ticket.created'), { language: 'en' }), [], 'null: no mail');

        await desk.update(lead, ticket.id, { assigneeId: agent.id });
        await desk.update(lead, ticket.id, { priority: 'high' });
        const updated = await desk.emailFor(last(events, 'ticket.updated'));
        assert.deepEqual(updated.map(to), ['agent@desk.example.net']);
        assert.equal(updated[0]!.subject, `[${ticket.number}] Cambio: Factura`);
        assert.ok(updated[0]!.html.includes('<p>cambios</p>'), 'text without html is sent as escaped HTML');

        await desk.addReply(lead, ticket.id, { body: 'Revisamos la factura.' });
        const [reply] = await desk.emailFor(last(events, 'ticket.replied'));
        assert.equal(reply!.subject, `Re: [${ticket.number}] Factura`);
        assert.match(reply!.text, /Revisamos la factura\.[\s\S]*Pie de página ESPECIAL/);
        assert.ok(reply!.html.endsWith('<p>Pie</p>'));
        assert.deepEqual(seen.map((i) => i.audience).sort(), ['customer', 'staff'], 'one call per recipient; the staff one sent nothing');
        assert.ok(!('event' in seen.find((i) => i.audience === 'customer')!), 'a customer template is given no event');

        await desk.update(lead, ticket.id, { status: 'resolved' });
        const [german] = await desk.emailFor(last(events, 'ticket.status_changed'), { language: 'de' });
        assert.equal(german!.language, 'de');
        assert.equal(german!.text, 'Neuer Status resolved');

        const failing = d.peer(withMail({ emailTemplates: { es: { 'ticket.replied': () => { throw new Error('template bug'); } } } }));
        await rejectsWith(failing.emailFor(last(events, 'ticket.replied')), 'internal', { message: /emailTemplates\.es\["ticket\.replied"\].*template bug/ });
        const broken = d.peer(withMail({ emailTemplates: { es: { 'ticket.replied': () => ({ subject: 1 }) as never } } }));
        await rejectsWith(broken.emailFor(last(events, 'ticket.replied')), 'internal', { message: /must return \{ subject, text, html\? \}/ });
      }),
    );

    it(
      'a guest ticket that came by email is answered at its requester address; a directory address wins for a known subscriber',
      withDesk(
        o,
        async (d) => {
          const { desk, events } = d;
          const agent = staffActor(`agent-${d.tenantId}`, 'Agent');
          const guest = customer(); // the directory knows the id, but no address for it
          await desk.create(guest, { subject: 'From the web form', body: 'b' });
          const created = last(events, 'ticket.created');
          assert.deepEqual(await desk.emailFor(created), [], 'a web ticket without an address: no mail');
          // The same ticket as ingestEmail files a guest's mail: channel email, the address it came from.
          const asGuest = { ...created, ticket: { ...created.ticket, channel: 'email' as const, requesterEmail: 'guest@elsewhere.example' } };
          const [ack] = await desk.emailFor(asGuest);
          assert.deepEqual(ack!.to, [{ address: 'guest@elsewhere.example' }]);
          assert.equal(ack!.recipientId, guest.id);
          assert.equal(ack!.audience, 'customer');

          await desk.addReply(agent, created.ticket.id, { body: 'Hello guest' });
          const reply = last(events, 'ticket.replied');
          const [mail] = await desk.emailFor({ ...reply, ticket: { ...reply.ticket, channel: 'email', requesterEmail: 'guest@elsewhere.example' } });
          assert.deepEqual(mail!.to, [{ address: 'guest@elsewhere.example' }]);
          assert.match(mail!.text, /Hello guest/);

          d.directory.subscribers.set(guest.id, { id: guest.id, resellerId: null, email: 'known@customer.example' });
          const [known] = await desk.emailFor({ ...reply, ticket: { ...reply.ticket, requesterEmail: 'guest@elsewhere.example' } });
          assert.deepEqual(known!.to, [{ address: 'known@customer.example' }]);
        },
        withMail(),
      ),
    );

    it(
      'status changes: resolved and closed mail the customer (not closed after resolved); other statuses do not',
      withDesk(
        o,
        async (d) => {
          const { desk, events } = d;
          const { c, lead } = people(d);
          const ticket = await desk.create(c, { subject: 'Status', body: 'b' });
          await desk.update(lead, ticket.id, { status: 'in_progress' });
          assert.deepEqual(await desk.emailFor(last(events, 'ticket.status_changed')), []);
          await desk.update(lead, ticket.id, { status: 'resolved' });
          const [resolved] = await desk.emailFor(last(events, 'ticket.status_changed'));
          assert.equal(resolved!.audience, 'customer');
          assert.match(resolved!.text, /has been resolved/);
          assert.equal(resolved!.subject, `Re: [${ticket.number}] Status`);
          assert.equal(resolved!.headers['Auto-Submitted'], 'auto-generated');
          await desk.update(lead, ticket.id, { status: 'closed' });
          assert.deepEqual(await desk.emailFor(last(events, 'ticket.status_changed')), [], 'they were told it was resolved');
          const other = await desk.create(c, { subject: 'Duplicate', body: 'b' });
          await desk.update(lead, other.id, { status: 'closed' });
          const closedEvent = last(events, 'ticket.status_changed');
          const [closed] = await desk.emailFor(closedEvent);
          assert.match(closed!.text, /has been closed/);
          // Deleted before the mail went out (a dispatcher behind, a retry): nothing to the customer.
          await desk.delete(operator(ALL), other.id);
          assert.deepEqual(await desk.emailFor(closedEvent), []);
        },
        withMail(),
      ),
    );

    it(
      'a new ticket nobody owns mails its department\'s members (not the actor); SLA alerts mail the assignee',
      withDesk(o, async (d) => {
        const { c, agent, lead } = people(d);
        const members: Directory = {
          getSubscriber: (id) => d.directory.getSubscriber(id),
          getStaff: (id) => d.directory.getStaff(id),
          listDepartmentMembers: (department) => (department === 'noc' ? [agent.id, lead.id, 'no-address'] : []),
        };
        const desk = d.peer(
          withMail({
            directory: members,
            config: {
              departments: [{ id: 'noc', name: 'NOC' }],
              routing: [{ category: 'connectivity', department: 'noc' }],
              sla: { targets: { high: { firstResponse: { hours: 4 } } } },
            },
          }),
        );
        const events: TicketEvent[] = [];
        desk.events.on('*', (_t, e) => events.push(e as TicketEvent));
        const ticket = await desk.create(c, { subject: 'Link down', body: 'b', category: 'connectivity', priority: 'high' });
        assert.equal(ticket.department, 'noc');
        const created = await desk.emailFor(last(events, 'ticket.created'));
        assert.deepEqual(created.map(to).sort(), ['agent@desk.example.net', 'ana@customer.example', 'lead@desk.example.net']);
        const queueMail = created.find((m) => m.recipientId === agent.id)!;
        assert.match(queueMail.text, /department's queue/);
        assert.match(queueMail.text, /Priority: high, category: connectivity\./);

        await desk.update(lead, ticket.id, { assigneeId: agent.id });
        d.clock.set('2026-03-02T13:20:00Z');
        await desk.runScheduledWork();
        const warning = await desk.emailFor(last(events, 'sla.warning'));
        assert.deepEqual(warning.map(to), ['agent@desk.example.net']);
        assert.equal(warning[0]!.subject, `[${ticket.number}] SLA warning: Link down`);
        assert.match(warning[0]!.text, /first response target .* due at 2 Mar 2026, 14:00 UTC/);
        assert.equal(warning[0]!.headers['Auto-Submitted'], 'auto-generated');
        d.clock.set('2026-03-02T14:30:00Z');
        await desk.runScheduledWork();
        const breached = await desk.emailFor(last(events, 'sla.breached'));
        assert.deepEqual(breached.map(to), ['agent@desk.example.net']);
        assert.match(breached[0]!.text, /was missed/);
      }),
    );
  });
}
