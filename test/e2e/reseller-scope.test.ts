/**
 * Resellers are walled off from each other in the browser too: reseller A's staff never see
 * reseller B's ticket, not in their queue, not through search, and not by typing its URL.
 */
import { describe, expect, it } from 'vitest';
import { apiCall, marker, openTicket, screenshot, useDesk } from './harness.js';

const desk = useDesk();

describe("another reseller's ticket in the browser", () => {
  it("ra-boris never sees res-b's ticket, in the queue or by its URL", async () => {
    const subscriber = await desk.signIn('cust-b1');
    const subject = marker('Res-B private matter');
    const ticket = await openTicket(subscriber, { subject, body: 'Only res-b may read this.' });
    // Res-b's staff raise it, so it sorts first in any queue that may show it.
    const carla = await desk.signIn('rb-carla');
    await apiCall(carla, 'PATCH', `/tickets/${ticket.id}`, { raised: true });
    await carla.page.goto('/queue');
    const carlaFirst = carla.page.locator('[data-testid="queue-row"]').first();
    await carlaFirst.waitFor();
    expect(await carlaFirst.getAttribute('data-number')).toBe(ticket.number);

    const boris = await desk.signIn('ra-boris');
    const page = boris.page;
    await page.goto('/queue');
    const rows = page.locator('[data-testid="queue-row"]');
    await rows.first().waitFor();
    const numbers = await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-number')));
    expect(numbers).not.toContain(ticket.number);
    expect(await page.content()).not.toContain(subject);
    const found = await apiCall<{ items: unknown[] }>(boris, 'GET', `/tickets?q=${encodeURIComponent(subject)}`);
    expect(found.items).toEqual([]);
    const control = await apiCall<{ items: unknown[] }>(carla, 'GET', `/tickets?q=${encodeURIComponent(subject)}`);
    expect(control.items).toHaveLength(1);

    // Typing the URL, by number and by id: the page says not found and shows nothing of it.
    for (const ref of [ticket.number, ticket.id]) {
      await page.goto(`/tickets/${encodeURIComponent(ref)}`);
      await page.locator('[data-testid="not-found"]').waitFor();
      expect(await page.locator('[data-testid="message"]').count()).toBe(0);
      expect(await page.content()).not.toContain(subject);
    }
    await screenshot(page, 'not-found');
    const res = await boris.api.get(`/api/tickets/${encodeURIComponent(ticket.number)}`);
    expect(res.status()).toBe(404);
    const received = await boris.received();
    expect(received.filter((r) => r.body.includes(subject) || r.body.includes('Only res-b may read')).map((r) => r.url)).toEqual([]);

    // Nor can a subscriber of res-a open it in the portal.
    const otherCustomer = await desk.signIn('cust-a1');
    await otherCustomer.page.goto(`/portal/tickets/${encodeURIComponent(ticket.number)}`);
    await otherCustomer.page.locator('[data-testid="not-found"]').waitFor();
    expect(await otherCustomer.page.content()).not.toContain(subject);
    expect(boris.pageErrors.concat(otherCustomer.pageErrors)).toEqual([]);
  });
});
