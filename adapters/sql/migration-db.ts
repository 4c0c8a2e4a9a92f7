/**
 * The Kysely instance ticketry's migrations run on, with the dialect's migration
 * introspector in place of Kysely's own where the dialect has one
 * (`SqlDialectHooks.migrationIntrospector`): Kysely's migrator reads `db.introspection`
 * to find its schema and tables, and everything else on `db` as given.
 */
import type { DatabaseIntrospector, Kysely } from 'kysely';

export function withIntrospector(db: Kysely<any>, introspector: DatabaseIntrospector): Kysely<any> {
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'introspection') return introspector;
      const value: unknown = Reflect.get(target, prop, target);
      // Kysely's methods read private fields: call them on the instance itself.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
