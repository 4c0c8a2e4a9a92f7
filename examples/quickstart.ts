/**
 * The ticketry quickstart: one ticket's whole life on the in-memory store.
 * Run it with `npm run demo:quickstart`.
 */
import { createTicketService, type CustomerActor, type StaffActor, type TicketEvent } from '../src/index.js';
import { memoryStore } from '../adapters/memory/index.js';

// A fixed clock makes the output the same on every run; a host omits it.
let now = new Date('2026-03-02T09:15:00Z');
const clock = () => now;
const later = (minutes: number) => (now = new Date(now.getTime() + minutes * 60_000));

const desk = createTicketService({
  store: memoryStore(),
  clock,
  config: { numberFormat: 'TKT-{yyyy}-{seq:4}' },
  directory: {
    getSubscriber: (id) => ({ id, resellerId: null, name: 'Maria Lopez', email: 'maria@example.net' }),
    getStaff: (id) => ({ id, name: id === 'agent-ana' ? 'Ana' : 'Ben' }),
  },
});

// The host builds actors from its own session, server-side.
const maria: CustomerActor = { kind: 'customer', id: 'sub-1001', name: 'Maria Lopez' };
const ana: StaffActor = {
  kind: 'staff',
  id: 'agent-ana',
  name: 'Ana',
  permissions: ['tickets.view', 'tickets.create', 'tickets.edit', 'tickets.reply'],
};

const line = (s = '') => console.log(s);
desk.events.on('*', (type, event) => {
  const e = event as TicketEvent;
  const who = [e.notify.customerId && `customer ${e.notify.customerId}`, ...e.notify.staffIds, e.notify.queue && 'the queue']
    .filter(Boolean)
    .join(', ');
  line(`   event ${type}${who ? ` -> tell ${who}` : ''}`);
});

line('1. Maria opens a ticket from the customer portal');
const ticket = await desk.create(maria, {
  subject: 'Slow speeds in the evening',
  body: 'Speed test: 2 Mbps down on a 10 Mbps plan.\nRouter LEDs all green, rebooted twice.',
  category: 'connectivity',
});
// Maria gets her own view of the ticket; the SLA due times are on the staff view.
const { firstResponseDueAt } = (await desk.get(ana, ticket.id)).ticket;
line(`   ${ticket.number} "${ticket.subject}" is ${ticket.status}, first response due ${firstResponseDueAt?.toISOString()}`);

later(20);
line('2. Ana takes it and leaves an internal note');
await desk.update(ana, ticket.id, { assigneeId: 'agent-ana', status: 'in_progress' }, { ip: '198.51.100.7' });
await desk.addReply(ana, ticket.id, { body: 'Line test shows **CRC errors** on port 12. Field tech Tuesday.', internal: true });

later(5);
line('3. Ana replies to Maria');
const reply = await desk.addReply(ana, ticket.id, { body: 'We found a fault on your line; a technician visits **Tuesday**.' });
line(`   status is now ${reply.ticket.status}`);

later(60 * 24);
line('4. Maria replies');
await desk.addReply(maria, ticket.number, { body: 'Thanks, Tuesday works.' });

later(60 * 24);
line('5. Ana resolves it');
await desk.addReply(ana, ticket.id, { body: 'The technician replaced the splitter. Speeds are back to 10 Mbps.', status: 'resolved' });

line();
line("Maria's view of the thread (internal notes never reach her):");
for (const m of (await desk.get(maria, ticket.id)).messages) {
  line(`   [${m.authorType}] ${m.body.split('\n')[0]}`);
}
const [summary] = (await desk.list(maria)).items;
line(`   her list shows ${summary?.number}: ${summary?.status}, ${summary?.replyCount} replies`);

line();
line('Audit trail:');
for (const a of await desk.audit(ana, ticket.id)) {
  line(`   ${a.createdAt.toISOString()} ${a.actorKind}:${a.actorId ?? '-'} ${a.action} ${JSON.stringify(a.changes)}`);
}

line();
line('Stats:');
const stats = await desk.getStats(ana);
line(`   counts ${JSON.stringify(stats.counts)}`);
line(`   average first response ${stats.avgFirstResponseSeconds} s, resolution ${stats.avgResolutionSeconds} s`);
line(`   SLA ${JSON.stringify(stats.sla)}`);
