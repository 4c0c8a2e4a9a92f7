/**
 * The guard of the per-staff operations (favorites, read marks, saved filters): they
 * belong to one staff member, so only a staff actor has them.
 */
import { ForbiddenError } from '../errors.js';
import type { Actor, StaffActor } from '../types.js';

/** Throws `forbidden` unless `actor` is a staff member: customers and the system have no per-staff state. */
export function requireStaffMember(actor: Actor, action: string): asserts actor is StaffActor {
  if (actor.kind === 'staff') return;
  const who = actor.kind === 'customer' ? 'Customers' : 'The system actor';
  throw new ForbiddenError(`${who} cannot ${action}; only a staff member can`, { params: { action } });
}
