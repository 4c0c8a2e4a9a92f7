/**
 * ticketry's own mail templates and the pieces around them that need no particular store:
 * the number token in subjects, the language fallbacks, every built-in template in every
 * language for both audiences, and HTML that stays inert whatever names and subjects hold.
 */
import { describe, expect, it } from 'vitest';
import { memoryStore } from '../../adapters/memory/index.js';
import { createTicketService, type StaffActor, type TicketEvent } from '../../src/index.js';
import { languageCandidates } from '../../src/email/email-template-choice.js';
import { subjectWithToken } from '../../src/email/email-threading.js';
import { STANDARD_TEMPLATES } from '../../src/email/standard-templates.js';
import { TestClock, TestDirectory } from '../../src/testing/index.js';

describe('the number token in the subject', () => {
  it('goes after a leading Re:, in front otherwise, and is not doubled', () => {
    expect(subjectWithToken('Router reboots', 'TKT-42')).toBe('[TKT-42] Router reboots');
    expect(subjectWithToken('Re: Router reboots', 'TKT-42')).toBe('Re: [TKT-42] Router reboots');
    expect(subjectWithToken('RE:Router reboots', 'TKT-42')).toBe('Re: [TKT-42] Router reboots');
    expect(subjectWithToken('Ticket [TKT-42] moved', 'TKT-42')).toBe('Ticket [TKT-42] moved');
    expect(subjectWithToken('', 'TKT-42')).toBe('[TKT-42]');
  });

  it('turns line breaks and control characters into spaces, so a subject cannot add a header', () => {
    const subject = subjectWithToken('Hi\r\nBcc: victim@example.net\u0000\tthere', 'TKT-1');
    expect(subject).toBe('[TKT-1] Hi Bcc: victim@example.net there');
    expect(subject).not.toMatch(/[\r\n\u0000-\u001f]/);
  });
});

describe('language fallbacks', () => {
  it('tries the wanted language, its base, the default, its base, then English, each once', () => {
    expect(languageCandidates('es-MX', 'ru')).toEqual(['es-MX', 'es', 'ru', 'en']);
    expect(languageCandidates(undefined, 'pt-BR')).toEqual(['pt-BR', 'pt', 'en']);
    expect(languageCandidates('en', 'en')).toEqual(['en']);
  });
});

describe('ticketry\'s templates', () => {
  it('exist for the same events in English, Spanish and Russian', () => {
    const events = (lang: string) => Object.keys(STANDARD_TEMPLATES[lang]!).sort();
    expect(events('es')).toEqual(events('en'));
    expect(events('ru')).toEqual(events('en'));
    expect(events('en')).toEqual(['sla.breached', 'sla.warning', 'ticket.assigned', 'ticket.created', 'ticket.replied', 'ticket.status_changed']);
  });

  it('write every default mail in each language, and a name or subject with markup stays text in the HTML', async () => {
    const clock = new TestClock();
    const directory = new TestDirectory();
    const hostile = '<img src=x onerror=alert(1)>';
    directory.subscribers.set('sub-1', { id: 'sub-1', resellerId: null, name: `Ana ${hostile}`, email: 'ana@customer.example' });
    directory.staff.set('agent', { id: 'agent', name: `Agent ${hostile}`, email: 'agent@desk.example.net' });
    const desk = createTicketService({
      store: memoryStore(),
      clock: clock.now,
      directory,
      config: {
        email: { address: 'support@desk.example.net' },
        sla: { targets: { normal: { firstResponse: { hours: 1 } } } },
      },
    });
    const events: TicketEvent[] = [];
    desk.events.on('*', (_t, e) => events.push(e as TicketEvent));
    const agent: StaffActor = { kind: 'staff', id: 'agent', name: `Agent ${hostile}`, permissions: ['tickets.view', 'tickets.edit', 'tickets.reply'] };
    const lead: StaffActor = { kind: 'staff', id: 'lead', name: 'Lead', permissions: ['tickets.view', 'tickets.edit', 'tickets.reply'] };
    const ticket = await desk.create({ kind: 'customer', id: 'sub-1' }, { subject: `Help ${hostile}`, body: `Body ${hostile}` });
    await desk.update(lead, ticket.id, { assigneeId: agent.id });
    // Before anyone answers, so the first-response clock runs out.
    clock.set('2026-03-02T10:50:00Z'); // past 80 % of the hour: a warning
    await desk.runScheduledWork();
    clock.set('2026-03-02T11:30:00Z');
    await desk.runScheduledWork();
    await desk.addReply(lead, ticket.id, { body: 'Public reply' });
    await desk.addReply({ kind: 'customer', id: 'sub-1' }, ticket.id, { body: `Answer ${hostile}` });
    await desk.update(lead, ticket.id, { status: 'resolved' });

    const seen = new Set<string>();
    for (const language of ['en', 'es', 'ru']) {
      for (const event of events) {
        for (const mail of await desk.emailFor(event, { language })) {
          expect(mail.language).toBe(language);
          seen.add(`${event.type}/${mail.audience}`);
          expect(mail.html, `${event.type} ${language}`).not.toContain('<img');
          expect(mail.text.length).toBeGreaterThan(20);
          expect(mail.subject).toContain(`[${ticket.number}]`);
        }
      }
    }
    expect([...seen].sort()).toEqual([
      'sla.breached/staff',
      'sla.warning/staff',
      'ticket.assigned/staff',
      'ticket.created/customer',
      'ticket.replied/customer',
      'ticket.replied/staff',
      'ticket.status_changed/customer',
    ]);
  });
});
