/**
 * The stats page draws its two charts from the seeded data: backlog by category and
 * priority, and resolution time by category.
 */
import { describe, expect, it } from 'vitest';
import { apiCall, screenshot, useDesk } from './harness.js';

const desk = useDesk();

interface Stats {
  backlog: { category: string; priority: string; count: number }[];
  counts: Record<string, number>;
}

describe('the stats page in the browser', () => {
  it('draws the backlog and the resolution-time charts', async () => {
    const staff = await desk.signIn('op-anna');
    const stats = await apiCall<Stats>(staff, 'GET', '/tickets/stats');
    const backlog = stats.backlog.filter((b) => b.count > 0);
    // The seed has a backlog and resolved tickets: an empty chart would be a failure to draw.
    expect(backlog.length).toBeGreaterThan(0);
    expect((stats.counts.resolved ?? 0) + (stats.counts.closed ?? 0)).toBeGreaterThan(0);

    const page = staff.page;
    await page.goto('/stats');
    const drawn = async (id: string) => {
      const chart = page.locator(`[data-testid="${id}"]`);
      await chart.locator('rect').first().waitFor({ state: 'attached' });
      return chart.evaluate((el) => {
        const svg = el instanceof SVGSVGElement ? el : el.querySelector('svg');
        const box = el.getBoundingClientRect();
        return {
          svg: svg !== null,
          bars: svg ? [...svg.querySelectorAll('rect')].filter((r) => r.getBoundingClientRect().width > 0).length : 0,
          text: svg?.textContent ?? '',
          visible: box.width > 100 && box.height > 20,
        };
      });
    };
    const backlogChart = await drawn('chart-backlog');
    expect(backlogChart.svg).toBe(true);
    expect(backlogChart.visible).toBe(true);
    // A segment per category and priority in the backlog, and every category named.
    expect(backlogChart.bars).toBeGreaterThanOrEqual(backlog.length);
    for (const category of new Set(backlog.map((b) => b.category))) {
      expect(backlogChart.text).toContain(category.replaceAll('_', ' '));
    }
    const resolutionChart = await drawn('chart-resolution');
    expect(resolutionChart.svg).toBe(true);
    expect(resolutionChart.visible).toBe(true);
    expect(resolutionChart.bars).toBeGreaterThan(0);
    await screenshot(page, 'stats');
    expect(staff.dialogs).toEqual([]);
    expect(staff.pageErrors).toEqual([]);
  });
});
