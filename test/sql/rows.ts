/**
 * Row builders for the SQL store tests: the contract suite's own (`src/testing/rows.ts`),
 * with `ticketRow(tenant, n)` meaning ticket `TKT-<n>`.
 */
export {
  auditEntry,
  caught,
  emptySla,
  message,
  numberedTicket as ticketRow,
  outboxEvent,
  tenant,
} from '../../src/testing/rows.js';
