/**
 * Who may see and do what. Scope is decided here, once, and handed to every store query;
 * nothing else in ticketry decides visibility.
 */
import { ForbiddenError, ValidationError } from './errors.js';
import { requireObject } from './guard.js';
import type { StoreScope } from './store.js';
import type { Actor, Permission, StaffActor } from './types.js';

/** The tickets and messages `actor` may read in `tenantId`. */
export function scopeFor(tenantId: string, actor: Actor): StoreScope {
  requireObject(actor, 'actor', 'scopeFor');
  switch (actor.kind) {
    case 'customer':
      // A reseller's staff acting as the reseller: the reseller's own requests to the operator.
      if (actor.requesterResellerId) {
        return { tenantId, requesterResellerId: actor.requesterResellerId, visibility: 'customer' };
      }
      // The subscriber id comes from the actor the host built from its session, never from input.
      return { tenantId, subscriberId: actor.id, requesterResellerId: null, visibility: 'customer' };
    case 'staff':
      if (isResellerStaff(actor) && !actor.permissions.includes('tickets.view_all')) {
        // Tickets their subscribers addressed to the operator go over their head.
        return { tenantId, resellerId: actor.resellerId!, addressedTo: 'reseller', visibility: 'staff' };
      }
      return { tenantId, visibility: 'staff' };
    case 'system':
      return { tenantId, visibility: 'staff' };
  }
  // Fail closed: an actor of no known kind sees nothing.
  throw new ValidationError(`scopeFor: unknown actor kind ${JSON.stringify((actor as { kind: unknown }).kind)}`, 'actor.kind');
}

/** Reseller staff: staff with a reseller id. Operator staff have none. */
export function isResellerStaff(actor: StaffActor): boolean {
  return actor.resellerId !== undefined && actor.resellerId !== null;
}

/** Whether `actor` is staff holding `permission` (the system actor holds every permission). */
export function hasPermission(actor: Actor, permission: Permission): boolean {
  if (actor.kind === 'system') return true;
  return actor.kind === 'staff' && actor.permissions.includes(permission);
}

/**
 * Throws `forbidden` unless a staff actor holds `permission`. Customers are not checked
 * here: what they may do is fixed by the rules of each operation.
 */
export function requireStaffPermission(actor: Actor, permission: Permission, action: string): void {
  if (actor.kind === 'staff' && !actor.permissions.includes(permission)) {
    throw new ForbiddenError(`Staff member ${actor.id} needs the ${permission} permission to ${action}`, {
      params: { permission, action },
    });
  }
}

/** Throws `forbidden` unless the actor is staff or system. */
export function requireStaff(actor: Actor, action: string): void {
  if (actor.kind === 'customer') {
    throw new ForbiddenError(`Customers cannot ${action}`, { params: { action } });
  }
}

/** Whether `subscriberResellerId` lies inside the actor's reseller scope. */
export function coversReseller(actor: Actor, subscriberResellerId: string | null): boolean {
  if (actor.kind !== 'staff' || !isResellerStaff(actor)) return true;
  if (actor.permissions.includes('tickets.view_all')) return true;
  return subscriberResellerId === actor.resellerId;
}

/**
 * The input fields a customer may send, per operation; every other field is staff-only.
 * An allow-list, so a field added to an input later is staff-only until listed here.
 */
const CUSTOMER_FIELDS = {
  create: {
    allowed: ['subject', 'body', 'category', 'priority', 'department', 'addressedTo', 'attachments'],
    refusal: (field: string) => `Customers cannot set ${field} when opening a ticket`,
  },
  list: {
    allowed: [
      'status', 'priority', 'category', 'department', 'subscriberId', 'q', 'limit', 'cursor', 'sort',
      'archived', 'createdFrom', 'createdTo',
    ],
    refusal: (field: string) => `Customers cannot filter by ${field}`,
  },
  reply: {
    allowed: ['body', 'attachments'],
    refusal: (field: string) => `Customers cannot set ${field} on a reply`,
  },
  update: {
    allowed: ['status', 'expectedVersion'],
    refusal: (field: string) => `Customers cannot change ${field}; only status (closing a resolved ticket)`,
  },
} as const satisfies Record<string, { allowed: readonly string[]; refusal: (field: string) => string }>;

/** An operation whose input customers may send only some fields of. */
export type CustomerOperation = keyof typeof CUSTOMER_FIELDS;

/** Throws `validation`, naming the field, when a customer sends a staff-only field. */
export function checkCustomerFields(actor: Actor, operation: CustomerOperation, input: object): void {
  if (actor.kind !== 'customer') return;
  const rule = CUSTOMER_FIELDS[operation];
  for (const [field, value] of Object.entries(input)) {
    if (value !== undefined && !(rule.allowed as readonly string[]).includes(field)) {
      throw new ValidationError(rule.refusal(field), field);
    }
  }
}
