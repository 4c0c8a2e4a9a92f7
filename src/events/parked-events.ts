/**
 * Parked events: what the dispatcher gave up on, listed for an operator and requeued
 * when the cause is fixed.
 */
import { InternalError } from '../errors.js';
import type { ServiceContext } from '../service/service-context.js';
import type { TicketEvent } from './event-types.js';

/** A parked event as `listParkedEvents` shows it. */
export interface ParkedEventInfo {
  eventId: string;
  type: string;
  ticketId: string | null;
  attempts: number;
  /** The handlers that had succeeded before it was parked. */
  handled: string[];
  parkedAt: Date;
  lastError: string | null;
  /** The event itself, as the handlers were given it. */
  event: TicketEvent;
}

/** A page of parked events, oldest parked first. */
export async function listParkedEvents(
  _ctx: ServiceContext,
  _options?: { limit?: number; cursor?: string | null },
): Promise<{ items: ParkedEventInfo[]; nextCursor: string | null }> {
  throw new InternalError('listParkedEvents is not implemented yet');
}

/** Queues parked events again (`ids`, or all); resolves to how many. */
export async function retryParkedEvents(_ctx: ServiceContext, _ids?: readonly string[]): Promise<number> {
  throw new InternalError('retryParkedEvents is not implemented yet');
}
