/**
 * Migration 008: the stats buckets per UTC day of creation, for stats over any window (../ticket-stats.ts).
 *
 * FOUNDATION STUB (issue 13): no schema change yet.
 *
 * Frozen once released, like 001: change the schema with a new migration.
 */
import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from './migration-context.js';

/** Builds migration 008 for a dialect and set of names. */
export function statsByDayMigration(_ctx: MigrationContext): Migration {
  return {
    async up(_db: Kysely<unknown>): Promise<void> {},
    async down(_db: Kysely<unknown>): Promise<void> {},
  };
}
