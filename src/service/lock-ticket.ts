/**
 * `desk.lock` / `desk.unlock`: a staff member takes a ticket for a while (BILLmanager's
 * blocking, released by `ticket.unblock`), so two people do not answer it at once. The lock
 * lives on the ticket row (`lockedById`, `lockedByName`, `lockedUntil`) and expires by
 * itself on the service clock. It is staff-only: it moves neither `updatedAt` nor anything
 * a customer sees, and its events never notify the customer.
 */
import { ForbiddenError } from '../errors.js';
import type { Notify } from '../events/event-types.js';
import { requireStaffPermission } from '../permissions.js';
import { assertNotDeleted } from '../status-machine.js';
import type { StoreTx, TicketPatch } from '../store.js';
import type { Actor, RequestContext, StaffActor, Ticket } from '../types.js';
import { parseInput } from '../validate.js';
import { lazySchema } from '../zod-loader.js';
import { staffNames } from './directory-lookups.js';
import { writeAudit } from './records.js';
import {
  findByRef,
  parseActor,
  parseRequestContext,
  parseTicketRef,
  readScope,
  staleTicket,
  ticketNotFound,
} from './request-guards.js';
import type { ServiceContext } from './service-context.js';
import { DEFAULT_LOCK_SECONDS, MAX_LOCK_SECONDS, heldLock, lockedError, visibleLock, type HeldLock } from './ticket-lock.js';
import { runWrite } from './write.js';

/** Options of `desk.lock`. */
export interface LockOptions {
  /** How long the lock lasts, in whole seconds, 1 to 86400 (24 h). @default 900 (15 min) */
  ttlSeconds?: number;
  /** Take the lock from another staff member who holds it (needs `tickets.edit`). @default false */
  force?: boolean;
}

const lockOptionsSchema = lazySchema((z) =>
  z.strictObject({
    ttlSeconds: z
      .number()
      .int('must be a whole number of seconds')
      .min(1, 'must be at least 1 second')
      .max(MAX_LOCK_SECONDS, `must be at most ${MAX_LOCK_SECONDS} seconds (24 hours)`)
      .optional(),
    force: z.boolean().optional(),
  }),
);

const unlockOptionsSchema = lazySchema((z) => z.strictObject({ force: z.boolean().optional() }));

/** Takes the lock on `ticketId` for the acting staff member, or extends the lock they hold. */
export async function lockTicket(
  ctx: ServiceContext,
  actorInput: Actor,
  ticketId: string,
  options: LockOptions = {},
  contextInput: RequestContext = {},
): Promise<Ticket> {
  const actor = parseActor(actorInput);
  const context = parseRequestContext(contextInput);
  const o = parseInput(lockOptionsSchema, options ?? {}, 'lock options');
  if (actor.kind !== 'staff') {
    throw new ForbiddenError(
      actor.kind === 'customer' ? 'Customers cannot lock tickets' : 'Only a staff member can hold a lock, not the system actor',
      { params: { action: 'lock tickets' } },
    );
  }
  const scope = readScope(ctx, actor);
  requireStaffPermission(actor, 'tickets.reply', 'lock tickets');
  const ref = parseTicketRef(ticketId);
  const name = await holderName(ctx, actor);
  const ttl = o.ttlSeconds ?? DEFAULT_LOCK_SECONDS;

  return runWrite(ctx, async (tx, events) => {
    const now = ctx.clock();
    const ticket = await findByRef(ctx, ref, (r) => tx.lockTicket({ ...scope, includeDeleted: true }, r));
    if (!ticket) throw ticketNotFound(ref);
    assertNotDeleted(ticket);
    const current = heldLock(ticket, now);
    const takenFrom = current !== null && current.holderId !== actor.id ? current : null;
    if (takenFrom) {
      if (!o.force) throw lockedError(ticket, takenFrom);
      requireStaffPermission(actor, 'tickets.edit', "take another staff member's lock");
    }
    const until = new Date(now.getTime() + ttl * 1000);
    const next = await writeLock(ctx, tx, ticket, { lockedById: actor.id, lockedByName: name, lockedUntil: until });
    await writeAudit(ctx, tx, actor, ticket.id, 'locked', context, now, {
      lockedById: { from: current?.holderId ?? null, to: actor.id },
      // ISO strings: the audit trail is JSON in SQL stores, and every store must read alike.
      lockedUntil: { from: current?.until.toISOString() ?? null, to: until.toISOString() },
    });
    await events.add('ticket.locked', next, actor, now, { lockedUntil: until, notify: lockNotify(takenFrom) });
    return next;
  });
}

/**
 * Releases the lock on `ticketId`. The holder releases their own; another staff member's
 * unexpired lock needs `force` and `tickets.edit`; the system releases any. A ticket with
 * no lock (or an expired one) comes back unchanged, and nothing is written.
 */
export async function unlockTicket(
  ctx: ServiceContext,
  actorInput: Actor,
  ticketId: string,
  options: { force?: boolean } = {},
  contextInput: RequestContext = {},
): Promise<Ticket> {
  const actor = parseActor(actorInput);
  const context = parseRequestContext(contextInput);
  const o = parseInput(unlockOptionsSchema, options ?? {}, 'unlock options');
  if (actor.kind === 'customer') {
    throw new ForbiddenError('Customers cannot unlock tickets', { params: { action: 'unlock tickets' } });
  }
  const scope = readScope(ctx, actor);
  requireStaffPermission(actor, 'tickets.reply', 'unlock tickets');
  const ref = parseTicketRef(ticketId);

  return runWrite(ctx, async (tx, events) => {
    const now = ctx.clock();
    const ticket = await findByRef(ctx, ref, (r) => tx.lockTicket({ ...scope, includeDeleted: true }, r));
    if (!ticket) throw ticketNotFound(ref);
    assertNotDeleted(ticket);
    const current = heldLock(ticket, now);
    if (current === null) return visibleLock(ticket, now);
    const takenFrom = actor.kind === 'staff' && current.holderId !== actor.id ? current : null;
    if (takenFrom) {
      if (!o.force) throw lockedError(ticket, takenFrom);
      requireStaffPermission(actor, 'tickets.edit', "release another staff member's lock");
    }
    const next = await writeLock(ctx, tx, ticket, { lockedById: null, lockedByName: null, lockedUntil: null });
    await writeAudit(ctx, tx, actor, ticket.id, 'unlocked', context, now, {
      lockedById: { from: current.holderId, to: null },
      lockedUntil: { from: current.until.toISOString(), to: null },
    });
    // The system releasing someone's lock tells them too.
    const released = actor.kind === 'system' ? current : takenFrom;
    await events.add('ticket.unlocked', next, actor, now, { notify: lockNotify(released) });
    return next;
  });
}

/** The name the lock shows: the actor's, else the directory's, else none. */
async function holderName(ctx: ServiceContext, actor: StaffActor): Promise<string | null> {
  if (actor.name) return actor.name;
  return (await staffNames(ctx, [actor.id]))[actor.id] ?? null;
}

/**
 * Writes only the lock fields. Not through `applyPatch`: a lock changes neither status,
 * SLA clock nor `updatedAt` (a lock is not activity on the ticket, so the queue and the
 * `updated` order do not move); the version still moves, as with every write.
 */
async function writeLock(ctx: ServiceContext, tx: StoreTx, ticket: Ticket, patch: TicketPatch): Promise<Ticket> {
  const ok = await tx.updateTicket(ctx.tenantId, ticket.id, ticket.version, patch);
  // The row is locked, so only a store that does not lock can get here.
  if (!ok) throw staleTicket(ticket, ticket.version);
  return { ...ticket, ...patch, version: ticket.version + 1 };
}

/** Never the customer; the staff member whose lock was taken or released by someone else. */
function lockNotify(from: HeldLock | null): Notify {
  return { customerId: null, staffIds: from ? [from.holderId] : [], queue: false };
}
