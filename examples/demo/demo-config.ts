/**
 * The demo desk's configuration: seed 001's portal categories next to seed 000's, a few
 * departments with routing, and SLA targets in calendar hours so the due badges read the
 * same on any day of the week.
 */
import type { TicketConfigInput } from '../../src/index.js';
import { DEPARTMENTS } from './people.js';

export const DEMO_CONFIG: TicketConfigInput = {
  categories: ['general', 'billing', 'connectivity', 'slow_speed', 'wifi', 'complaint', 'request', 'other'],
  defaultCategory: 'general',
  // Seed 001's portal stops at high; the issue's scenario has a customer report an outage
  // as urgent, so the demo lets customers choose every priority.
  customerMaxPriority: 'urgent',
  numberFormat: 'TKT-{yyyy}-{seq:4}',
  departments: DEPARTMENTS.map(({ id, name }) => ({ id, name })),
  routing: [
    { category: 'billing', department: 'billing' },
    { category: ['connectivity', 'slow_speed', 'wifi'], department: 'support' },
  ],
  // The demo never runs the scheduler; nothing closes by itself while someone looks.
  autoCloseAfterHours: null,
  sla: {
    targets: {
      urgent: { firstResponse: { hours: 1 }, resolution: { hours: 8 } },
      high: { firstResponse: { hours: 4 }, resolution: { hours: 24 } },
      normal: { firstResponse: { hours: 8 }, resolution: { hours: 72 } },
      low: { firstResponse: { hours: 24 }, resolution: { hours: 168 } },
    },
  },
};
