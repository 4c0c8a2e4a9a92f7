/**
 * Migration 006: the reply counts and last reply times a list row shows, kept on the ticket row (../list-columns.ts).
 *
 * FOUNDATION STUB (issue 13): no schema change yet.
 *
 * Frozen once released, like 001: change the schema with a new migration.
 */
import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from './migration-context.js';

/** Builds migration 006 for a dialect and set of names. */
export function listColumnsMigration(_ctx: MigrationContext): Migration {
  return {
    async up(_db: Kysely<unknown>): Promise<void> {},
    async down(_db: Kysely<unknown>): Promise<void> {},
  };
}
