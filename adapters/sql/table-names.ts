/**
 * Where ticketry's table names are decided: a prefix for every table, index and the
 * migration tables, and (Postgres) a schema. Queries use the logical names of
 * `schema.ts`; `TableNamePlugin` rewrites them on the way to the driver.
 */
import {
  IdentifierNode,
  OperationNodeTransformer,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryId,
  type QueryResult,
  type RootOperationNode,
  type TableNode,
  type UnknownRow,
} from 'kysely';
import { ConfigError } from '../../src/errors.js';
import { LOGICAL_TABLES, type LogicalTable } from './schema.js';

/** The physical names of ticketry's tables and helpers. */
export interface TableNames {
  /** The prefix every name starts with. */
  readonly prefix: string;
  /** The Postgres schema, or undefined (SQLite, or the connection's default). */
  readonly schema: string | undefined;
  /** Physical name of a logical table, unqualified. */
  table(name: LogicalTable): string;
  /** Physical name of a constraint or index (`<prefix><name>`). */
  object(name: string): string;
  /** Kysely's migration table. */
  readonly migrationTable: string;
  /** Kysely's migration lock table. */
  readonly migrationLockTable: string;
}

// Names go into SQL as quoted identifiers, but a conservative charset keeps index names
// (prefix + suffix) under Postgres's 63-byte limit and rules out surprises in hosts' tools.
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Builds the names for `prefix` (may be empty) and an optional `schema`, rejecting
 * anything that is not a plain SQL identifier.
 */
export function tableNames(prefix: string, schema?: string): TableNames {
  // A host's options arrive unchecked: anything but a string (a number, an object nested
  // 20,000 deep) is refused before a regex or JSON.stringify touches it.
  if (typeof prefix !== 'string' || (prefix !== '' && !IDENTIFIER.test(prefix))) {
    throw new ConfigError(
      `tablePrefix must be letters, digits and underscores, not starting with a digit; got ${shown(prefix)}`,
      { params: { field: 'tablePrefix' } },
    );
  }
  if (schema !== undefined && (typeof schema !== 'string' || !IDENTIFIER.test(schema) || schema.length > 63)) {
    throw new ConfigError(
      `schema must be a plain SQL identifier (letters, digits, underscores); got ${shown(schema)}`,
      { params: { field: 'schema' } },
    );
  }
  return {
    prefix,
    schema,
    table: (name) => prefix + name,
    object: (name) => prefix + name,
    migrationTable: `${prefix}migrations`,
    migrationLockTable: `${prefix}migrations_lock`,
  };
}

/** A refused option for an error message: a string quoted and cut, anything else its type. */
function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}...` : value);
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

/**
 * Rewrites references to ticketry's logical tables (`tickets`, `messages`, ...) into
 * their physical names. Aliases and other tables pass through untouched, so a query
 * must not alias a table to a logical name.
 */
export class TableNamePlugin implements KyselyPlugin {
  readonly #transformer: TableNameTransformer;

  constructor(names: TableNames) {
    this.#transformer = new TableNameTransformer(names);
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.#transformer.transformNode(args.node, args.queryId);
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

class TableNameTransformer extends OperationNodeTransformer {
  readonly #map: ReadonlyMap<string, string>;

  constructor(names: TableNames) {
    super();
    this.#map = new Map(LOGICAL_TABLES.map((t) => [t, names.table(t)]));
  }

  protected override transformTable(node: TableNode, queryId?: QueryId): TableNode {
    const transformed = super.transformTable(node, queryId);
    const physical = this.#map.get(transformed.table.identifier.name);
    if (physical === undefined) return transformed;
    return {
      ...transformed,
      table: { ...transformed.table, identifier: IdentifierNode.create(physical) },
    };
  }
}
