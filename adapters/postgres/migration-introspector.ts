/**
 * What Kysely's migrator asks the database before it migrates: whether its schema and its
 * two tables exist. Kysely's own Postgres introspector answers by listing every column of
 * every table of every schema, calling `has_schema_privilege(name, ...)` on each schema's
 * name: a schema another session drops while that runs is still in the statement's
 * snapshot but gone by name, and the call fails with "schema ... does not exist" (seen
 * about one run in three with test files migrating and dropping their own schemas on one
 * database, which is how a host's test suite uses ticketry).
 *
 * This one reads only the catalog rows it needs, by name, with no function of a name:
 * the schemas, and the migration tables in ticketry's schema (the current one when none
 * is set).
 */
import { sql, type DatabaseIntrospector, type Kysely, type SchemaMetadata, type TableMetadata } from 'kysely';

export function postgresMigrationIntrospector(
  db: Kysely<any>,
  tables: readonly string[],
  schema: string | undefined,
): DatabaseIntrospector {
  const getTables = async (): Promise<TableMetadata[]> => {
    const { rows } = await sql<{ schema: string; name: string; kind: string }>`
      select n.nspname as schema, c.relname as name, c.relkind as kind
      from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
      where c.relkind in ('r', 'p', 'v')
        and c.relname in (${sql.join(tables)})
        and n.nspname = ${schema === undefined ? sql`current_schema()` : schema}`.execute(db);
    return rows.map((r) => ({ schema: r.schema, name: r.name, isView: r.kind === 'v', columns: [] }));
  };
  return {
    async getSchemas(): Promise<SchemaMetadata[]> {
      const { rows } = await sql<{ name: string }>`select nspname as name from pg_catalog.pg_namespace`.execute(db);
      return rows;
    },
    getTables,
    async getMetadata() {
      return { tables: await getTables() };
    },
  };
}
