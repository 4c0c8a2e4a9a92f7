/**
 * Who exists in the demo: the operator's staff, two resellers with their staff, a few
 * dozen subscribers, and the sign-in keys that stand for a session. In a real panel these
 * come from the host's own user tables; ticketry only ever sees them through the
 * directory and the actors the host builds.
 */
import type { Actor, Directory, DirectoryStaff, DirectorySubscriber, Permission } from '../../src/index.js';

/** The resellers of the demo operator. */
export const RESELLERS = [
  { id: 'res-a', name: 'Northwind Net' },
  { id: 'res-b', name: 'Bluewave Fiber' },
] as const;

const ALL: Permission[] = [
  'tickets.view',
  'tickets.view_all',
  'tickets.create',
  'tickets.edit',
  'tickets.reply',
  'tickets.delete',
];
const RESELLER_STAFF: Permission[] = ['tickets.view', 'tickets.create', 'tickets.edit', 'tickets.reply'];

/** A staff member, with the permissions the demo session gives them. */
export interface DemoStaff extends DirectoryStaff {
  name: string;
  resellerId: string | null;
  permissions: Permission[];
}

/** Operator staff (resellerId null) and each reseller's staff. */
export const STAFF: readonly DemoStaff[] = [
  { id: 'op-anna', name: 'Anna Keller', resellerId: null, permissions: ALL, email: 'anna@isp.example' },
  { id: 'op-david', name: 'David Ortiz', resellerId: null, permissions: ALL, email: 'david@isp.example' },
  { id: 'op-elena', name: 'Elena Petrova', resellerId: null, permissions: ALL, email: 'elena@isp.example' },
  { id: 'ra-boris', name: 'Boris Novak', resellerId: 'res-a', permissions: RESELLER_STAFF, email: 'boris@northwind.example' },
  { id: 'ra-fatima', name: 'Fatima Haddad', resellerId: 'res-a', permissions: RESELLER_STAFF, email: 'fatima@northwind.example' },
  { id: 'rb-carla', name: 'Carla Mendes', resellerId: 'res-b', permissions: RESELLER_STAFF, email: 'carla@bluewave.example' },
  { id: 'rb-gustav', name: 'Gustav Lind', resellerId: 'res-b', permissions: RESELLER_STAFF, email: 'gustav@bluewave.example' },
];

const FIRST = ['Maria', 'Jonas', 'Aisha', 'Pedro', 'Lena', 'Omar', 'Sofia', 'Mateo', 'Yuki', 'Ivan', 'Chloe', 'Kwame'];
const LAST = ['Lopez', 'Berg', 'Khan', 'Silva', 'Wagner', 'Nasser', 'Rossi', 'Garcia', 'Tanaka', 'Sokolov', 'Martin', 'Mensah'];

function subscribersOf(prefix: string, resellerId: string | null, domain: string, offset: number): DirectorySubscriber[] {
  return FIRST.map((_, i) => {
    const first = FIRST[(i + offset) % FIRST.length]!;
    const last = LAST[(i * 5 + offset) % LAST.length]!;
    const n = String(i + 1).padStart(2, '0');
    return {
      id: `sub-${prefix}${n}`,
      resellerId,
      name: `${first} ${last}`,
      username: `${first.toLowerCase()}.${last.toLowerCase()}`,
      email: `${first.toLowerCase()}.${last.toLowerCase()}@${domain}`,
    };
  });
}

/** 36 subscribers: twelve of each reseller and twelve of the operator's own. */
export const SUBSCRIBERS: readonly DirectorySubscriber[] = [
  ...subscribersOf('a', 'res-a', 'mail.northwind.example', 0),
  ...subscribersOf('b', 'res-b', 'mail.bluewave.example', 4),
  ...subscribersOf('o', null, 'home.example', 8),
];

/** Departments (`config.departments`) and who works in each. */
export const DEPARTMENTS = [
  { id: 'support', name: 'Technical support', members: ['op-david', 'op-elena'] },
  { id: 'billing', name: 'Billing', members: ['op-anna'] },
  { id: 'field', name: 'Field operations', members: ['op-david'] },
] as const;

/** A sign-in key of the chooser and the session it stands for. */
export interface SignInKey {
  key: string;
  label: string;
  actor: Actor;
}

const staffActor = (id: string): Actor => {
  const s = STAFF.find((x) => x.id === id)!;
  return { kind: 'staff', id: s.id, name: s.name, resellerId: s.resellerId, permissions: s.permissions };
};
const customerActor = (id: string): Actor => {
  const s = SUBSCRIBERS.find((x) => x.id === id)!;
  return { kind: 'customer', id: s.id, name: s.name ?? s.id, resellerId: s.resellerId };
};

/** The demo's sessions: the cookie `ticketry_demo_actor` holds one of these keys. */
export const SIGN_IN_KEYS: readonly SignInKey[] = [
  { key: 'op-anna', label: 'Operator staff (all permissions)', actor: staffActor('op-anna') },
  { key: 'ra-boris', label: 'Staff of reseller Northwind Net (res-a)', actor: staffActor('ra-boris') },
  { key: 'rb-carla', label: 'Staff of reseller Bluewave Fiber (res-b)', actor: staffActor('rb-carla') },
  { key: 'cust-a1', label: 'Customer of Northwind Net (res-a)', actor: customerActor('sub-a01') },
  { key: 'cust-b1', label: 'Customer of Bluewave Fiber (res-b)', actor: customerActor('sub-b01') },
  { key: 'cust-o1', label: "Customer of the operator's own", actor: customerActor('sub-o01') },
];

/** The actor a sign-in key stands for, or `null` for an unknown key. */
export function actorForKey(key: string | undefined): Actor | null {
  return SIGN_IN_KEYS.find((k) => k.key === key)?.actor ?? null;
}

/** The host directory ticketry asks about subscribers, staff and department members. */
export const demoDirectory: Directory = {
  getSubscriber: (id) => SUBSCRIBERS.find((s) => s.id === id) ?? null,
  getStaff: (id) => {
    const s = STAFF.find((x) => x.id === id);
    return s ? { id: s.id, name: s.name, resellerId: s.resellerId, ...(s.email ? { email: s.email } : {}) } : null;
  },
  listDepartmentMembers: (department) => DEPARTMENTS.find((d) => d.id === department)?.members ?? [],
  findSubscriberByEmail: (email) => SUBSCRIBERS.find((s) => s.email === email) ?? null,
};

/**
 * The people a signed-in staff member may see by name and assign: the operator's staff
 * and the staff and subscribers of their own reseller (all of them for operator staff).
 * Customers get nobody: their pages never show staff ids.
 */
export function peopleFor(actor: Actor): { staff: { id: string; name: string; resellerId: string | null }[]; subscribers: Record<string, string> } {
  if (actor.kind !== 'staff') return { staff: [], subscribers: {} };
  const own = (resellerId: string | null) => !actor.resellerId || resellerId === null || resellerId === actor.resellerId;
  const staff = STAFF.filter((s) => own(s.resellerId)).map(({ id, name, resellerId }) => ({ id, name, resellerId }));
  const subscribers: Record<string, string> = {};
  for (const s of SUBSCRIBERS) {
    if (!actor.resellerId || s.resellerId === actor.resellerId) subscribers[s.id] = s.name ?? s.id;
  }
  return { staff, subscribers };
}
