/**
 * The intake's IMAP connection: opened on demand (imapflow loaded on first use), watched
 * for loss, replaced by a fresh one on the next pass; and imapflow's errors turned into
 * ticketry's (`unavailable` for a lost or refused connection, `config` for a bad login or a
 * mailbox that does not exist).
 */
import type { ImapFlow, ImapFlowOptions } from 'imapflow';
import { ConfigError, TicketError, UnavailableError } from '../../src/errors.js';
import { isImapFlow, type ImapIntakeOptions } from './imap-intake-options.js';

type ImapFlowClass = new (options: ImapFlowOptions) => ImapFlow;

let imapFlowClass: Promise<ImapFlowClass> | undefined;

/** imapflow's `ImapFlow`, imported on first use so `ticketry/email` loads without it. */
function loadImapFlow(): Promise<ImapFlowClass> {
  imapFlowClass ??= import('imapflow').then(
    (mod) => {
      const m = mod as unknown as { ImapFlow?: ImapFlowClass; default?: { ImapFlow?: ImapFlowClass } };
      const cls = m.ImapFlow ?? m.default?.ImapFlow;
      if (cls === undefined) throw new Error('the imapflow module has no ImapFlow export');
      return cls;
    },
    (err: unknown) => {
      imapFlowClass = undefined;
      throw new ConfigError('imapIntake needs the imapflow package: npm install imapflow', {
        cause: err,
        params: { package: 'imapflow' },
      });
    },
  );
  return imapFlowClass;
}

/** The fields of an imapflow error the mapping reads. */
interface ImapErrorLike {
  code?: string;
  message?: string;
  responseText?: string;
  authenticationFailed?: boolean;
  mailboxMissing?: boolean;
}

/**
 * An imapflow (or socket) error as a ticketry error. A refused login is `config` (the
 * credentials need fixing), anything else `unavailable`: the server or the network failed,
 * and a later pass may succeed. `doing` says what the intake was doing, for the message.
 */
export function imapError(err: unknown, doing: string, server: string): TicketError {
  if (TicketError.is(err)) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as ImapErrorLike;
  const detail = e.responseText || e.message || String(err);
  if (e.authenticationFailed) {
    return new ConfigError(`The IMAP server ${server} refused the login (${detail})`, {
      cause: err,
      params: { field: 'client.auth', server },
    });
  }
  return new UnavailableError(`IMAP ${doing} on ${server} failed: ${detail}${e.code ? ` (${e.code})` : ''}`, {
    cause: err,
    params: { server, ...(e.code ? { imapCode: e.code } : {}) },
  });
}

/** One live connection, and whether it is still usable. */
export interface LiveConnection {
  client: ImapFlow;
  /** Set once the connection closed or failed: the next pass opens a new one. */
  lost: boolean;
  /** Mailboxes known to exist on this connection (created or checked once per connection). */
  ensured: Set<string>;
}

/** Opens, keeps and replaces the intake's connection. */
export class ImapConnection {
  private live: LiveConnection | undefined;
  private readonly source: ImapIntakeOptions['client'];
  private readonly idle: boolean;
  private usedInstance = false;

  constructor(source: ImapIntakeOptions['client'], idle: boolean) {
    this.source = source;
    this.idle = idle;
  }

  /** The connection of the last pass, if any (it may be lost). */
  current(): LiveConnection | undefined {
    return this.live;
  }

  /** `host:port` for messages. */
  get server(): string {
    const o = (isImapFlow(this.source) ? this.source.options : typeof this.source === 'function' ? this.live?.client.options : this.source) as
      | ImapFlowOptions
      | undefined;
    return o?.host ? `${o.host}:${o.port ?? (o.secure ? 993 : 143)}` : 'the IMAP server';
  }

  /** The current connection, opening one when there is none or it was lost. */
  async get(): Promise<LiveConnection> {
    if (this.live !== undefined && !this.live.lost && this.live.client.usable) return this.live;
    await this.close();
    const client = await this.make();
    const live: LiveConnection = { client, lost: false, ensured: new Set() };
    // imapflow emits 'error' before closing a failed connection; unheard, it would crash the host.
    client.on('error', () => {
      live.lost = true;
    });
    client.on('close', () => {
      live.lost = true;
    });
    try {
      await client.connect();
    } catch (err) {
      live.lost = true;
      client.close();
      throw imapError(err, 'connect', this.server);
    }
    this.live = live;
    return live;
  }

  /** Marks the current connection unusable (after an unexpected error): the next pass opens a new one. */
  drop(): void {
    if (this.live === undefined) return;
    this.live.lost = true;
    this.live.client.close();
  }

  /** Logs out (best effort) and forgets the connection. */
  async close(): Promise<void> {
    const live = this.live;
    this.live = undefined;
    if (live === undefined) return;
    if (!live.lost && live.client.usable) {
      await live.client.logout().catch(() => undefined);
    }
    live.client.close();
  }

  private async make(): Promise<ImapFlow> {
    const source = this.source;
    if (isImapFlow(source)) {
      // imapflow refuses to connect an instance twice (InstanceReused).
      if (this.usedInstance) {
        throw new UnavailableError(
          `The IMAP connection to ${this.server} is gone and the ImapFlow instance given as client cannot reconnect; ` +
            'give imapIntake imapflow options or a function returning a new ImapFlow so it can',
          { params: { server: this.server } },
        );
      }
      this.usedInstance = true;
      return source;
    }
    if (typeof source === 'function') {
      let client: unknown;
      try {
        client = source();
      } catch (err) {
        throw new ConfigError('imapIntake: the client function threw instead of returning an ImapFlow', {
          cause: err,
          params: { field: 'client' },
        });
      }
      if (!isImapFlow(client)) {
        throw new ConfigError('imapIntake: the client function must return a new ImapFlow', { params: { field: 'client' } });
      }
      return client;
    }
    const ImapFlowCtor = await loadImapFlow();
    try {
      return new ImapFlowCtor({ logger: false, ...(this.idle ? {} : { disableAutoIdle: true }), ...source });
    } catch (err) {
      throw new ConfigError(`imapIntake: imapflow refused the client options: ${(err as Error)?.message ?? String(err)}`, {
        cause: err,
        params: { field: 'client' },
      });
    }
  }
}
