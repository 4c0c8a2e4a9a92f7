/**
 * The events one write transaction produces. They are held here while the write runs,
 * written to the outbox at its end (still inside the transaction), and emitted only after
 * commit. Writing at the end is what lets notify-once see every event of the change before
 * any is stored.
 */
import type { CustomerStatusRule } from '../customer-status.js';
import { InternalError } from '../errors.js';
import type { StoreTx } from '../store.js';
import type { Actor, Ticket } from '../types.js';
import type { TicketEvent, TicketEventType } from './event-types.js';
import { newEvent, type EventExtra } from './new-event.js';
import { withCustomerView } from './customer-event-view.js';
import { notifyOnce } from './notify-once.js';
import { toOutbox } from './outbox-codec.js';

/** Collects what a write transaction emits, so events go out only after commit. */
export class PendingEvents {
  #events: TicketEvent[] = [];
  /** ticket id -> the change id of this write's events about it. */
  readonly #changes = new Map<string, string>();
  #written = false;

  constructor(
    private readonly tx: StoreTx,
    private readonly tenantId: string,
    private readonly newId: () => string,
    private readonly labels?: readonly CustomerStatusRule[],
    /** Queue the events for the dispatcher (`dispatch: true`). */
    private readonly dispatch = false,
  ) {}

  /** The events recorded so far (after `writeOutbox`, as written: notify-once applied). */
  get events(): readonly TicketEvent[] {
    return this.#events;
  }

  /**
   * Records a `type` event about `ticket`; `writeOutbox` stores it at the end of the
   * write. Every event of this write about the same ticket is one change (one `changeId`).
   */
  // async although it awaits nothing: the operations await it, and a late add must reject.
  async add<K extends TicketEventType>(
    type: K,
    ticket: Ticket,
    actor: Actor,
    now: Date,
    extra: EventExtra<K>,
  ): Promise<void> {
    if (this.#written) throw new InternalError(`ticketry: a ${type} event was added after the write stored its events`);
    const eventId = this.newId();
    // The change is named after its first event: no extra id is drawn from the host's
    // generateId, and the id is as unique as the event's.
    let changeId = this.#changes.get(ticket.id);
    if (changeId === undefined) this.#changes.set(ticket.id, (changeId = eventId));
    this.#events.push(newEvent(type, { eventId, changeId, tenantId: this.tenantId, ticket, actor, now }, extra));
  }

  /** Applies notify-once across the recorded events and writes them to the outbox. */
  async writeOutbox(): Promise<void> {
    this.#written = true;
    this.#events = notifyOnce(this.#events).map((event) => withCustomerView(event, this.labels));
    for (const event of this.#events) {
      const row = toOutbox(event);
      if (this.dispatch) row.dispatchAt = event.occurredAt;
      await this.tx.insertOutbox(this.tenantId, row);
    }
  }
}
