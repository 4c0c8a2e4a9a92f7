/**
 * Dispatcher wake-ups on Postgres: `LISTEN`/`NOTIFY`. A transaction that queues events
 * sends `pg_notify(channel, tenantId)` once per tenant; the server delivers it at commit
 * (never for a rollback) to every session listening on the channel, in this process or
 * another. Each store listens on a connection of its own: one client taken from its pool
 * for as long as a dispatcher is subscribed, or PGlite's `listen`.
 *
 * The channel is named after the schema and table prefix, so two installations on one
 * server never wake each other. A lost listening connection is reconnected with backoff,
 * and every subscriber is woken then (a notification may have been missed meanwhile).
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Pool, PoolClient } from 'pg';
import { ConfigError } from '../../src/errors.js';
import { WakeListeners, type OutboxWake } from '../sql/outbox-wake.js';
import type { TableNames } from '../sql/table-names.js';

/** What `postgresStore` needs of a PGlite instance to listen (its `listen` method). */
export interface PgliteListener {
  listen(channel: string, callback: (payload: string) => void): Promise<(...args: never[]) => Promise<void>>;
}

/** The most bytes Postgres keeps of an identifier (NAMEDATALEN - 1); a channel is one. */
const MAX_IDENTIFIER_BYTES = 63;
/** The longest wait between attempts to get the listening connection back. */
const MAX_RECONNECT_MS = 30_000;

/** The notification channel of the installation at `names` (schema + prefix). */
export function outboxChannel(names: TableNames): string {
  const readable = `${names.schema ?? 'public'}.${names.prefix}outbox`;
  if (Buffer.byteLength(readable) <= MAX_IDENTIFIER_BYTES) return readable;
  // Longer names would be cut by the server, and two cut names could collide.
  return `ticketry_outbox_${createHash('sha256').update(readable).digest('hex').slice(0, 40)}`;
}

const quoted = (channel: string) => `"${channel.replaceAll('"', '""')}"`;

const isPool = (value: unknown): value is Pool => typeof (value as Pool | undefined)?.connect === 'function';
const isPglite = (value: unknown): value is PgliteListener => typeof (value as PgliteListener | undefined)?.listen === 'function';

/**
 * The wake-up channel for a Postgres store. `listener` is where it LISTENs: a pg `Pool`
 * (one client held while subscribed) or a PGlite instance; without one the store still
 * NOTIFYs (other instances wake) but has no `subscribeOutbox` (its dispatchers poll).
 */
export function postgresOutboxWake(names: TableNames, listener: Pool | PgliteListener | undefined): OutboxWake {
  const channel = outboxChannel(names);
  const wake: OutboxWake = {
    queued: async (ctx, tenantId) => {
      await sql`select pg_notify(${channel}, ${tenantId})`.execute(ctx.db);
    },
  };
  if (listener === undefined) return wake;
  if (isPool(listener)) {
    const pool = new PoolListener(listener, channel);
    return { ...wake, subscribe: (t, onWake) => pool.subscribe(t, onWake), close: () => pool.close() };
  }
  if (isPglite(listener)) {
    const pglite = new PgliteChannel(listener, channel);
    return { ...wake, subscribe: (t, onWake) => pglite.subscribe(t, onWake), close: () => pglite.close() };
  }
  throw new ConfigError('postgresStore({ listener }) takes a pg Pool or a PGlite instance', { params: { field: 'listener' } });
}

/** LISTEN on one client of a pg pool, held while anyone is subscribed. */
class PoolListener {
  readonly #listeners = new WakeListeners();
  #client: PoolClient | null = null;
  #connecting: Promise<void> | null = null;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #retryMs = 100;
  #closed = false;

  constructor(
    private readonly pool: Pool,
    private readonly channel: string,
  ) {}

  async subscribe(tenantId: string, onWake: () => void): Promise<() => Promise<void>> {
    if (this.#closed) throw new ConfigError('This ticketry store has been closed');
    const remove = this.#listeners.add(tenantId, onWake);
    try {
      await this.#connect();
    } catch {
      // The dispatcher polls meanwhile; the connection is retried in the background.
      this.#scheduleReconnect();
    }
    return async () => {
      remove();
      if (this.#listeners.size === 0) await this.#disconnect();
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#disconnect();
  }

  #connect(): Promise<void> {
    if (this.#client !== null) return Promise.resolve();
    this.#connecting ??= (async () => {
      const client = await this.pool.connect();
      // An error on a lent client is emitted on the client: without a handler it would crash the host.
      client.on('error', (err: Error) => this.#lost(client, err));
      client.on('end', () => this.#lost(client));
      client.on('notification', (message) => {
        if (message.channel === this.channel && message.payload !== undefined) this.#listeners.wake(message.payload);
      });
      try {
        await client.query(`LISTEN ${quoted(this.channel)}`);
      } catch (err) {
        client.release(err as Error);
        throw err;
      }
      if (this.#closed || this.#listeners.size === 0) {
        client.release(true);
        return;
      }
      this.#client = client;
      this.#retryMs = 100;
    })().finally(() => {
      this.#connecting = null;
    });
    return this.#connecting;
  }

  /** The listening connection failed: let it go, wake everyone, get a new one. */
  #lost(client: PoolClient, err?: Error): void {
    if (this.#client !== client) return;
    this.#client = null;
    client.release(err ?? true);
    if (this.#closed || this.#listeners.size === 0) return;
    this.#listeners.wakeAll();
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (this.#retryTimer !== null || this.#closed) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      if (this.#closed || this.#listeners.size === 0) return;
      this.#connect().then(
        // Whatever was queued while no one listened.
        () => this.#listeners.wakeAll(),
        () => {
          this.#retryMs = Math.min(this.#retryMs * 2, MAX_RECONNECT_MS);
          this.#scheduleReconnect();
        },
      );
    }, this.#retryMs);
    this.#retryTimer.unref?.();
  }

  async #disconnect(): Promise<void> {
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    await this.#connecting?.catch(() => undefined);
    const client = this.#client;
    this.#client = null;
    // Destroyed, not returned: a pooled connection must not keep listening for its next borrower.
    client?.release(true);
  }
}

/** LISTEN through PGlite's own API (its one connection). */
class PgliteChannel {
  readonly #listeners = new WakeListeners();
  #unlisten: Promise<(...args: never[]) => Promise<void>> | null = null;

  constructor(
    private readonly pglite: PgliteListener,
    private readonly channel: string,
  ) {}

  async subscribe(tenantId: string, onWake: () => void): Promise<() => Promise<void>> {
    const remove = this.#listeners.add(tenantId, onWake);
    this.#unlisten ??= this.pglite.listen(quoted(this.channel), (payload) => this.#listeners.wake(payload));
    try {
      await this.#unlisten;
    } catch (err) {
      remove();
      this.#unlisten = null;
      throw err;
    }
    return async () => {
      remove();
      if (this.#listeners.size === 0) await this.close();
    };
  }

  async close(): Promise<void> {
    const unlisten = this.#unlisten;
    this.#unlisten = null;
    if (unlisten) await (await unlisten)().catch(() => undefined);
  }
}
