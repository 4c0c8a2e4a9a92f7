/**
 * `TicketStore` on a Kysely instance, shared by the SQLite, Postgres and MySQL stores. The
 * drivers supply only `SqlDialectHooks` and the Kysely instance; every query lives in
 * the `*-queries.ts` files beside this one.
 *
 * Transactions run on one connection: `hooks.beginWrite` (`begin immediate` in SQLite),
 * the callback, `commit`, or `rollback` on a throw. When the store was given a host's
 * transaction (`db.isTransaction`), each `transaction(fn)` runs inside it under a
 * savepoint instead, so a failed ticketry write rolls back alone and everything commits
 * with the host's own work.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { CompiledQuery, Migrator, sql, type DatabaseConnection, type Kysely, type Transaction } from 'kysely';
import { ConfigError, TicketError } from '../../src/errors.js';

/** Retries of a SQLite migration that met an immediate SQLITE_BUSY (50 ms, doubling: about 1.5 s in all). */
const MIGRATE_BUSY_RETRIES = 5;
import { Mutex } from '../../src/mutex.js';
import type {
  DispatchClaim,
  DispatchOutcome,
  EmailMessageRecord,
  ParkedEvent,
  ScheduledWorkProbe,
  OutboxEvent,
  StoreListQuery,
  StoreScope,
  StoreStats,
  StoreStatsQuery,
  StoreTicketSummary,
  StoreTx,
  TicketStore,
} from '../../src/store.js';
import type { AuditEntry, Message, SavedFilter, Status, StoredAttachment, Ticket } from '../../src/types.js';
import type { SqlDialectHooks } from './dialect-hooks.js';
import * as attachments from './attachment-queries.js';
import * as dispatch from './dispatch-queries.js';
import * as email from './email-queries.js';
import * as messages from './message-queries.js';
import * as staff from './staff-state-queries.js';
import { rebuildListColumns } from './migrations/006-list-columns.js';
import { rebuildSearchIndex } from './migrations/007-search.js';
import type { MigrationContext } from './migrations/migration-context.js';
import { withIntrospector } from './migration-db.js';
import { ticketryMigrations } from './migrations/migration-provider.js';
import * as outbox from './outbox-queries.js';
import { StatementCache, type QueryContext } from './query-context.js';
import type { TicketryDatabase } from './schema.js';
import { getStats } from './stats-queries.js';
import { TableNamePlugin, type TableNames } from './table-names.js';
import * as scans from './scan-queries.js';
import * as tickets from './ticket-queries.js';
import { StatsDeltas, canUseStatsBuckets } from './ticket-stats.js';
import { SqlTx, countPendingReplies, type TxState } from './sql-tx.js';
import * as statsRebuild from './stats-rebuild.js';
import type { StatsVerification, VerifyStatsOptions } from './stats-rebuild.js';
import type { OutboxWake } from './outbox-wake.js';

/** A SQL-backed ticket store: a `TicketStore` plus schema setup and shutdown. */
export interface SqlTicketStore extends TicketStore {
  /**
   * Creates or upgrades ticketry's tables (Kysely migrations, recorded in
   * `<prefix>migrations`). Idempotent, and safe when several processes run it at once.
   * Run it at deploy or start-up; no other method touches the schema.
   */
  migrate(): Promise<void>;
  /** Releases what the store opened itself (its pool or database file); never a handle the host passed in. */
  close(): Promise<void>;
  /**
   * This store bound to a host's Kysely transaction: every `transaction(fn)` of the
   * returned store runs inside `trx` under a savepoint, and commits or rolls back with it.
   */
  withTransaction(trx: Transaction<any>): SqlTicketStore;
  /**
   * Recomputes the stats aggregates (`ticket_stats`, `ticket_stats_daily`,
   * `ticket_stats_weekly` and `ticket_stats_monthly`, every tenant) from the tickets, in one transaction that holds
   * off ticket writers while it runs (a few seconds per 100,000 tickets). The store keeps
   * them up to date itself; run this after something changed tickets around it: host
   * SQL, a bulk import, a restore of the tickets table, or an older release writing
   * during a rolling upgrade.
   * Inside a host transaction (`withTransaction`) it runs in that transaction.
   */
  rebuildStats(): Promise<void>;
  /**
   * Rebuilds the full-text search index (every tenant) from the tickets and messages, in
   * one transaction that holds off writers. The store indexes its own writes; run this
   * after tickets or messages were written or changed around it (host SQL, a bulk import,
   * a restore), which search does not find as they now read until then.
   * Inside a host transaction (`withTransaction`) it runs in that transaction.
   */
  rebuildSearchIndex(): Promise<void>;
  /**
   * Recounts every ticket's list columns (`replyCount`/`lastReplyAt` as staff and as the
   * customer see them) from its messages, in one transaction that holds off message
   * writers. Needed only after messages were written or changed around the store.
   * Inside a host transaction (`withTransaction`) it runs in that transaction.
   */
  rebuildListColumns(): Promise<void>;
  /**
   * Compares the stats aggregates with a fresh count of the tickets and lists the
   * buckets that differ (`ok` when none does). Reads only (one statement per table, each
   * on a consistent snapshot), so writers go on meanwhile; it reads every ticket in
   * scope, so run it off-peak at scale. `rebuildStats()` repairs what it finds.
   */
  verifyStats(options?: VerifyStatsOptions): Promise<StatsVerification>;
}

/** What a driver adapter hands the shared store. */
export interface SqlStoreConfig {
  /** The host's or the adapter's Kysely instance (or a host transaction), without ticketry's plugins. */
  db: Kysely<any>;
  /** The dialect's glue: value conversion, locking, error mapping, column types. */
  hooks: SqlDialectHooks;
  /** Physical table names (prefix, schema). */
  names: TableNames;
  /** Frees what the adapter opened; absent when everything belongs to the host. */
  release?: () => Promise<void>;
  /**
   * How dispatchers learn of queued events (`subscribeOutbox`): Postgres LISTEN/NOTIFY,
   * SQLite in-process. Absent: no `subscribeOutbox`, dispatchers poll.
   */
  wake?: OutboxWake;
  /** Told the SQL text of each statement compiled once (`runCached`), and whether it is a keyed read: Postgres names them. */
  onCompiled?: (sql: string, keyedRead: boolean) => void;
}

/** Creates the shared SQL store. Does no I/O. */
export function createSqlStore(config: SqlStoreConfig): SqlTicketStore {
  // A host's `{ db }` reaches here unchecked: anything but a Kysely instance is a config error, not a TypeError.
  const db = config.db as unknown;
  if (db === null || typeof db !== 'object' || typeof (db as { withoutPlugins?: unknown }).withoutPlugins !== 'function') {
    throw new ConfigError('db must be a Kysely instance (or a Kysely transaction) on the store\'s database', {
      params: { field: 'db' },
    });
  }
  return new SqlStore(config);
}

/** An error thrown by the caller's callback, to tell it apart from the driver's. */
/** Times a transaction that lost a deadlock is run again (MySQL/MariaDB mark theirs `params.reason: 'deadlock'`). */
const DEADLOCK_RETRIES = 3;

const isDeadlock = (error: unknown): boolean =>
  TicketError.is(error, 'conflict') && error.params.reason === 'deadlock';

class CallbackError {
  constructor(readonly error: unknown) {}
}

const SAVEPOINT = 'ticketry_tx';

const COMMIT = CompiledQuery.raw('commit');
const ROLLBACK = CompiledQuery.raw('rollback');

/**
 * Rolls back and ignores a failure to: the error that led here is what the caller needs,
 * and a failed rollback (a dropped connection; SQLite after SQLITE_FULL, which rolled the
 * transaction back by itself) leaves nothing committed either way. Inside a `try`, as a
 * driver may throw synchronously (Kysely's SQLite connection does) rather than reject.
 */
async function rollbackQuietly(connection: DatabaseConnection): Promise<void> {
  try {
    await connection.executeQuery(ROLLBACK);
  } catch {
    // Nothing was committed.
  }
}

class SqlStore implements SqlTicketStore {
  readonly #config: SqlStoreConfig;
  readonly #hooks: SqlDialectHooks;
  readonly #base: QueryContext;
  /** `hooks.beginWrite`, compiled once. */
  readonly #begin: CompiledQuery;
  readonly #active = new AsyncLocalStorage<TxState>();
  /** Serialises `transaction` calls that share one host transaction (savepoints do not interleave). */
  readonly #hostQueue = new Mutex();
  #closed = false;
  /** Whether `close()` closes `config.wake` (not a `withTransaction` store sharing its parent's). */
  readonly #ownsWake: boolean;
  readonly subscribeOutbox?: (tenantId: string, onWake: () => void) => Promise<() => Promise<void>>;

  constructor(config: SqlStoreConfig, ownsWake = true, statements = new StatementCache(undefined, config.onCompiled)) {
    this.#config = config;
    this.#ownsWake = ownsWake;
    const subscribe = config.wake?.subscribe?.bind(config.wake);
    if (subscribe) {
      this.subscribeOutbox = (tenantId, onWake) => {
        this.#checkOpen();
        return this.#guard(() => subscribe(tenantId, onWake));
      };
    }
    this.#hooks = config.hooks;
    this.#begin = CompiledQuery.raw(config.hooks.beginWrite);
    // A host's plugins (CamelCasePlugin, its own withSchema) would rewrite ticketry's
    // identifiers and rows; drop them and apply ticketry's names instead.
    let db = config.db.withoutPlugins() as Kysely<TicketryDatabase>;
    if (config.names.schema !== undefined) db = db.withSchema(config.names.schema);
    db = db.withPlugin(new TableNamePlugin(config.names));
    this.#base = { db, hooks: config.hooks, statements };
  }

  /** Inside a host's transaction, events wait in the outbox until the host commits. */
  get deferEvents(): boolean {
    return this.#base.db.isTransaction;
  }

  // ---- transactions -----------------------------------------------------------------

  async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    this.#checkOpen();
    if (this.#active.getStore()?.open) {
      throw new ConfigError(
        'ticketry store transactions do not nest: inside transaction(fn), use the tx passed to fn',
      );
    }
    for (let attempt = 0; ; attempt++) {
      try {
        return this.#base.db.isTransaction
          ? await this.#inHostTransaction(fn)
          : await this.#inOwnTransaction(fn);
      } catch (err) {
        const error = err instanceof CallbackError ? err.error : this.#hooks.mapError(err);
        // InnoDB answers concurrent first inserts of one key (the counter upsert of the
        // first tickets of a tenant) with a deadlock and rolls the whole transaction
        // back: run it again, a few times, on a fresh transaction. Never inside a host's
        // transaction, which the database has rolled back under the host.
        if (!this.#base.db.isTransaction && isDeadlock(error) && attempt < DEADLOCK_RETRIES) {
          await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * 2 ** attempt));
          continue;
        }
        throw error;
      }
    }
  }

  async #inOwnTransaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.#base.db.connection().execute(async (conn) => {
      // The driver connection `conn` is bound to (its provider hands out that one): the
      // transaction's own statements and the compiled ones run on it directly.
      const connection = await conn.getExecutor().provideConnection(async (c) => c);
      await connection.executeQuery(this.#begin);
      const state: TxState = {
        db: conn,
        connection,
        hooks: this.#hooks,
        statements: this.#base.statements,
        open: true,
        deltas: new StatsDeltas(),
        wake: this.#config.wake,
      };
      let result: T;
      try {
        result = await this.#active.run(state, () => fn(new SqlTx(state)));
      } catch (err) {
        state.open = false;
        await rollbackQuietly(connection);
        throw new CallbackError(err);
      }
      state.open = false;
      try {
        await countPendingReplies(state);
        // The stats buckets last, in key order, after every ticket lock (see StatsDeltas).
        await state.deltas.flush(state);
        await connection.executeQuery(COMMIT);
      } catch (err) {
        await rollbackQuietly(connection);
        throw err;
      }
      for (const tenantId of state.queuedTenants ?? []) this.#config.wake?.committed?.(tenantId);
      return result;
    });
  }

  #inHostTransaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    const db = this.#base.db;
    const run = async (): Promise<T> => {
      await sql.raw(`savepoint ${SAVEPOINT}`).execute(db);
      // The wake-up's NOTIFY joins the host's transaction (delivered at its commit); no
      // in-process wake, since the host has not committed yet.
      const state: TxState = { db, hooks: this.#hooks, statements: this.#base.statements, open: true, deltas: new StatsDeltas(), wake: this.#config.wake && { queued: this.#config.wake.queued?.bind(this.#config.wake) } };
      let result: T;
      try {
        result = await this.#active.run(state, () => fn(new SqlTx(state)));
      } catch (err) {
        state.open = false;
        // Undo ticketry's part only; the host decides about its transaction.
        await sql.raw(`rollback to savepoint ${SAVEPOINT}`).execute(db).catch(() => undefined);
        await sql.raw(`release savepoint ${SAVEPOINT}`).execute(db).catch(() => undefined);
        throw new CallbackError(err);
      }
      state.open = false;
      try {
        await countPendingReplies(state);
        await state.deltas.flush(state);
      } catch (err) {
        await sql.raw(`rollback to savepoint ${SAVEPOINT}`).execute(db).catch(() => undefined);
        await sql.raw(`release savepoint ${SAVEPOINT}`).execute(db).catch(() => undefined);
        throw err;
      }
      await sql.raw(`release savepoint ${SAVEPOINT}`).execute(db);
      return result;
    };
    return this.#hostQueue.run(run);
  }

  // ---- reads ------------------------------------------------------------------------

  /**
   * Where a read runs: inside `transaction(fn)` on that transaction's connection (SQLite
   * has one connection, so a read elsewhere would wait for the transaction forever),
   * otherwise on the store's database.
   */
  #reader(): QueryContext {
    this.#checkOpen();
    const state = this.#active.getStore();
    return state?.open ? state : this.#base;
  }

  async #guard<T>(op: () => Promise<T>): Promise<T> {
    try {
      // A read inside a transaction sees its replies counted (see TxState.pendingReplies).
      const state = this.#active.getStore();
      if (state?.open) await countPendingReplies(state);
      return await op();
    } catch (err) {
      throw this.#hooks.mapError(err);
    }
  }

  findTicket(scope: StoreScope, ref: string): Promise<Ticket | null> {
    return this.#guard(() => tickets.findTicket(this.#reader(), scope, ref));
  }

  listMessages(scope: StoreScope, ticketId: string): Promise<Message[]> {
    return this.#guard(() => messages.listMessages(this.#reader(), scope, ticketId));
  }

  listTickets(scope: StoreScope, query: StoreListQuery): Promise<StoreTicketSummary[]> {
    return this.#guard(() => tickets.listTickets(this.#reader(), scope, query));
  }

  findMessage(scope: StoreScope, messageId: string): Promise<Message | null> {
    return this.#guard(() => messages.findMessage(this.#reader(), scope, messageId));
  }

  listFilters(tenantId: string, staffId: string): Promise<SavedFilter[]> {
    return this.#guard(() => staff.listFilters(this.#reader(), tenantId, staffId));
  }

  readMarkOf(tenantId: string, staffId: string, ticketId: string): Promise<Date | null> {
    return this.#guard(() => staff.readMarkOf(this.#reader(), tenantId, staffId, ticketId));
  }

  findEmailMessages(tenantId: string, messageIds: readonly string[]): Promise<EmailMessageRecord[]> {
    return this.#guard(() => email.findEmailMessages(this.#reader(), tenantId, messageIds));
  }

  findAttachment(scope: StoreScope, attachmentId: string): Promise<StoredAttachment | null> {
    return this.#guard(() => attachments.findAttachment(this.#reader(), scope, attachmentId));
  }

  listTicketAttachments(tenantId: string, ticketId: string): Promise<StoredAttachment[]> {
    return this.#guard(() => attachments.listTicketAttachments(this.#reader(), tenantId, ticketId));
  }

  attachmentKeysExist(tenantId: string, blobKeys: readonly string[]): Promise<Set<string>> {
    return this.#guard(() => attachments.attachmentKeysExist(this.#reader(), tenantId, blobKeys));
  }

  countOpenByAssignee(
    tenantId: string,
    assigneeIds: readonly string[],
    statuses: readonly Status[],
  ): Promise<Record<string, number>> {
    return this.#guard(() => staff.countOpenByAssignee(this.#reader(), tenantId, assigneeIds, statuses));
  }

  getStats(scope: StoreScope, query: StoreStatsQuery): Promise<StoreStats> {
    return this.#guard(async () => {
      const ctx = this.#reader();
      // Inside a transaction, the buckets must include its own writes so far.
      if ('deltas' in ctx && canUseStatsBuckets(scope, query)) await (ctx as TxState).deltas.flush(ctx);
      return getStats(ctx, scope, query);
    });
  }

  listAudit(tenantId: string, ticketId: string): Promise<AuditEntry[]> {
    return this.#guard(() => messages.listAudit(this.#reader(), tenantId, ticketId));
  }

  listStale(tenantId: string, statuses: readonly Status[], before: Date, limit: number): Promise<Ticket[]> {
    return this.#guard(() => scans.listStale(this.#reader(), tenantId, statuses, before, limit));
  }

  probeScheduledWork(tenantId: string, now: Date, undeliveredBefore: Date): Promise<ScheduledWorkProbe> {
    return this.#guard(() => scans.probeScheduledWork(this.#reader(), tenantId, now, undeliveredBefore));
  }

  // ---- outbox -----------------------------------------------------------------------

  // Single statements: atomic on their own, so no explicit transaction is needed.
  markRead(tenantId: string, staffId: string, ticketId: string, at: Date): Promise<void> {
    return this.#guard(() => staff.markRead(this.#reader(), tenantId, staffId, ticketId, at));
  }

  markDelivered(tenantId: string, ids: readonly string[]): Promise<void> {
    return this.#guard(() => outbox.markDelivered(this.#reader(), tenantId, ids, new Date()));
  }

  claimUndelivered(tenantId: string, olderThan: Date, limit: number): Promise<OutboxEvent[]> {
    if (this.#hooks.capabilities.returning || this.#active.getStore()?.open) {
      return this.#guard(() => outbox.claimUndelivered(this.#reader(), tenantId, olderThan, limit, new Date()));
    }
    // Without RETURNING the claim is three statements (pick and lock, update, read back):
    // one transaction keeps the picked rows locked until they are read back, so of
    // several instances each event goes to one.
    return this.transaction((tx) => (tx as SqlTx).claimUndelivered(tenantId, olderThan, limit, new Date()));
  }

  // ---- dispatch (desk.dispatcher) ---------------------------------------------------

  claimDispatch(tenantId: string, now: Date, leaseUntil: Date, limit: number): Promise<DispatchClaim[]> {
    const caps = this.#hooks.capabilities;
    if ((caps.updateFromCte && caps.returning) || this.#active.getStore()?.open) {
      return this.#guard(() => dispatch.claimDispatch(this.#reader(), tenantId, now, leaseUntil, limit));
    }
    // Pick, then update: one transaction keeps the picked rows locked (SQLite: the whole
    // database) until both are done, so of several claimers each event goes to one. An
    // idle poll asks read-only first and opens no write transaction.
    return this.#guard(async () => {
      if (!(await dispatch.anyDue(this.#reader(), tenantId, now))) return [];
      return this.transaction((tx) => (tx as SqlTx).claimDispatch(tenantId, now, leaseUntil, limit));
    });
  }

  finishDispatch(tenantId: string, outcomes: readonly DispatchOutcome[]): Promise<void> {
    return this.#guard(() => dispatch.finishDispatch(this.#reader(), tenantId, outcomes));
  }

  listParked(tenantId: string, limit: number, after?: number): Promise<ParkedEvent[]> {
    return this.#guard(() => dispatch.listParked(this.#reader(), tenantId, limit, after));
  }

  requeueParked(tenantId: string, ids: readonly string[] | null, now: Date): Promise<number> {
    return this.#guard(async () => {
      const ctx = this.#reader();
      const count = await dispatch.requeueParked(ctx, tenantId, ids, now);
      const wake = this.#config.wake;
      if (count > 0 && wake) {
        await wake.queued?.(ctx, tenantId);
        if (!('open' in ctx)) wake.committed?.(tenantId);
      }
      return count;
    });
  }

  // ---- stats aggregates -------------------------------------------------------------

  rebuildStats(): Promise<void> {
    return this.#rebuild('rebuildStats', statsRebuild.rebuildStats);
  }

  rebuildSearchIndex(): Promise<void> {
    return this.#rebuild('rebuildSearchIndex', rebuildSearchIndex);
  }

  rebuildListColumns(): Promise<void> {
    return this.#rebuild('rebuildListColumns', rebuildListColumns);
  }

  /**
   * Runs a rebuild of derived data (`rebuild(db, migration context)`) in one write
   * transaction, or inside the host's transaction under a savepoint.
   */
  async #rebuild(method: string, rebuild: (db: Kysely<any>, ctx: MigrationContext) => Promise<void>): Promise<void> {
    this.#checkOpen();
    if (this.#active.getStore()?.open) {
      throw new ConfigError(`${method}() cannot run inside transaction(fn): call it outside any ticketry transaction`);
    }
    const db = this.#config.db.withoutPlugins();
    const ctx = this.#migrationContext();
    try {
      if (db.isTransaction) {
        // The host's transaction: under a savepoint, so a failure undoes the rebuild alone.
        await this.#hostQueue.run(async () => {
          await sql.raw(`savepoint ${SAVEPOINT}`).execute(db);
          try {
            await rebuild(db, ctx);
          } catch (err) {
            await sql.raw(`rollback to savepoint ${SAVEPOINT}`).execute(db).catch(() => undefined);
            await sql.raw(`release savepoint ${SAVEPOINT}`).execute(db).catch(() => undefined);
            throw err;
          }
          await sql.raw(`release savepoint ${SAVEPOINT}`).execute(db);
        });
        return;
      }
      await db.connection().execute(async (conn) => {
        // The write transaction (SQLite `begin immediate`) keeps writers off; on the
        // other dialects the rebuild functions lock the tables they read.
        await sql.raw(this.#hooks.beginWrite).execute(conn);
        try {
          await rebuild(conn, ctx);
          await sql`commit`.execute(conn);
        } catch (err) {
          await sql`rollback`.execute(conn).catch(() => undefined);
          throw err;
        }
      });
    } catch (err) {
      throw this.#hooks.mapError(err);
    }
  }

  async verifyStats(options: VerifyStatsOptions = {}): Promise<StatsVerification> {
    this.#checkOpen();
    if (this.#active.getStore()?.open) {
      throw new ConfigError('verifyStats() cannot run inside transaction(fn): call it outside any ticketry transaction');
    }
    return this.#guard(() => statsRebuild.verifyStats(this.#config.db.withoutPlugins(), this.#migrationContext(), options));
  }

  #migrationContext() {
    const { names, hooks } = this.#config;
    return { names, types: hooks.types, dialect: hooks };
  }

  // ---- lifecycle --------------------------------------------------------------------

  async migrate(): Promise<void> {
    this.#checkOpen();
    const { names, hooks } = this.#config;
    // The migrator's own tables must not be renamed by ticketry's plugin; give it the
    // plain instance.
    const plain = this.#config.db.withoutPlugins();
    if (plain.isTransaction) {
      throw new ConfigError(
        'migrate() cannot run inside a host transaction; call it on a store created from a Kysely instance, pool or connection string',
      );
    }
    const db = hooks.migrationIntrospector
      ? withIntrospector(plain, hooks.migrationIntrospector(plain, [names.migrationTable, names.migrationLockTable], names.schema))
      : plain;
    const props = {
      provider: ticketryMigrations({ names, types: hooks.types, dialect: hooks }),
      migrationTableName: names.migrationTable,
      migrationLockTableName: names.migrationLockTable,
      ...(names.schema === undefined ? {} : { migrationTableSchema: names.schema }),
    };
    try {
      if (hooks.capabilities.migrateUnderWriteLock) {
        // Kysely's SQLite migration lock only guards one process, and its deferred
        // `begin` can fail with SQLITE_BUSY when two processes migrate at once. Hold the
        // database's write lock for the whole run instead: the second process waits
        // (busy_timeout), then finds every migration done.
        const underLock = () =>
          db.connection().execute(async (conn) => {
            await sql.raw(hooks.beginWrite).execute(conn);
            try {
              const { error } = await new Migrator({ db: conn, disableTransactions: true, ...props }).migrateToLatest();
              if (error !== undefined) throw error;
              await sql`commit`.execute(conn);
            } catch (err) {
              await sql`rollback`.execute(conn).catch(() => undefined);
              throw err;
            }
          });
        // SQLite can answer SQLITE_BUSY at once, without waiting out busy_timeout, while
        // another process is still turning a fresh file into WAL mode or recovering its
        // WAL index (seen under load with two processes migrating one new file): a few
        // short retries, then the `unavailable` error as before.
        for (let attempt = 0; ; attempt++) {
          try {
            await underLock();
            break;
          } catch (err) {
            const mapped = hooks.mapError(err);
            if (mapped.code !== 'unavailable' || attempt >= MIGRATE_BUSY_RETRIES) throw mapped;
            await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
          }
        }
      } else {
        // Kysely's migrator takes the dialect's migration lock (Postgres: an advisory
        // lock) and runs in a transaction.
        const { error } = await new Migrator({ db, ...props }).migrateToLatest();
        if (error !== undefined) throw error;
      }
    } catch (err) {
      throw hooks.mapError(err);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // The listening connection first: a pool's end() waits for every client it lent.
    if (this.#ownsWake) await this.#config.wake?.close?.().catch(() => undefined);
    await this.#config.release?.();
  }

  withTransaction(trx: Transaction<any>): SqlTicketStore {
    const given = trx as unknown as { isTransaction?: unknown; withoutPlugins?: unknown } | null;
    if (given === null || typeof given !== 'object' || given.isTransaction !== true || typeof given.withoutPlugins !== 'function') {
      throw new ConfigError('withTransaction() takes a Kysely transaction (db.transaction() or db.startTransaction())');
    }
    // Same dialect, names and plugins, so the same compiled SQL: the parent's statements.
    return new SqlStore({ db: trx, hooks: this.#hooks, names: this.#config.names, wake: this.#config.wake }, false, this.#base.statements);
  }

  #checkOpen(): void {
    if (this.#closed) throw new ConfigError('This ticketry store has been closed');
  }
}
