/**
 * The demo's data, written through the service itself (create, addReply, update,
 * archive) on a clock that walks forward from three weeks ago to a minute ago, so every
 * number, status change, SLA due time, audit entry and count is what real use would
 * have left. Tickets come in every status and priority; some are due soon, some breached.
 */
import { createTicketService, type Actor, type CreateTicketInput, type TicketStore } from '../../src/index.js';
import { DEMO_CONFIG } from './demo-config.js';
import { STAFF, SUBSCRIBERS, demoDirectory } from './people.js';

type Who = 'customer' | 'staff' | 'staff2';
type Step =
  | { at: number; kind: 'reply'; who: Who; body: string; internal?: boolean; status?: string }
  | { at: number; kind: 'update'; patch: Record<string, unknown> }
  | { at: number; kind: 'archive' };

/** One ticket's story: its age in minutes and its steps at fractions of that age. */
interface Story {
  ageMinutes: number;
  priority: string;
  byStaff?: boolean;
  status?: 'open' | 'pending' | 'resolved';
  steps: Step[];
}

interface Topic {
  category: string;
  subject: string;
  body: string;
}

const TOPICS: readonly Topic[] = [
  { category: 'slow_speed', subject: 'Slow speed — getting 2 Mbps on a 10 Mbps plan', body: 'Speed test result: 2 Mbps down, 1 Mbps up. Tested at 21:00 from laptop on WiFi.\nRouter LEDs all green. Rebooted twice, no change. Same on phone over WiFi. Wired test pending.' },
  { category: 'connectivity', subject: 'No internet since this morning', body: 'Nothing works on any device since about 7:00. The DSL light on the router blinks red.\nI power-cycled it twice already.' },
  { category: 'wifi', subject: "WiFi doesn't reach the upstairs bedroom", body: 'Downstairs is fine, upstairs the laptop keeps dropping the WiFi. Nothing changed on the router, no new SSID or password.' },
  { category: 'billing', subject: 'Charged twice for March', body: 'Invoices INV-2026-0311 and INV-2026-0312 were both charged on 3 March, 39.90 EUR each. Please refund one of them.' },
  { category: 'connectivity', subject: 'Connection drops every evening', body: 'Every evening between 20:00 and 22:00 the connection drops for a few minutes, several times.\nAll devices are affected, wired too.' },
  { category: 'request', subject: 'Upgrade to the 100 Mbps plan', body: 'I would like to move to the 100 Mbps plan from next month. Do I need a new router?' },
  { category: 'complaint', subject: 'Technician missed the appointment', body: 'The technician was booked for Tuesday 10:00–12:00 and nobody came. I took a day off for this.' },
  { category: 'general', subject: 'How do I change my contact email?', body: 'I have a new email address and want the invoices sent there. I cannot edit it in the portal.' },
  { category: 'wifi', subject: 'Forgot the WiFi password after a router reset', body: 'I pressed the reset button on the router and now the WiFi password on the sticker does not work.' },
  { category: 'billing', subject: 'Refund for the outage days', body: 'We had no service from the 12th to the 14th. Will that be credited on the next invoice?' },
  { category: 'slow_speed', subject: 'Speeds dropped after the plan change', body: 'Since the plan change last week I get 30 Mbps instead of 50, wired, at any time of day.' },
  { category: 'other', subject: 'Router returned — please confirm receipt', body: 'I sent the old router back by post on Monday, tracking number RR123456789DE.' },
  { category: 'request', subject: 'Static IP address for my home server', body: 'Can I get a static IPv4 address? I run a small home server and the address changes every night.' },
  { category: 'connectivity', subject: 'Packet loss to game servers', body: 'Ping is fine but I lose 5–10 % of packets to game servers in the evening. Trace attached as text:\n1 192.168.1.1 1 ms\n2 10.0.0.1 9 ms\n3 * * *' },
];

/** Shows that a message carrying markup renders as text: it must stay inert in every page. */
const MARKUP_TOPIC: Topic = {
  category: 'billing',
  subject: 'My name on the invoice looks odd <script>alert("subject")</script>',
  body: 'The invoice shows my name as <script>alert("xss")</script> and the logo as <img src=x onerror=alert(1)>.\nPlease fix it.',
};

const NOTES = [
  'Line test shows **CRC errors** on port 12. Field tech booked for Tuesday.',
  'Checked the RADIUS sessions: 14 reconnects since 19:00. Looks like the line, not the router.',
  'Customer has been late on payments twice — escalate carefully.',
  'Asked the field team to swing by; they need the access code for the building.',
  'Duplicate charge confirmed in the payment gateway, refund pending approval.',
];
const REPLIES = [
  'Thanks for the details. We see **packet loss** on your line and are on it.',
  'Could you run a speed test **wired** to the router and send us the result?\n\n- laptop by cable\n- WiFi off',
  'We have booked a technician for Tuesday between 10:00 and 12:00. Does that work for you?',
  'The duplicate charge is refunded; it shows on your account within 3 days.',
  'Please try the password printed under *"WPA key"* on the bottom sticker, not the admin password.',
];
const FOLLOW_UPS = [
  'Wired test: 9.6 Mbps down, 1 Mbps up. WiFi is the problem then?',
  'Still seeing the issue, any update?',
  'Tuesday works, thanks.',
  'It happened again last night at 21:30.',
];
const RESOLUTIONS = [
  'The technician replaced the splitter. Speeds are back to **10 Mbps**.',
  'We moved your line to a new port; the drops should be gone. Reply here if not.',
  'Done: your plan changes on the 1st. No new router needed.',
];

const H = 60;
const D = 24 * H;
const pick = <T>(list: readonly T[], i: number): T => list[i % list.length]!;

/**
 * The stories of one group of subscribers. `v` varies the texts between groups; every
 * group gets every status and priority, and fresh tickets whose SLA is due soon or past.
 */
function stories(v: number): Story[] {
  const note = (at: number, i = 0): Step => ({ at, kind: 'reply', who: 'staff', body: pick(NOTES, v + i), internal: true });
  const reply = (at: number, i = 0, status?: string): Step => ({ at, kind: 'reply', who: 'staff', body: pick(REPLIES, v + i), ...(status ? { status } : {}) });
  const answer = (at: number, i = 0): Step => ({ at, kind: 'reply', who: 'customer', body: pick(FOLLOW_UPS, v + i) });
  const resolve = (at: number, i = 0): Step => ({ at, kind: 'reply', who: 'staff2', body: pick(RESOLUTIONS, v + i), status: 'resolved' });
  const update = (at: number, patch: Record<string, unknown>): Step => ({ at, kind: 'update', patch });
  return [
    // Fresh and unanswered: the first-response clock is running.
    { ageMinutes: 25, priority: 'high', steps: [update(0.4, { priority: 'urgent' })] }, // due in ~35 min
    { ageMinutes: 150 + v * 20, priority: 'high', steps: [update(0.1, { priority: 'urgent' })] }, // breached
    { ageMinutes: 200, priority: 'high', steps: [] }, // due in ~40 min
    { ageMinutes: 6 * H + v * 30, priority: 'high', steps: [] }, // breached
    { ageMinutes: 90, priority: 'normal', steps: [] },
    { ageMinutes: 9 * H, priority: 'normal', steps: [] }, // breached
    { ageMinutes: 5 * H, priority: 'low', steps: [] },
    // Being worked on.
    { ageMinutes: 10 * H, priority: 'high', steps: [update(0.05, { priority: 'urgent', assigneeId: 'staff', status: 'in_progress' }), note(0.1), reply(0.2, 0, 'in_progress')] },
    { ageMinutes: 2 * D, priority: 'normal', steps: [update(0.1, { assigneeId: 'staff', status: 'in_progress' }), note(0.2, 1), reply(0.3, 1, 'in_progress'), answer(0.6)] },
    { ageMinutes: 3 * D, priority: 'high', steps: [note(0.1, 2), reply(0.2, 2), answer(0.5, 1)] }, // open again, waiting
    { ageMinutes: 4 * D, priority: 'low', steps: [reply(0.2, 3), answer(0.4, 2), reply(0.6, 4)] }, // pending
    { ageMinutes: 26 * H, priority: 'normal', steps: [note(0.1, 3), reply(0.3, 1)] }, // pending
    { ageMinutes: 5 * D, priority: 'normal', steps: [reply(0.1, 2), update(0.3, { status: 'on_hold', assigneeId: 'staff2' }), note(0.31, 3)] },
    // Done.
    { ageMinutes: 6 * D, priority: 'normal', steps: [note(0.1), reply(0.2), answer(0.4), resolve(0.6)] },
    { ageMinutes: 8 * D, priority: 'high', steps: [reply(0.05, 1), resolve(0.2, 1)] },
    { ageMinutes: 12 * D, priority: 'low', steps: [reply(0.1, 3), answer(0.2, 2), resolve(0.5, 2), update(0.9, { status: 'closed' })] },
    { ageMinutes: 15 * D, priority: 'urgent', byStaff: true, steps: [note(0.01, 3), resolve(0.02), update(0.5, { status: 'closed' })] },
    { ageMinutes: 18 * D, priority: 'normal', steps: [reply(0.1), resolve(0.3, 1), update(0.6, { status: 'closed' }), { at: 0.7, kind: 'archive' }] },
    // Staff documenting a phone call, fixed on the call.
    { ageMinutes: 20 * D, priority: 'normal', byStaff: true, status: 'resolved', steps: [note(0.01, 1)] },
  ];
}

/** The directory's subscribers of one group, and who answers them. */
function groups() {
  const subs = (prefix: string) => SUBSCRIBERS.filter((s) => s.id.startsWith(`sub-${prefix}`)).map((s) => s.id);
  const staff = (...ids: string[]) => ids.map((id) => {
    const s = STAFF.find((x) => x.id === id)!;
    return { kind: 'staff', id: s.id, name: s.name, resellerId: s.resellerId, permissions: s.permissions } as Actor;
  });
  return [
    { subscribers: subs('a'), resellerId: 'res-a', staff: staff('ra-boris', 'ra-fatima') },
    { subscribers: subs('b'), resellerId: 'res-b', staff: staff('rb-carla', 'rb-gustav') },
    { subscribers: subs('o'), resellerId: null, staff: staff('op-anna', 'op-david', 'op-elena') },
  ];
}

interface Planned {
  time: number;
  run: () => Promise<void>;
}

/**
 * Writes the demo data into `store` (already migrated) through a service whose clock
 * walks from three weeks before `end` up to `end`. Returns the number of tickets.
 */
export async function seedDemo(store: TicketStore, end: Date = new Date()): Promise<number> {
  let now = new Date(end.getTime() - 21 * D * 60_000);
  const desk = createTicketService({ store, config: DEMO_CONFIG, directory: demoDirectory, clock: () => now });
  const endMs = end.getTime() - 60_000;
  const plan: Planned[] = [];
  let tickets = 0;

  groups().forEach((group, g) => {
    stories(g).forEach((story, i) => {
      // The demo's sign-in customers (the first of each group) get every fourth story.
      const subscriberId = group.subscribers[i % 4 === 0 ? 0 : 1 + ((i * 5 + g) % (group.subscribers.length - 1))]!;
      const customer: Actor = { kind: 'customer', id: subscriberId };
      const staff = pick(group.staff, i);
      const staff2 = pick(group.staff, i + 1);
      const topic = g === 0 && i === 4 ? MARKUP_TOPIC : pick(TOPICS, i + g * 3);
      const created = endMs - story.ageMinutes * 60_000;
      const ref: { id?: string } = {};
      tickets++;
      plan.push({
        time: created,
        run: async () => {
          const input: CreateTicketInput = { subject: topic.subject, body: topic.body, category: topic.category, priority: story.priority };
          const ticket = story.byStaff
            ? await desk.create(staff, { ...input, subscriberId, ...(story.status ? { status: story.status } : {}) })
            : await desk.create(customer, input);
          ref.id = ticket.id;
        },
      });
      for (const step of story.steps) {
        const actorOf = (who: Who) => (who === 'customer' ? customer : who === 'staff' ? staff : staff2);
        plan.push({
          time: created + Math.round(step.at * story.ageMinutes * 60_000),
          run: async () => {
            if (step.kind === 'reply') {
              await desk.addReply(actorOf(step.who), ref.id!, {
                body: step.body,
                ...(step.internal ? { internal: true } : {}),
                ...(step.status ? { status: step.status as 'resolved' } : {}),
              });
            } else if (step.kind === 'update') {
              const patch = { ...step.patch };
              if (patch.assigneeId === 'staff' || patch.assigneeId === 'staff2') {
                patch.assigneeId = (actorOf(patch.assigneeId) as { id: string }).id;
              }
              await desk.update(staff, ref.id!, patch);
            } else {
              await desk.archive(staff, ref.id!);
            }
          },
        });
      }
    });
  });

  // Each step runs at its own instant, in time order across all tickets, so numbers,
  // audit times and the queue order read like a real history.
  plan.sort((a, b) => a.time - b.time);
  for (const step of plan) {
    now = new Date(step.time);
    await step.run();
  }
  return tickets;
}
