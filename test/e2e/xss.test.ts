/**
 * Message text is data, never markup: a customer's `<script>` and `<img onerror>` in a subject
 * and a body, and the same in a staff reply (Markdown, sanitised), render inert on every page
 * that shows them, for staff and for the customer.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { marker, replyTo, screenshot, useDesk, type Session } from './harness.js';

const desk = useDesk();

const SCRIPT = '<script>alert(1)</script>';
const ONERROR = '<img src=x onerror=alert(1)>';

/**
 * Waits until an image that fails to load has reported it, so an `onerror` payload rendered
 * on this page would have fired by now; then collects what would show it did run.
 */
async function inertness(page: Page) {
  await page.evaluate(
    () =>
      new Promise<void>((done) => {
        const img = new Image();
        img.onerror = img.onload = () => done();
        img.src = `x?control=${Math.random()}`;
      }),
  );
  return page.evaluate(() => ({
    handlers: document.querySelectorAll('[onerror], [onload]:not(body)').length,
    scripts: [...document.querySelectorAll('script')].filter((s) => (s.textContent ?? '').includes('alert(')).length,
    inBodies: document.querySelectorAll(
      '[data-testid="message-body"] script, [data-testid="message-body"] img[onerror], [data-testid="message-body"] iframe',
    ).length,
  }));
}

async function expectInert(s: Session, page: Page) {
  expect(await inertness(page)).toEqual({ handlers: 0, scripts: 0, inBodies: 0 });
  expect(s.dialogs).toEqual([]);
  expect(s.pageErrors).toEqual([]);
}

describe('hostile message text in the browser', () => {
  it('script and onerror payloads from a customer and from staff render inert', async () => {
    const customer = await desk.signIn('cust-a1');
    const staff = await desk.signIn('op-anna');
    const subject = `${marker('Help')} ${ONERROR}`;
    const body = `My router says ${SCRIPT} and then ${ONERROR} on its status page.`;

    // The customer types the payloads into the portal's form, as an attacker would.
    const page = customer.page;
    await page.goto('/portal/new');
    await page.locator('[data-testid="new-subject"]').fill(subject);
    await page.locator('[data-testid="new-body"]').fill(body);
    await page.locator('[data-testid="new-submit"]').click();
    await page.waitForURL(/\/portal\/tickets\/[^/]+$/);
    const number = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
    // Shown as the text the customer typed.
    const shown = page.locator('[data-testid="message-body"]').filter({ hasText: 'My router says' });
    await shown.waitFor();
    expect(await shown.innerText()).toContain(`${SCRIPT} and then ${ONERROR}`);
    await expectInert(customer, page);

    // Staff answer with the same payloads (and a javascript: link) in Markdown.
    const ticketId = await staff.api
      .get(`/api/tickets/${encodeURIComponent(number)}`)
      .then(async (r) => ((await r.json()) as { ticket: { id: string } }).ticket.id);
    await replyTo(staff, ticketId, {
      body: `Quoting you: ${SCRIPT} ${ONERROR} <svg onload=alert(1)></svg> [click](javascript:alert(1))`,
    });

    await staff.page.goto('/queue');
    await staff.page.locator(`[data-testid="queue-row"][data-number="${number}"]`).waitFor();
    await expectInert(staff, staff.page);
    await staff.page.goto(`/tickets/${encodeURIComponent(number)}`);
    await staff.page.locator('[data-testid="message-body"]').filter({ hasText: 'Quoting you' }).waitFor();
    await expectInert(staff, staff.page);
    expect(await staff.page.locator('[data-testid="message-body"] a[href^="javascript:" i]').count()).toBe(0);
    await screenshot(staff.page, 'xss-staff-thread');

    await page.goto(`/portal/tickets/${encodeURIComponent(number)}`);
    await page.locator('[data-testid="message-body"]').filter({ hasText: 'Quoting you' }).waitFor();
    await expectInert(customer, page);
    expect(await page.locator('[data-testid="message-body"] a[href^="javascript:" i]').count()).toBe(0);
    await page.goto('/portal');
    await page.locator(`[data-testid="portal-row"][data-number="${number}"]`).waitFor();
    await expectInert(customer, page);
    await screenshot(page, 'xss-portal-list');
  });
});
