/**
 * The events one write transaction produces: each is written to the outbox inside the
 * transaction and held here, so it is emitted only after commit.
 */
import type { StoreTx } from '../store.js';
import type { Actor, Ticket } from '../types.js';
import type { TicketEvent, TicketEventType } from './event-types.js';
import { newEvent, type EventExtra } from './new-event.js';
import { toOutbox } from './outbox-codec.js';

/** Collects what a write transaction emits, so events go out only after commit. */
export class PendingEvents {
  readonly events: TicketEvent[] = [];
  constructor(
    private readonly tx: StoreTx,
    private readonly tenantId: string,
    private readonly newId: () => string,
  ) {}

  /** Writes a `type` event to the outbox and keeps it for emitting after commit. */
  async add<K extends TicketEventType>(
    type: K,
    ticket: Ticket,
    actor: Actor,
    now: Date,
    extra: EventExtra<K>,
  ): Promise<void> {
    const event = newEvent(type, { eventId: this.newId(), tenantId: this.tenantId, ticket, actor, now }, extra);
    await this.tx.insertOutbox(this.tenantId, toOutbox(event));
    this.events.push(event);
  }
}
