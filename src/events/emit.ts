/** Hands an event to the host's listeners; a throwing listener never fails the operation. */
import type { Emitter } from 'mitt';
import type { TicketEvent, TicketEventMap } from './event-types.js';

/** Emits `event` on `emitter`; a listener that throws goes to `onListenerError`. */
export function emitEvent(
  emitter: Emitter<TicketEventMap>,
  event: TicketEvent,
  onListenerError: (error: unknown, event: TicketEvent) => void,
): void {
  try {
    emitter.emit(event.type, event as never);
  } catch (error) {
    onListenerError(error, event);
  }
}
