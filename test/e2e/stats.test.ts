/** The stats page draws its two charts (backlog by category and priority, resolution time) from the seeded data. */
import { describe, expect, it } from 'vitest';
import { screenshot, useDesk } from './harness.js';

const desk = useDesk();

describe('the stats page in the browser', () => {
  it('draws the backlog and the resolution-time charts', async () => {
    const staff = await desk.signIn('op-anna');
    const page = staff.page;
    await page.goto('/stats');
    for (const id of ['chart-backlog', 'chart-resolution']) {
      const chart = page.locator(`[data-testid="${id}"]`);
      await chart.waitFor();
      // Drawn: marks inside the SVG, and the chart takes room on the page.
      await chart.locator('rect, path, line, circle, polyline, polygon').first().waitFor({ state: 'attached' });
      const drawn = await chart.evaluate((el) => {
        const svg = el instanceof SVGSVGElement ? el : el.querySelector('svg');
        const marks = svg ? svg.querySelectorAll('rect, path, line, circle, polyline, polygon').length : 0;
        const box = el.getBoundingClientRect();
        return { svg: svg !== null, marks, width: box.width, height: box.height };
      });
      expect(drawn.svg, id).toBe(true);
      expect(drawn.marks, id).toBeGreaterThan(0);
      expect(drawn.width, id).toBeGreaterThan(0);
      expect(drawn.height, id).toBeGreaterThan(0);
    }
    // The seed's categories name the backlog's bars.
    expect((await page.locator('[data-testid="chart-backlog"]').textContent())?.trim().length).toBeGreaterThan(0);
    await screenshot(page, 'stats');
    expect(staff.dialogs).toEqual([]);
    expect(staff.pageErrors).toEqual([]);
  });
});
