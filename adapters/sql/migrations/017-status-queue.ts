/**
 * Migration 017: the staff queue filtered by status from an index.
 *
 * The queue order's indexes lead with the tenant (and the reseller), not the status, so
 * a queue page with a status filter (`status: ['pending']`, a panel's most common view)
 * read the queue's index until enough tickets of that status turned up: at a million
 * tickets a page where few were pending read thousands of rows (277 ms on SQLite), and the
 * last page of a reseller's pending tickets read the reseller's whole queue to learn
 * there was no more (1.0 s on SQLite, 0.75 s on Postgres). These read the status's own
 * tickets in queue order:
 *
 * - `tickets_status_queue_idx` (tenant, status, attention desc, updated_at desc, id desc).
 * - `tickets_reseller_status_queue_idx` (tenant, reseller, status, attention desc,
 *   updated_at desc, id desc).
 *
 * On MySQL and MariaDB (whose index names belong to their table) only the first: the
 * reseller's would exceed InnoDB's 3,072-byte key (three `VARCHAR(250)` keys in utf8mb4
 * and the status).
 *
 * Frozen once released, like 001: change the schema with a new migration.
 */
import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from './migration-context.js';
import { createTicketIndexes, dropTicketIndexes, type TicketIndex } from './ticket-indexes.js';

/** Builds migration 017 for a dialect and set of names. */
export function statusQueueMigration(ctx: MigrationContext): Migration {
  const queue = ['attention desc', 'updated_at desc', 'id desc'];
  const indexes: TicketIndex[] = [['tickets_status_queue_idx', ['tenant_id', 'status', ...queue]]];
  if (!ctx.dialect.capabilities.indexesPerTable) indexes.push(['tickets_reseller_status_queue_idx', ['tenant_id', 'reseller_id', 'status', ...queue]]);
  return {
    up: (db: Kysely<unknown>) => createTicketIndexes(db, ctx, indexes),
    down: (db: Kysely<unknown>) => dropTicketIndexes(db, ctx, indexes),
  };
}
