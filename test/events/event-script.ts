/**
 * One script that makes every event type (created, replied, updated with deadline changes,
 * assigned, status_changed, sla.warning, sla.breached, and one per further operation:
 * lock, unlock, message edit/hide/unhide, merge, split, archive, unarchive, delete,
 * restore), run live or with events deferred to the outbox, so the test can compare what
 * was redelivered with a live run.
 */
import type { TicketEvent, TicketService } from '../../src/index.js';
import type { TicketStore } from '../../src/store.js';
import { Clock, SLA_CONFIG, countingIds, customer, deferring, recordingService, staff } from './event-fixtures.js';

/** How the events of the script reach the listener. */
export type DeliveryMode =
  | 'live' // emitted after each write's commit
  | 'flush' // left in the outbox (host transaction), emitted by flushEvents()
  | 'scheduled'; // left in the outbox (a crash), emitted by another instance's runScheduledWork()

/** Runs the script on `store`; returns every event the listeners saw, sorted by event id. */
export async function recordScript(store: TicketStore, mode: DeliveryMode): Promise<TicketEvent[]> {
  const clock = new Clock();
  const options = { clock: clock.now, generateId: countingIds(), config: SLA_CONFIG };
  // Both services share the clock and the id source, so every mode draws the same ids.
  const live = recordingService(store, options);
  const writer = mode === 'live' ? live : recordingService(deferring(store), options);
  const seen = [...new Set([live.events, writer.events])];

  /** Between steps: time passes and scheduled work runs, as it would in production. */
  const settle = async (): Promise<void> => {
    if (mode === 'flush') await writer.desk.flushEvents();
    clock.minutes(2);
    // In 'flush' mode the writer defers its own SLA alerts too; they go out with the next flush.
    await (mode === 'flush' ? writer.desk : live.desk).runScheduledWork();
    if (mode === 'flush') await writer.desk.flushEvents();
  };
  await script(writer.desk, clock, settle);
  if (mode === 'scheduled') {
    clock.minutes(2);
    await live.desk.runScheduledWork();
  }
  return seen.flat().sort((a, b) => a.eventId.localeCompare(b.eventId));
}

async function script(desk: TicketService, clock: Clock, settle: () => Promise<void>): Promise<void> {
  const t1 = await desk.create(customer, { subject: 'Router down', body: 'No **sync** light\nsince 9' });
  await desk.create(customer, { subject: 'Invoice', body: 'Wrong amount' }); // never answered
  await settle();
  // One PATCH: updated (deadline from null to a Date), assigned and status_changed.
  await desk.update(staff, t1.id, {
    assigneeId: 'agent-2',
    status: 'in_progress',
    priority: 'high',
    deadlineAt: new Date('2026-03-05T12:00:00.000Z'),
  });
  await settle();
  // A deadline from one Date to another.
  await desk.update(staff, t1.id, { deadlineAt: new Date('2026-03-06T12:00:00.000Z') });
  await settle();
  await desk.addReply(staff, t1.id, { body: 'Please **restart** it' });
  await settle();
  await desk.addReply(customer, t1.id, { body: 'Still down' });
  await settle();
  await desk.addReply(staff, t1.id, { body: 'Line fault, escalating', internal: true });
  await settle();
  // The invoice ticket has no reply: its first response (due Tue 10:00) warns at 16:24 and breaches on Tuesday.
  clock.set('2026-03-02T16:30:00.000Z');
  await settle();
  clock.set('2026-03-03T10:30:00.000Z');
  await settle();

  // The further operations, each with its own event.
  const duplicate = await desk.create(customer, { subject: 'Router down again', body: 'Same as before' });
  await settle();
  await desk.lock(staff, t1.id, { ttlSeconds: 600 });
  await desk.unlock(staff, t1.id);
  await settle();
  const thread = (await desk.get(staff, t1.id)).messages;
  const staffReply = thread.find((m) => m.body === 'Please **restart** it')!;
  await desk.editMessage(staff, staffReply.id, 'Please **restart** the router');
  await desk.hideMessage(staff, staffReply.id);
  await desk.unhideMessage(staff, staffReply.id);
  await settle();
  await desk.merge(staff, duplicate.id, t1.id);
  await settle();
  await desk.split(staff, t1.id, thread.find((m) => m.body === 'Still down')!.id);
  await settle();
  await desk.archive(staff, duplicate.id);
  await desk.unarchive(staff, duplicate.id);
  await settle();
  await desk.delete(staff, duplicate.id);
  await desk.restore(staff, duplicate.id);
  await settle();
}
