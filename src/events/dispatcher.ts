/**
 * `desk.dispatcher`: exact delivery of outbox events to the host's handlers, from any
 * number of app instances. Each event is claimed by one instance with a lease, handed to
 * every handler that has not yet succeeded for it, retried with backoff when one throws,
 * and parked after `maxAttempts`.
 */
import { InternalError } from '../errors.js';
import type { ServiceContext } from '../service/service-context.js';
import type { TicketEvent } from './event-types.js';

/** A handler: resolve when the event is handled; throw or reject to have it retried. */
export type DispatchHandler = (event: TicketEvent) => unknown;

/** Options of `desk.dispatcher`. */
export interface DispatcherOptions {
  /** Handlers by name. The name is stored with each event it succeeded for: keep names stable. */
  handlers: Record<string, DispatchHandler>;
  /** Claims before an event is parked. @default 10 */
  maxAttempts?: number;
}

/** A running (or stopped) dispatcher. */
export interface Dispatcher {
  /** Starts the loop: claims due events, wakes on new ones, polls otherwise. */
  start(): void;
  /** Stops claiming and waits for the events in hand to finish. */
  stop(): Promise<void>;
  /** Dispatches until nothing is due now; resolves to what it did. */
  drain(): Promise<DispatchRun>;
}

/** What a `drain` did. */
export interface DispatchRun {
  delivered: number;
  retried: number;
  parked: number;
}

/** Creates a dispatcher for the service. */
export function createDispatcher(_ctx: ServiceContext, _options: DispatcherOptions): Dispatcher {
  throw new InternalError('dispatcher is not implemented yet');
}
