/** Shared by the SLA contract tests. The default calendar is Mon–Fri 09:00–17:00 UTC; 2026-03-02 is a Monday. */

export const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** Targets used by most scenarios: normal = 8 business hours to respond, 16 to resolve. */
export const config = {
  sla: {
    targets: {
      urgent: { firstResponse: { hours: 1 }, resolution: { hours: 4 } },
      high: { firstResponse: { hours: 4 } },
      normal: { firstResponse: { businessDays: 1 }, resolution: { businessHours: 16 } },
      low: { firstResponse: { businessDays: 3 } },
    },
  },
};
