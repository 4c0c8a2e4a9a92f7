/**
 * Parked events: what the dispatcher gave up on, listed for an operator and requeued
 * when the cause is fixed.
 */
import { ValidationError } from '../errors.js';
import { idSchema } from '../schemas.js';
import type { ServiceContext } from '../service/service-context.js';
import { parseInput } from '../validate.js';
import { lazySchema } from '../zod-loader.js';
import type { TicketEvent } from './event-types.js';
import { fromOutbox } from './outbox-codec.js';

/** A parked event as `listParkedEvents` shows it. */
export interface ParkedEventInfo {
  eventId: string;
  type: string;
  ticketId: string | null;
  /** Attempts made before it was parked. */
  attempts: number;
  /** The handlers that had succeeded before it was parked (a retry calls only the others). */
  handled: string[];
  parkedAt: Date;
  /** The last failure, as text (`handler: Error: message`, several joined by `; `). */
  lastError: string | null;
  /** The event itself, as the handlers were given it; null when its payload cannot be decoded. */
  event: TicketEvent | null;
}

/** Parked events per page. @default 50 */
const DEFAULT_LIMIT = 50;
/** The most ids `retryParkedEvents` takes at once. */
const MAX_RETRY_IDS = 1000;

const listSchema = lazySchema((z) =>
  z
    .strictObject({
      limit: z.number().int().min(1).max(200).optional(),
      cursor: z.string().max(100).nullable().optional(),
    })
    .optional(),
);

// Ids as every other id: no NUL (Postgres refused it with the driver's text where the
// other stores matched nothing), no lone surrogate.
const idsSchema = lazySchema((z) => z.array(idSchema()).max(MAX_RETRY_IDS).optional());

// The cursor is the last row's position, wrapped so hosts treat it as opaque.
const CURSOR_PREFIX = 'pk1.';
const encodeCursor = (position: number): string => CURSOR_PREFIX + Buffer.from(String(position)).toString('base64url');

function decodeCursor(cursor: string): number {
  const text = cursor.startsWith(CURSOR_PREFIX) ? Buffer.from(cursor.slice(CURSOR_PREFIX.length), 'base64url').toString() : '';
  const position = /^\d{1,15}$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(position)) {
    throw new ValidationError('Invalid cursor: pass the nextCursor of a previous listParkedEvents page', 'cursor');
  }
  return position;
}

/** A page of parked events, in the order they were written (oldest event first). */
export async function listParkedEvents(
  ctx: ServiceContext,
  options?: { limit?: number; cursor?: string | null },
): Promise<{ items: ParkedEventInfo[]; nextCursor: string | null }> {
  const { limit = DEFAULT_LIMIT, cursor } = parseInput(listSchema, options, 'listParkedEvents options') ?? {};
  const after = cursor === undefined || cursor === null ? undefined : decodeCursor(cursor);
  // One more than the page tells whether another page follows.
  const rows = await ctx.store.listParked(ctx.tenantId, limit + 1, after);
  const page = rows.slice(0, limit);
  const items = page.map((row): ParkedEventInfo => {
    let event: TicketEvent | null;
    try {
      event = fromOutbox(row);
    } catch {
      event = null;
    }
    return {
      eventId: row.id,
      type: row.type,
      ticketId: row.ticketId,
      attempts: row.attempts,
      handled: row.handled,
      parkedAt: row.parkedAt,
      lastError: row.lastError,
      event,
    };
  });
  const last = page[page.length - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.position) : null };
}

/**
 * Queues parked events again (`ids`, at most 1000, or every parked event): due now, with
 * a fresh run of attempts; handlers that had succeeded are not called again. Ids that are
 * not parked are ignored. Resolves to how many were requeued.
 */
export async function retryParkedEvents(ctx: ServiceContext, ids?: readonly string[]): Promise<number> {
  const checked = parseInput(idsSchema, ids, 'retryParkedEvents ids', 'ids');
  return ctx.store.requeueParked(ctx.tenantId, checked ?? null, ctx.clock());
}
