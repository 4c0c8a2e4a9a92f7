/**
 * Outbox encoding. An event is written to the outbox in the transaction that made the
 * change and decoded when a later `flushEvents`/`runScheduledWork` (or the dispatcher)
 * re-emits it; the redelivered event must equal the first delivery, `Date`s, `undefined`
 * and all, wherever they sit (`changes.deadlineAt.to`, `dueAt`, a message's dates). So
 * the payload holds the encoded event as a string inside a JSON object: stores keep
 * `payload` as a plain JSON object (a JSON/JSONB column) and never need to know the
 * encoding.
 *
 * Two encodings, told apart by `v`:
 * - `v: 2`, what ticketry writes: JSON with a side table of the Dates and `undefined`s
 *   (`outbox-json.ts`), about half devalue's time inside every write transaction.
 * - `v: 1`, devalue's text: what earlier versions wrote (rows of a rolling upgrade still
 *   in the outbox), and what an event holding anything but plain data is still written
 *   as (a Map, a shared object: `outbox-json.ts` says which). devalue is loaded only to
 *   read or write such a row.
 *
 * The marker keeps its name `devalue` for both: a version of ticketry that knows only
 * `v: 1` refuses a `v: 2` row with a typed error (as every version refuses a version it
 * does not know), where a new marker would be read by it as a pre-codec plain JSON row.
 */
import { createRequire } from 'node:module';
import { isAbsolute } from 'node:path';
import type * as Devalue from 'devalue';
import { InternalError } from '../errors.js';
import type { TicketEvent } from './event-types.js';
import type { OutboxEvent } from '../store.js';
import { decodeJson, encodeJson } from './outbox-json.js';

/** The marker of payloads this codec wrote; rows without it are the older plain JSON. */
const CODEC = 'devalue';
/** devalue's text. */
const DEVALUE = 1;
/** JSON with a side table of Dates and `undefined`s (`outbox-json.ts`). */
const JSON_TABLE = 2;

let devalue: typeof Devalue | undefined;

/**
 * devalue, loaded by the first event encoded or decoded rather than by `import('ticketry')`.
 * It is ES-module only; `require` loads it synchronously all the same on the Node versions
 * ticketry supports (require of ES modules: Node 20.19+, 22.12+), so encoding stays a
 * plain call inside the write transaction.
 */
function loadDevalue(): typeof Devalue {
  // `__filename` first in the CJS build: see createPurifier in render/sanitize.ts.
  devalue ??= createRequire(typeof __filename === 'string' && isAbsolute(__filename) ? __filename : import.meta.url)(
    'devalue',
  ) as typeof Devalue;
  return devalue;
}

/**
 * The outbox payload of an event: `{ codec: 'devalue', v: 2, data: '<JSON text>' }`, or
 * `v: 1` with devalue's text.
 */
export interface EncodedPayload {
  codec: typeof CODEC;
  v: typeof DEVALUE | typeof JSON_TABLE;
  data: string;
  [key: string]: unknown;
}

/** The outbox row for `event`. */
export function toOutbox(event: TicketEvent): OutboxEvent {
  // A string, not a JSON value inside the object: a JSON column then holds only a
  // string, and Postgres JSONB cannot refuse text such as "\u0000" inside a body.
  const json = encodeJson(event);
  const payload: EncodedPayload =
    json !== undefined
      ? { codec: CODEC, v: JSON_TABLE, data: json }
      : { codec: CODEC, v: DEVALUE, data: loadDevalue().stringify(event) };
  return {
    id: event.eventId,
    ticketId: event.ticket.id,
    type: event.type,
    payload,
    createdAt: event.occurredAt,
  };
}

/** The typed event stored in `row`, equal to the event `toOutbox` was given. */
export function fromOutbox(row: OutboxEvent): TicketEvent {
  const payload = row.payload;
  if (payload.codec === CODEC) {
    if ((payload.v !== JSON_TABLE && payload.v !== DEVALUE) || typeof payload.data !== 'string') {
      throw new InternalError(`Outbox event ${row.id} has an encoding this version of ticketry cannot read (v ${String(payload.v)})`);
    }
    if (payload.v === DEVALUE) return loadDevalue().parse(payload.data) as TicketEvent;
    try {
      return decodeJson(payload.data) as TicketEvent;
    } catch (error) {
      throw new InternalError(`Outbox event ${row.id} could not be decoded: ${(error as Error).message}`, { cause: error });
    }
  }
  return fromLegacyJson(payload, row.id);
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/**
 * Rows written as plain JSON before the devalue encoding: revive keys ending in `At` as
 * `Date`s (the best a by-name guess can do), and make each its own change, since
 * notify-once did not yet apply when it was written.
 */
function fromLegacyJson(payload: Record<string, unknown>, id: string): TicketEvent {
  const event = JSON.parse(JSON.stringify(payload), (key, value: unknown) =>
    key.endsWith('At') && typeof value === 'string' && ISO.test(value) ? new Date(value) : value,
  ) as TicketEvent;
  event.changeId ??= event.eventId ?? id;
  return event;
}
