/**
 * A deterministic, realistic help desk data set for the store benchmarks, generated in
 * batches so a million tickets never sit in memory at once.
 *
 * The shape follows a desk that has run for three years with the default config: most
 * tickets closed (old closed ones half archived), a live queue of open, in-progress,
 * pending, on-hold and resolved tickets from the last two weeks plus a tail of old
 * stuck ones, 1–5 messages per ticket (3 on average: customer and staff replies,
 * internal notes, system notes), subscribers spread over a dozen resellers and the
 * operator, 30 staff members, 0.3 % soft-deleted. The data is what ticketry itself would
 * have written, with one deliberate property: every SLA alert that was due before `now`
 * has already been claimed and no pending/resolved ticket is older than the 7-day
 * auto-close window, so `runScheduledWork({ now })` finds nothing to do (as on a desk
 * whose scheduler runs every minute).
 *
 * Rows are arrays in the column order of `TICKET_COLUMNS` etc.; instants are epoch
 * milliseconds, booleans are booleans, JSON is text. The loaders convert per dialect.
 */
import { seededRandom } from '../src/testing/seeded-random.js';

/** How a column's values are typed in the generated rows. */
export type SeedType = 'text' | 'ts' | 'bool' | 'int' | 'real' | 'json';

/** A column the generator fills, with its value type. */
export interface SeedColumn {
  name: string;
  type: SeedType;
}

const c = (name: string, type: SeedType): SeedColumn => ({ name, type });

/**
 * Every column of `<prefix>tickets`, in the order of the generated rows. The loaders
 * write only the columns the migrated table has, so the seed keeps working while the
 * schema gains or loses a bookkeeping column.
 */
export const TICKET_COLUMNS: readonly SeedColumn[] = [
  c('tenant_id', 'text'),
  c('id', 'text'),
  c('number', 'text'),
  c('subject', 'text'),
  c('category', 'text'),
  c('department', 'text'),
  c('priority', 'text'),
  c('status', 'text'),
  c('subscriber_id', 'text'),
  c('reseller_id', 'text'),
  c('addressed_to', 'text'),
  c('assignee_id', 'text'),
  c('created_by_type', 'text'),
  c('created_by_id', 'text'),
  c('created_at', 'ts'),
  c('updated_at', 'ts'),
  c('status_changed_at', 'ts'),
  c('version', 'int'),
  c('archived', 'bool'),
  c('deleted_at', 'ts'),
  c('first_response_at', 'ts'),
  c('resolved_at', 'ts'),
  c('first_response_due_at', 'ts'),
  c('resolution_due_at', 'ts'),
  c('deadline_at', 'ts'),
  c('attention', 'int'),
  c('sla_first_response_elapsed', 'real'),
  c('sla_resolution_elapsed', 'real'),
  c('sla_clock_at', 'ts'),
  c('sla_first_response_remaining', 'real'),
  c('sla_resolution_remaining', 'real'),
  c('sla_first_response_warn_at', 'ts'),
  c('sla_resolution_warn_at', 'ts'),
  c('sla_first_response_warned_at', 'ts'),
  c('sla_resolution_warned_at', 'ts'),
  c('sla_first_response_breached_at', 'ts'),
  c('sla_resolution_breached_at', 'ts'),
  c('sla_first_response_met', 'bool'),
  c('sla_resolution_met', 'bool'),
  c('customer_message_at', 'ts'),
  c('waiting_since', 'ts'),
];

/** The columns of `<prefix>messages` the seed writes (`position` is generated). */
export const MESSAGE_COLUMNS: readonly SeedColumn[] = [
  c('tenant_id', 'text'),
  c('id', 'text'),
  c('ticket_id', 'text'),
  c('author_type', 'text'),
  c('author_id', 'text'),
  c('author_name', 'text'),
  c('body', 'text'),
  c('html', 'text'),
  c('internal', 'bool'),
  c('hidden', 'bool'),
  c('opening', 'bool'),
  c('system', 'json'),
  c('created_at', 'ts'),
  c('edited_at', 'ts'),
];

/** The columns of `<prefix>audit` the seed writes. */
export const AUDIT_COLUMNS: readonly SeedColumn[] = [
  c('tenant_id', 'text'),
  c('id', 'text'),
  c('ticket_id', 'text'),
  c('action', 'text'),
  c('actor_kind', 'text'),
  c('actor_id', 'text'),
  c('actor_name', 'text'),
  c('changes', 'json'),
  c('ip', 'text'),
  c('user_agent', 'text'),
  c('request_id', 'text'),
  c('created_at', 'ts'),
];

/** The columns of `<prefix>outbox` the seed writes (every event already delivered). */
export const OUTBOX_COLUMNS: readonly SeedColumn[] = [
  c('tenant_id', 'text'),
  c('id', 'text'),
  c('ticket_id', 'text'),
  c('type', 'text'),
  c('payload', 'json'),
  c('created_at', 'ts'),
  c('delivered_at', 'ts'),
];

/** A generated row: values in the column order above. */
export type SeedRow = (string | number | boolean | null)[];

/** One batch of rows for the four tables. */
export interface SeedBatch {
  tickets: SeedRow[];
  messages: SeedRow[];
  audit: SeedRow[];
  outbox: SeedRow[];
}

/** What the benchmarks need to know about the generated data. */
export interface SeedCatalog {
  tenantId: string;
  tickets: number;
  messages: number;
  /** Numbers of non-deleted tickets, in random order (for `get` by number). */
  numbers: string[];
  /** Subscribers with at least one non-deleted ticket, in random order (customer lists). */
  subscribers: { id: string; resellerId: string | null }[];
  /**
   * Open, never answered, not archived, not deleted tickets, in random order: a staff
   * reply to each of them takes the same path (first response, open -> pending).
   */
  unanswered: string[];
  /** Non-deleted tickets per reseller (null = the operator's own subscribers). */
  perReseller: Map<string | null, number>;
  /** Non-deleted tickets per status. */
  perStatus: Map<string, number>;
  /**
   * The router serial numbers customers quote (one word each, the rare words the search
   * benchmarks look for): non-deleted, not archived tickets quoting each serial, and per
   * reseller (null = the operator's own) one serial quoted in that reseller's tickets.
   */
  serials: Map<string, number>;
  serialOf: Map<string | null, string>;
}

/** The staff members tickets are assigned to. */
export const STAFF_IDS: readonly string[] = Array.from({ length: 30 }, (_, i) => `staff-${String(i + 1).padStart(2, '0')}`);

/** A fast seeded PRNG (mulberry32), so every run generates the same data. */
export const prng = seededRandom;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A version-4-shaped UUID from the PRNG (ids are random, like `crypto.randomUUID`). */
function uuid(rand: () => number): string {
  const b: string[] = [];
  for (let i = 0; i < 16; i++) b.push(HEX[Math.floor(rand() * 256)]!);
  b[6] = HEX[(parseInt(b[6]!, 16) & 0x0f) | 0x40]!;
  b[8] = HEX[(parseInt(b[8]!, 16) & 0x3f) | 0x80]!;
  return `${b.slice(0, 4).join('')}-${b.slice(4, 6).join('')}-${b.slice(6, 8).join('')}-${b.slice(8, 10).join('')}-${b.slice(10).join('')}`;
}

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}

/** Picks from `[value, weight][]`. */
function weighted<T>(rand: () => number, table: readonly (readonly [T, number])[]): T {
  let r = rand() * table.reduce((sum, [, w]) => sum + w, 0);
  for (const [value, w] of table) {
    r -= w;
    if (r < 0) return value;
  }
  return table[table.length - 1]![0];
}

const SUBJECTS = [
  'Internet very slow in the evenings',
  'No connection since this morning',
  'Router keeps rebooting',
  'Wrong amount on my invoice',
  'Double charge for March',
  'WiFi drops in the bedroom',
  'Cannot log in to the customer portal',
  'Change of address request',
  'Upgrade to the 500 Mbps plan',
  'Static IP not working',
  'Packet loss to game servers',
  'Technician did not show up',
  'Cancel my contract',
  'Refund for the outage last week',
  'Email settings for Outlook',
  'Port forwarding on the new router',
  'TV channels missing',
  'Complaint about the support call',
  'Fibre installation date',
  'Speed test shows 20 Mbps instead of 100',
];
const CATEGORIES: readonly (readonly [string, number])[] = [
  ['connectivity', 35],
  ['billing', 22],
  ['wifi', 15],
  ['request', 14],
  ['complaint', 6],
  ['other', 8],
];
const PRIORITIES: readonly (readonly [string, number])[] = [
  ['low', 20],
  ['normal', 55],
  ['high', 18],
  ['urgent', 7],
];
/** First-response targets of the default policy, as calendar minutes (business days approximated). */
const TARGET_MINUTES: Record<string, number> = { urgent: 60, high: 240, normal: 24 * 60, low: 3 * 24 * 60 };
const ATTENTION: Record<string, number> = { low: 0, normal: 0, high: 3, urgent: 4 };

const CUSTOMER_BODIES = [
  'Hello, since yesterday evening the connection drops every few minutes. I already restarted the router twice but it keeps happening. Can you please check the line?',
  'My invoice for this month is higher than usual. I did not order any extra service. Please explain the charge or correct it.',
  'The WiFi signal is very weak upstairs. Is there a repeater you can recommend or can you send a technician?',
  'Thanks for the quick answer. I tried what you suggested but it still does not work. The light on the router is blinking orange.',
  'I am moving to a new flat on the 1st of next month and would like to take my internet contract with me. What do I need to do?',
  'Speed tests show 18 Mbps download instead of the 100 Mbps I pay for. I tested with a cable directly on the router, so it is not the WiFi.',
  'It works again, thank you!',
  'Hi, I still have not received the new router you promised last week. Could you check the shipping status?',
];
const STAFF_BODIES = [
  'Hello, thank you for reaching out. We ran a line test and see **CRC errors** on your port. A technician will visit you on Tuesday between 8:00 and 12:00.',
  'We have corrected the invoice; the difference will be credited on your next bill. Sorry for the inconvenience.',
  'Could you please send us a screenshot of the router status page (http://192.168.1.1) so we can check the sync rate?',
  'We reset your port and the connection looks stable from our side now. Please let us know if the problem comes back.',
  'Your move is scheduled. The connection at the new address will be active from the 1st; the old one is cut the same day.',
];
const NOTE_BODIES = [
  'Line test: CRC errors on port 12, upstream SNR 4 dB. Likely bad splitter.',
  'Customer was already credited last month for the same issue, check before approving.',
  'Escalated to the network team, ticket NET-4411.',
];

/** Share of customer messages that quote their router's serial number. */
const SERIAL_SHARE = 0.3;

/**
 * The `k`-th of `count` serial numbers: `sn` and six base-36 characters, spread over the
 * range by a multiplicative hash so neighbours look unrelated. One word to search.
 */
function serialNumber(k: number, count: number): string {
  const n = Math.imul(k + 1, 2654435761) >>> 0;
  return `sn${(n % 2176782336).toString(36).padStart(6, '0')}${count > 2176782336 ? k : ''}`;
}

/** The HTML ticketry would have stored for a body (plain text escaped, Markdown roughly rendered). */
function htmlOf(body: string, markdown: boolean): string {
  const escaped = body.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<p>${markdown ? escaped.replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>') : escaped}</p>`;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** Options of `generateTenant`. */
export interface TenantPlan {
  tenantId: string;
  tickets: number;
  /** The instant the data set ends at; the benchmarks run with this as their clock. */
  now: Date;
  /** PRNG seed. */
  seed: number;
  /** Rows per batch (of tickets; messages etc. follow their tickets). */
  batchSize: number;
  /** How many tickets the desk has run for; tickets are spread over this many days. @default 1095 */
  days?: number;
}

/** The reseller of subscriber `s`: 40 % are the operator's own, the rest spread over 12 resellers of unequal size. */
export function resellerOf(s: number): string | null {
  const r = (s * 2654435761) % 100;
  if (r < 40) return null;
  // Unequal reseller sizes (res-12 is the largest, res-01 the smallest).
  return `res-${String(1 + Math.floor(Math.sqrt((r - 40) / 60) * 12)).padStart(2, '0')}`;
}

/** The subscriber id of subscriber number `s`. */
export function subscriberId(s: number): string {
  return `sub-${String(s).padStart(7, '0')}`;
}

/**
 * Generates one tenant's tickets with their messages, audit rows and outbox events, in
 * batches, filling `catalog` on the way. Ticket numbers are `TKT-1` ... `TKT-<n>` in
 * creation order (the default number format), so the tenant's counter ends at `n`.
 */
export function* generateTenant(plan: TenantPlan, catalog: SeedCatalog): Generator<SeedBatch> {
  const rand = prng(plan.seed);
  // The serials draw from their own sequence, so the rest of the data set is the same
  // with or without them.
  const serialRand = prng(plan.seed * 7919 + 17);
  const serialCount = Math.max(100, Math.floor(plan.tickets / 10));
  const now = plan.now.getTime();
  const days = plan.days ?? 1095;
  const start = now - days * DAY;
  const subscribers = Math.max(10, Math.floor(plan.tickets / 4));
  const seenSubscribers = new Set<number>();
  const numberSample = 2000 / Math.max(1, plan.tickets);
  let batch: SeedBatch = { tickets: [], messages: [], audit: [], outbox: [] };

  for (let i = 0; i < plan.tickets; i++) {
    const createdAt = Math.min(now - 60_000, Math.floor(start + ((i + rand()) / plan.tickets) * days * DAY));
    const age = now - createdAt;
    const id = uuid(rand);
    const number = `TKT-${i + 1}`;
    const s = 1 + Math.floor(rand() * subscribers);
    const sub = subscriberId(s);
    const resellerId = resellerOf(s);
    const priority = weighted(rand, PRIORITIES);
    const category = weighted(rand, CATEGORIES);
    const byStaff = rand() < 0.1;
    const creatorStaff = pick(rand, STAFF_IDS);

    let status: string;
    if (age > 14 * DAY) {
      status = weighted(rand, [['closed', 950], ['on_hold', 20], ['in_progress', 15], ['open', 15]] as const);
    } else {
      status = weighted(rand, [['open', 25], ['in_progress', 15], ['pending', 20], ['on_hold', 5], ['resolved', 15], ['closed', 20]] as const);
    }
    const done = status === 'resolved' || status === 'closed';
    const unresolved = !done;

    // When the status was last set. Pending and resolved tickets are younger than the
    // 7-day auto-close window (an older one would have been closed by the scheduler).
    let statusChangedAt: number;
    if (status === 'pending' || status === 'resolved') {
      const from = Math.max(createdAt, now - 6.5 * DAY);
      statusChangedAt = from + Math.floor(rand() * (now - from));
    } else if (status === 'open' && rand() < 0.6) {
      statusChangedAt = createdAt; // never changed
    } else {
      statusChangedAt = Math.min(now - 1000, createdAt + Math.floor(HOUR + rand() * 10 * DAY));
    }

    // The thread: who wrote the messages after the opening one.
    const unanswered = status === 'open' && !byStaff && rand() < 0.4;
    let count: number = weighted(rand, [[1, 10], [2, 25], [3, 30], [4, 20], [5, 15]] as const);
    if (status === 'pending' || done) count = Math.max(2, count);
    if (unanswered) count = Math.min(count, 2);
    const roles: ('customer' | 'staff' | 'note' | 'system')[] = [byStaff ? 'staff' : 'customer'];
    for (let k = 1; k < count; k++) {
      if (unanswered) roles.push('customer');
      else if (k === count - 1 && status === 'pending') roles.push('staff');
      else if (k === count - 1 && status === 'open') roles.push('customer');
      else if (k === count - 1 && status === 'closed' && count >= 3 && rand() < 0.5) roles.push('system');
      else if (rand() < 0.15) roles.push('note');
      else roles.push(roles[k - 1] === 'staff' || roles[k - 1] === 'note' ? 'customer' : 'staff');
    }
    if (status === 'in_progress' && !roles.includes('note') && !roles.slice(1).includes('staff') && rand() < 0.5) {
      roles.push('note');
    }
    const lastAt = Math.max(statusChangedAt, createdAt);
    let firstResponseAt: number | null = byStaff ? createdAt : null;
    const assignee = unresolved ? (rand() < 0.8 ? pick(rand, STAFF_IDS) : null) : rand() < 0.95 ? pick(rand, STAFF_IDS) : null;
    const staffAuthor = assignee ?? pick(rand, STAFF_IDS);
    let messageAt = createdAt;
    // The latest customer message (what a staff list row's `unread` compares with).
    let customerMessageAt: number | null = null;
    // Since when the customer waits for staff: their first message after the last public
    // staff reply (notes and system messages leave it), while the ticket is open.
    let waitingSince: number | null = null;
    let serial: string | null = null;
    for (let k = 0; k < roles.length; k++) {
      const role = roles[k]!;
      messageAt = k === 0 ? createdAt : Math.min(now - 1, createdAt + Math.floor(((lastAt - createdAt) * k) / Math.max(1, roles.length - 1)) + k);
      if (role === 'staff' && firstResponseAt === null) firstResponseAt = messageAt;
      let body: string;
      let html: string;
      let system: string | null = null;
      let authorType: string;
      let authorId: string | null;
      let authorName: string | null;
      if (role === 'customer') {
        body = pick(rand, CUSTOMER_BODIES);
        if (serialRand() < SERIAL_SHARE) {
          // A customer quotes the same router in every message of the thread.
          serial ??= serialNumber(Math.floor(serialRand() * serialCount), serialCount);
          body = `${body} Router serial number: ${serial}.`;
        }
        html = htmlOf(body, false);
        customerMessageAt = messageAt;
        waitingSince ??= messageAt;
        authorType = 'customer';
        authorId = sub;
        authorName = null;
      } else if (role === 'system') {
        const note = { kind: 'status_changed', from: 'resolved', to: 'closed' };
        system = JSON.stringify(note);
        body = 'Status changed from resolved to closed';
        html = htmlOf(body, false);
        authorType = 'system';
        authorId = null;
        authorName = null;
      } else {
        body = pick(rand, role === 'note' ? NOTE_BODIES : STAFF_BODIES);
        html = htmlOf(body, true);
        if (role === 'staff') waitingSince = null;
        authorType = 'staff';
        authorId = k === 0 ? creatorStaff : staffAuthor;
        authorName = `Agent ${authorId.slice(6)}`;
      }
      batch.messages.push([
        plan.tenantId,
        uuid(rand),
        id,
        authorType,
        authorId,
        authorName,
        body,
        html,
        role === 'note',
        false,
        k === 0,
        system,
        messageAt,
        null,
      ]);
    }
    catalog.messages += roles.length;
    const updatedAt = Math.max(messageAt, statusChangedAt);

    // SLA: the first-response clock runs while unanswered and not paused; alerts due
    // before `now` were claimed when they fell due.
    const target = TARGET_MINUTES[priority]! * 60_000;
    let due: number | null = null;
    let warnAt: number | null = null;
    let warnedAt: number | null = null;
    let breachedAt: number | null = null;
    let remaining: number | null = null;
    let met: boolean | null = null;
    // Open minutes the first-response clock ran until the ticket's last change.
    let elapsed = Math.round((Math.min(firstResponseAt ?? statusChangedAt, statusChangedAt) - createdAt) / 60_000);
    if (firstResponseAt !== null) {
      met = firstResponseAt - createdAt <= target;
    } else if (status === 'open' || status === 'in_progress') {
      elapsed = Math.round((updatedAt - createdAt) / 60_000);
      due = createdAt + target;
      warnAt = createdAt + Math.floor(target * 0.8);
      if (warnAt <= now) warnedAt = warnAt;
      if (due <= now) breachedAt = due;
    } else if (status === 'pending' || status === 'on_hold') {
      remaining = Math.round((target - (statusChangedAt - createdAt)) / 60_000);
    }

    const archived = status === 'closed' && age > 90 * DAY && rand() < 0.5;
    const deletedAt = rand() < 0.003 ? Math.min(now - 1, updatedAt + DAY) : null;
    batch.tickets.push([
      plan.tenantId,
      id,
      number,
      `${pick(rand, SUBJECTS)}`,
      category,
      null,
      priority,
      status,
      sub,
      resellerId,
      // A subscriber's ticket goes to its reseller (what the service files): the reseller's
      // staff see it. Without this every seeded ticket was the operator's, and the bench's
      // reseller rows measured an empty scope.
      resellerId === null ? 'operator' : 'reseller',
      assignee,
      byStaff ? 'staff' : 'customer',
      byStaff ? creatorStaff : sub,
      createdAt,
      deletedAt ?? updatedAt,
      statusChangedAt,
      roles.length + (done ? 2 : 1),
      archived,
      deletedAt,
      firstResponseAt,
      done ? statusChangedAt : null,
      due,
      null,
      null,
      unresolved ? ATTENTION[priority]! : 0,
      elapsed,
      0,
      updatedAt,
      remaining,
      null,
      warnAt,
      null,
      warnedAt,
      null,
      breachedAt,
      null,
      met,
      null,
      customerMessageAt,
      status === 'open' || status === 'in_progress' ? waitingSince : null,
    ]);

    const actorKind = byStaff ? 'staff' : 'customer';
    const actorId = byStaff ? creatorStaff : sub;
    batch.audit.push([
      plan.tenantId,
      uuid(rand),
      id,
      'created',
      actorKind,
      actorId,
      null,
      JSON.stringify({
        number: { from: null, to: number },
        status: { from: null, to: 'open' },
        priority: { from: null, to: priority },
        category: { from: null, to: category },
      }),
      '203.0.113.7',
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36',
      null,
      createdAt,
    ]);
    const eventId = uuid(rand);
    batch.outbox.push([
      plan.tenantId,
      eventId,
      id,
      'ticket.created',
      JSON.stringify({
        type: 'ticket.created',
        eventId,
        tenantId: plan.tenantId,
        occurredAt: new Date(createdAt).toISOString(),
        ticket: { id, number, subject: 'see ticket', category, priority, status: 'open', subscriberId: sub, resellerId, createdAt: new Date(createdAt).toISOString() },
        actor: { kind: actorKind, id: actorId },
        notify: { customerId: null, staffIds: assignee ? [assignee] : [] },
      }),
      createdAt,
      createdAt + 5,
    ]);

    // What the benchmarks pick from.
    if (deletedAt === null) {
      catalog.perStatus.set(status, (catalog.perStatus.get(status) ?? 0) + 1);
      catalog.perReseller.set(resellerId, (catalog.perReseller.get(resellerId) ?? 0) + 1);
      if (rand() < numberSample) catalog.numbers.push(number);
      if (catalog.subscribers.length < 2000 && !seenSubscribers.has(s) && rand() < 0.05) {
        seenSubscribers.add(s);
        catalog.subscribers.push({ id: sub, resellerId });
      }
      if (unanswered && !archived && firstResponseAt === null) catalog.unanswered.push(id);
      if (serial !== null && !archived) {
        catalog.serials.set(serial, (catalog.serials.get(serial) ?? 0) + 1);
        if (!catalog.serialOf.has(resellerId)) catalog.serialOf.set(resellerId, serial);
      }
    }
    catalog.tickets++;

    if (batch.tickets.length >= plan.batchSize) {
      yield batch;
      batch = { tickets: [], messages: [], audit: [], outbox: [] };
    }
  }
  if (batch.tickets.length > 0) yield batch;
  shuffle(rand, catalog.numbers);
  shuffle(rand, catalog.subscribers);
  shuffle(rand, catalog.unanswered);
}

function shuffle<T>(rand: () => number, items: T[]): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
}

/** An empty catalog for `tenantId`. */
export function emptyCatalog(tenantId: string): SeedCatalog {
  return {
    tenantId,
    tickets: 0,
    messages: 0,
    numbers: [],
    subscribers: [],
    unanswered: [],
    perReseller: new Map(),
    perStatus: new Map(),
    serials: new Map(),
    serialOf: new Map(),
  };
}

/** The generated columns the live table has, and where their values sit in a generated row. */
export interface ColumnSubset {
  columns: SeedColumn[];
  indexes: number[];
  /** Generated columns the table lacks (left out). */
  missing: string[];
}

/** Restricts `columns` to those in `present` (the migrated table's columns). */
export function columnSubset(columns: readonly SeedColumn[], present: ReadonlySet<string>): ColumnSubset {
  const out: ColumnSubset = { columns: [], indexes: [], missing: [] };
  columns.forEach((column, i) => {
    if (present.has(column.name)) {
      out.columns.push(column);
      out.indexes.push(i);
    } else {
      out.missing.push(column.name);
    }
  });
  return out;
}
