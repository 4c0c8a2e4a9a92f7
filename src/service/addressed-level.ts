/**
 * Addressed level (seed 002, ISPmanager's hierarchy): a ticket is addressed to the
 * subscriber's reseller (the default when there is one) or straight to the operator, over
 * the reseller's head: reseller staff without `tickets.view_all` do not see it.
 *
 * A reseller's staff open tickets of the reseller's own to the operator by acting as the
 * reseller, a customer of the operator: `resellerRequester(staff)` is a customer actor
 * whose `requesterResellerId` is the reseller. Its tickets have `requesterResellerId` set,
 * `subscriberId` = the reseller id, no `resellerId` (owned at operator level), and are
 * addressed to the operator; every staff member of that reseller reads and answers them
 * through the requester actor, in the customer's view (no internal notes, no staff ids),
 * and the operator's staff answer them like any ticket. (The scope itself is decided in
 * `scopeFor`, `permissions.ts`.)
 */
import { ForbiddenError, ValidationError } from '../errors.js';
import { requireObject } from '../guard.js';
import { isResellerStaff } from '../permissions.js';
import type { Actor, AddressLevel, CustomerActor, StaffActor } from '../types.js';
import type { ServiceContext } from './service-context.js';

/** A reseller's staff member acting as the reseller, a customer of the operator. */
export type RequesterActor = CustomerActor & {
  /** The reseller whose requests to the operator the actor reads and writes. */
  requesterResellerId: string;
};

/**
 * The customer actor a reseller's staff member uses for the reseller's own tickets to the
 * operator: `desk.create(resellerRequester(staff), { subject, body })`, then `get`, `list`
 * and `addReply` with it, all in the customer's view. Build it from the staff member's
 * session, as you build the staff actor.
 */
export function resellerRequester(staff: StaffActor): RequesterActor {
  requireObject(staff, 'staff', 'resellerRequester');
  if (staff.kind !== 'staff' || !isResellerStaff(staff) || typeof staff.resellerId !== 'string') {
    throw new ValidationError(
      'resellerRequester: staff must be a reseller staff actor ({ kind: "staff", resellerId, ... }); operator staff have nobody above them to ask',
      'staff',
      { params: { helper: 'resellerRequester' } },
    );
  }
  return {
    kind: 'customer',
    id: staff.id,
    ...(staff.name !== undefined ? { name: staff.name } : {}),
    requesterResellerId: staff.resellerId,
  };
}

/** The reseller a requester actor acts for; `null` for every other actor. */
export function requesterOf(actor: Actor): string | null {
  if (actor.kind !== 'customer') return null;
  const requester = (actor as Partial<RequesterActor>).requesterResellerId;
  return typeof requester === 'string' && requester.length > 0 ? requester : null;
}

/**
 * Whether a create by `actor` is a reseller staff member opening the reseller's own
 * request (`addressedTo: 'operator'` and no `subscriberId`), which is filed as
 * `resellerRequester(actor)` would file it.
 */
export function opensOwnRequest(
  actor: Actor,
  input: { addressedTo?: AddressLevel | undefined; subscriberId?: string | undefined },
): boolean {
  return (
    actor.kind === 'staff' && isResellerStaff(actor) && input.addressedTo === 'operator' && input.subscriberId === undefined
  );
}

/**
 * Checks a requester with the host's directory, when there is one: the staff member must
 * be known there as staff of that reseller (the directory, not the session, decides).
 */
export async function checkRequester(ctx: ServiceContext, actor: CustomerActor, resellerId: string): Promise<void> {
  if (!ctx.directory) return;
  const staff = await ctx.directory.getStaff(actor.id);
  if (!staff || (staff.resellerId ?? null) !== resellerId) {
    throw new ForbiddenError(
      `The directory does not know ${actor.id} as staff of reseller ${resellerId}, so they cannot open tickets as that reseller`,
      { params: { staff: actor.id, reseller: resellerId } },
    );
  }
}

/**
 * The level a new ticket is addressed to. `requested` is the input's `addressedTo`;
 * `resellerId` the subscriber's reseller. A requester's ticket goes to the operator; a
 * subscriber without a reseller can only address the operator; reseller staff open
 * tickets for their subscribers at their own level (their own requests to the operator go
 * through `resellerRequester`).
 */
export function addressFor(actor: Actor, requested: AddressLevel | undefined, resellerId: string | null): AddressLevel {
  if (requesterOf(actor) !== null) {
    if (requested === 'reseller') {
      throw new ValidationError('A reseller’s own request is addressed to the operator', 'addressedTo', {
        params: { allowed: ['operator'] },
      });
    }
    return 'operator';
  }
  if (resellerId === null) {
    if (requested === 'reseller') {
      throw new ValidationError('This subscriber has no reseller; address the ticket to the operator', 'addressedTo', {
        params: { allowed: ['operator'] },
      });
    }
    return 'operator';
  }
  if (actor.kind === 'staff' && isResellerStaff(actor) && requested === 'operator') {
    throw new ValidationError(
      'Reseller staff open their subscribers’ tickets at their own level; to ask the operator yourself, open a ticket without subscriberId (or as resellerRequester(staff))',
      'addressedTo',
      { params: { allowed: ['reseller'] } },
    );
  }
  return requested ?? 'reseller';
}

/**
 * The reseller whose staff may own a ticket: its subscriber's reseller when addressed to
 * the reseller; nobody's (operator staff only) when addressed to the operator, since the
 * reseller's staff cannot see it.
 */
export function owningReseller(ticket: { resellerId: string | null; addressedTo: AddressLevel }): string | null {
  return ticket.addressedTo === 'operator' ? null : ticket.resellerId;
}
