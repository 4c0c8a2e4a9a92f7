/**
 * Questions the service asks the host's directory: whose reseller a subscriber is, who a
 * would-be assignee is, and staff names for system notes and the audit trail.
 */
import { ConfigError, ForbiddenError, NotFoundError, ValidationError } from '../errors.js';
import { coversReseller } from '../permissions.js';
import type { Actor, CustomerActor, DirectoryStaff } from '../types.js';
import type { ServiceContext } from './service-context.js';

/**
 * Refuses an assignee. An unknown id and another reseller's staff member get the same
 * answer, so a reseller cannot enumerate other resellers' staff.
 */
function cannotAssign(assigneeId: string): ValidationError {
  return new ValidationError(
    `No staff member "${assigneeId}" who can take this ticket; assign someone of the ticket's reseller or the operator's staff`,
    'assigneeId',
    { params: { assigneeId } },
  );
}

/** The directory's record of a would-be assignee; `null` without a directory. */
export async function findAssignee(ctx: ServiceContext, assigneeId: string): Promise<DirectoryStaff | null> {
  if (!ctx.directory) return null;
  const staff = await ctx.directory.getStaff(assigneeId);
  if (!staff) throw cannotAssign(assigneeId);
  return staff;
}

/** Reseller staff may only own tickets of their reseller's subscribers. */
export function checkAssigneeReseller(staff: DirectoryStaff | null, ticketResellerId: string | null): void {
  const resellerId = staff?.resellerId ?? null;
  if (staff && resellerId !== null && resellerId !== ticketResellerId) throw cannotAssign(staff.id);
}

/**
 * The reseller of a customer opening a ticket. With a directory, the directory's answer
 * (the actor's `resellerId` comes from the caller's session and is not trusted); a
 * subscriber the directory does not know cannot file. Without one, the actor's value.
 */
export async function customerReseller(ctx: ServiceContext, actor: CustomerActor): Promise<string | null> {
  if (!ctx.directory) return actor.resellerId ?? null;
  const subscriber = await ctx.directory.getSubscriber(actor.id);
  if (!subscriber) {
    throw new ForbiddenError(`The directory does not know subscriber ${actor.id}, so they cannot open tickets`, {
      params: { subscriber: actor.id },
    });
  }
  return subscriber.resellerId ?? null;
}

/** The reseller of the subscriber a staff or system actor opens a ticket for. */
export async function subscriberReseller(
  ctx: ServiceContext,
  actor: Actor,
  subscriberId: string,
): Promise<string | null> {
  if (!ctx.directory) {
    // Without a directory the subscriber's reseller is unknown. Operator staff file at
    // operator level; reseller staff could otherwise file under another reseller's
    // subscriber, so they need the directory to vouch for the subscriber.
    if (actor.kind === 'staff' && actor.resellerId) {
      throw new ConfigError(
        'Reseller staff can open tickets for subscribers only when the service has a directory (createTicketService({ directory })) to confirm the subscriber is theirs',
        { params: { field: 'directory' } },
      );
    }
    return null;
  }
  const subscriber = await ctx.directory.getSubscriber(subscriberId);
  const resellerId = subscriber ? (subscriber.resellerId ?? null) : null;
  // Another reseller's subscriber reads as unknown, so existence does not leak.
  if (!subscriber || !coversReseller(actor, resellerId)) {
    throw new NotFoundError(`Subscriber ${subscriberId} not found`, { params: { subscriber: subscriberId } });
  }
  return resellerId;
}

/** Display names of staff ids the directory knows. */
export async function staffNames(ctx: ServiceContext, ids: (string | null)[]): Promise<Record<string, string>> {
  const names: Record<string, string> = {};
  if (!ctx.directory) return names;
  for (const id of ids) {
    if (!id) continue;
    const staff = await ctx.directory.getStaff(id);
    if (staff?.name) names[id] = staff.name;
  }
  return names;
}
