/**
 * The help desk's everyday loop in a browser: a customer opens a ticket in the portal, staff
 * answer it on the ticket page with an internal note and a public reply, the customer reads
 * the answer (and nothing staff-only) and replies, which reopens the ticket.
 */
import { describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { apiCall, marker, openTicket, replyTo, screenshot, useDesk, type ApiTicket } from './harness.js';

const desk = useDesk();

/**
 * One conversation, told from both sides: the staff thread and the customer's view of it are
 * the README's screenshots (docs/screenshots/thread.png and portal.png). Plain text, no
 * markers: each test opens a ticket of its own, so its texts are unique in its thread.
 */
const TALK = {
  subject: 'Slow speeds every evening',
  opening: 'Speed drops every evening.',
  note: 'Line card 7 in the street cabinet flaps; do not promise a date yet.',
  /** A fragment only the note contains, to catch it truncated or re-encoded. */
  noteFragment: 'cabinet flaps',
  answer: 'We found a faulty line card in your street cabinet and replace it tonight.',
};

const byTestId = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`);
const messageWith = (page: Page, text: string) => byTestId(page, 'message').filter({ hasText: text });
const statusIs = (page: Page, status: string) =>
  page.locator(`[data-testid="ticket-status"][data-status="${status}"]`).waitFor();

/** Picks the first option with a value (the demo's categories are its own). */
async function chooseFirst(select: Locator): Promise<string> {
  const values = await select.locator('option').evaluateAll((os) =>
    os.map((o) => (o as HTMLOptionElement).value).filter((v) => v !== ''),
  );
  const value = values[0];
  if (value === undefined) throw new Error('the select offers no option');
  await select.selectOption(value);
  return value;
}

/** The ticket number at the end of `/portal/tickets/<number>` or `/tickets/<number>`. */
function numberIn(url: string): string {
  return decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '');
}

describe('the ticket loop in the browser', () => {
  it("a customer's urgent ticket from the portal is at the top of the operator's queue", async () => {
    const customer = await desk.signIn('cust-a1');
    const page = customer.page;
    // Plain text (no marker): this page is the README's queue screenshot; the number identifies the row.
    const subject = 'Whole building offline';
    await page.goto('/portal/new');
    await byTestId(page, 'new-subject').fill(subject);
    await byTestId(page, 'new-body').fill('Since this morning no device in the building gets a connection.');
    await chooseFirst(byTestId(page, 'new-category'));
    await byTestId(page, 'new-priority').selectOption('urgent');
    await screenshot(page, 'portal-new');
    await byTestId(page, 'new-submit').click();
    await page.waitForURL(/\/portal\/tickets\/[^/]+$/);
    const number = numberIn(page.url());
    await statusIs(page, 'open');
    await messageWith(page, 'no device in the building').waitFor();

    const staff = await desk.signIn('op-anna');
    await staff.page.goto('/queue');
    const first = byTestId(staff.page, 'queue-row').first();
    await first.waitFor();
    expect(await first.getAttribute('data-number')).toBe(number);
    expect(await first.getAttribute('data-priority')).toBe('urgent');
    expect(await first.getAttribute('data-status')).toBe('open');
    expect(await first.innerText()).toContain(subject);
    // Fresh and urgent: its first-response clock shows.
    await first.locator('[data-testid="sla-badge"]').waitFor();
    await byTestId(staff.page, 'queue-stats').waitFor();
    await screenshot(staff.page, 'queue', 'queue');

    // The filters narrow the rows: low priority only, then pending only.
    const rowsAll = (attr: string, value: string) =>
      staff.page.waitForFunction(
        ([a, v]) => {
          const rows = [...document.querySelectorAll('[data-testid="queue-row"]')];
          return rows.length > 0 && rows.every((r) => r.getAttribute(a!) === v);
        },
        [attr, value],
      );
    await byTestId(staff.page, 'filter-priority').selectOption('low');
    await rowsAll('data-priority', 'low');
    await byTestId(staff.page, 'filter-priority').selectOption('');
    await byTestId(staff.page, 'filter-status').selectOption('pending');
    await rowsAll('data-status', 'pending');
    await byTestId(staff.page, 'filter-status').selectOption('');
    await staff.page.locator(`[data-testid="queue-row"][data-number="${number}"]`).waitFor();

    // The row's link leads to the staff ticket page.
    await staff.page.locator(`[data-testid="queue-row"][data-number="${number}"] a`).first().click();
    await staff.page.waitForURL(/\/tickets\/[^/]+$/);
    expect(numberIn(staff.page.url())).toBe(number);
    await messageWith(staff.page, 'no device in the building').waitFor();
    expect(customer.dialogs.concat(staff.dialogs)).toEqual([]);
    expect(customer.pageErrors.concat(staff.pageErrors)).toEqual([]);
  });

  it('staff add an internal note and a public reply on the ticket page', async () => {
    const customer = await desk.signIn('cust-a1');
    const ticket = await openTicket(customer, { subject: TALK.subject, body: TALK.opening });
    const staff = await desk.signIn('op-anna');
    const page = staff.page;
    await page.goto(`/tickets/${encodeURIComponent(ticket.number)}`);
    await messageWith(page, TALK.opening).waitFor();
    await statusIs(page, 'open');

    const note = TALK.note;
    await byTestId(page, 'reply-body').fill(note);
    await byTestId(page, 'reply-internal').check();
    await byTestId(page, 'reply-send').click();
    await page.locator('[data-testid="message"][data-internal="true"]').filter({ hasText: note }).waitFor();
    // A note changes no status.
    await statusIs(page, 'open');

    const answer = TALK.answer;
    await byTestId(page, 'reply-body').fill(answer);
    await byTestId(page, 'reply-internal').setChecked(false);
    await byTestId(page, 'reply-send').click();
    await page
      .locator('[data-testid="message"][data-internal="false"][data-author-type="staff"]')
      .filter({ hasText: answer })
      .waitFor();
    // A public staff reply waits on the customer.
    await statusIs(page, 'pending');

    // What the page shows is what was stored: both survive a reload, the note still internal.
    await page.reload();
    await page.locator('[data-testid="message"][data-internal="true"]').filter({ hasText: note }).waitFor();
    await page.locator('[data-testid="message"][data-internal="false"]').filter({ hasText: answer }).waitFor();
    await statusIs(page, 'pending');
    expect(await byTestId(page, 'audit-entry').count()).toBeGreaterThan(0);
    await screenshot(page, 'thread', 'thread');
    expect(staff.dialogs).toEqual([]);
    expect(staff.pageErrors).toEqual([]);
  });

  it('the customer sees the public reply and the status pending, and nothing of the internal note', async () => {
    const customer = await desk.signIn('cust-a1');
    const staff = await desk.signIn('op-anna');
    const ticket = await openTicket(customer, { subject: TALK.subject, body: TALK.opening });
    const { note, answer } = TALK;
    await replyTo(staff, ticket.id, { body: note, internal: true });
    await replyTo(staff, ticket.id, { body: answer });
    // The note is there for staff: its absence below is the customer's view, not a lost write.
    const staffView = await apiCall<{ messages: { body: string }[] }>(staff, 'GET', `/tickets/${ticket.id}`);
    expect(staffView.messages.map((m) => m.body)).toContain(note);

    const page = customer.page;
    await page.goto('/portal');
    await page.locator(`[data-testid="portal-row"][data-number="${ticket.number}"]`).waitFor();
    await screenshot(page, 'portal-list');
    await page.goto(`/portal/tickets/${encodeURIComponent(ticket.number)}`);
    await messageWith(page, answer).waitFor();
    await messageWith(page, TALK.opening).waitFor();
    await statusIs(page, 'pending');
    expect(await page.locator('[data-testid="message"][data-internal="true"]').count()).toBe(0);
    expect(await byTestId(page, 'reply-internal').count()).toBe(0);
    expect(await byTestId(page, 'reply-status').count()).toBe(0);
    expect(await page.content()).not.toContain(TALK.noteFragment);
    // Nor in anything the browser was sent: pages, scripts, every API answer (a list preview too).
    const received = await customer.received();
    expect(received.some((r) => r.url.includes(`/api/tickets/`))).toBe(true);
    expect(received.filter((r) => r.body.includes(TALK.noteFragment)).map((r) => r.url)).toEqual([]);
    await screenshot(page, 'portal-thread', 'portal');
    expect(customer.dialogs).toEqual([]);
    expect(customer.pageErrors).toEqual([]);
  });

  it('the customer replies and the ticket is open again', async () => {
    const customer = await desk.signIn('cust-a1');
    const staff = await desk.signIn('op-anna');
    const ticket = await openTicket(customer, { subject: marker('Router reboots'), body: 'It reboots hourly.' });
    await replyTo(staff, ticket.id, { body: 'Please send us the router model.' });
    const before = await apiCall<{ ticket: ApiTicket }>(customer, 'GET', `/tickets/${ticket.id}`);
    expect(before.ticket.status).toBe('pending');

    const page = customer.page;
    await page.goto(`/portal/tickets/${encodeURIComponent(ticket.number)}`);
    await statusIs(page, 'pending');
    const reply = marker('It is a TP-Link Archer C6');
    await byTestId(page, 'reply-body').fill(reply);
    await byTestId(page, 'reply-send').click();
    await page.locator('[data-testid="message"][data-author-type="customer"]').filter({ hasText: reply }).waitFor();
    await statusIs(page, 'open');
    await page.reload();
    await statusIs(page, 'open');
    await messageWith(page, reply).waitFor();

    await staff.page.goto(`/tickets/${encodeURIComponent(ticket.number)}`);
    await statusIs(staff.page, 'open');
    await staff.page.locator('[data-testid="message"][data-author-type="customer"]').filter({ hasText: reply }).waitFor();
    expect(customer.dialogs.concat(staff.dialogs)).toEqual([]);
    expect(customer.pageErrors.concat(staff.pageErrors)).toEqual([]);
  });
});
