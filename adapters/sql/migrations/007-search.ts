/**
 * Migration 007: the full-text search index (../search-queries.ts).
 *
 * FOUNDATION STUB (issue 13): no schema change yet.
 *
 * Frozen once released, like 001: change the schema with a new migration.
 */
import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from './migration-context.js';

/** Builds migration 007 for a dialect and set of names. */
export function searchMigration(_ctx: MigrationContext): Migration {
  return {
    async up(_db: Kysely<unknown>): Promise<void> {},
    async down(_db: Kysely<unknown>): Promise<void> {},
  };
}
