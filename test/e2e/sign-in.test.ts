/**
 * The demo's "sign in as" chooser (the host's sign-in, in miniature): every actor is offered,
 * each lands on their own side, and signing out ends the session.
 */
import { describe, expect, it } from 'vitest';
import { screenshot, useDesk, type ActorKey } from './harness.js';

const desk = useDesk();

const SIDES: [ActorKey, string][] = [
  ['op-anna', '/queue'],
  ['ra-boris', '/queue'],
  ['rb-carla', '/queue'],
  ['cust-a1', '/portal'],
  ['cust-b1', '/portal'],
  ['cust-o1', '/portal'],
];

describe('the sign-in chooser in the browser', () => {
  it('offers every demo actor, lands each on their side, and signs out', async () => {
    const context = await desk.browser.newContext({ baseURL: desk.url, viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(10_000);
    const pageErrors: string[] = [];
    try {
      const page = await context.newPage();
      page.on('pageerror', (e) => pageErrors.push(e.message));
      // Signed out, a page sends you to the chooser.
      await page.goto('/queue');
      expect(new URL(page.url()).pathname).toBe('/');
      await screenshot(page, 'signin');
      for (const [key, side] of SIDES) {
        await page.goto('/');
        await page.locator(`[data-testid="signin-${key}"]`).click();
        await page.locator('[data-testid="whoami"]').waitFor();
        expect(new URL(page.url()).pathname, key).toBe(side);
        await page.locator('[data-testid="signout"]').click();
        await page.locator(`[data-testid="signin-${key}"]`).waitFor();
        expect(new URL(page.url()).pathname, key).toBe('/');
        // Signed out for real: the API no longer knows the browser.
        expect((await context.request.get('/api/tickets')).status(), key).toBe(401);
      }
    } finally {
      await context.close();
    }
    expect(pageErrors).toEqual([]);
  });
});
