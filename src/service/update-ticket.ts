/** `desk.update`: staff change fields and status; customers close their resolved ticket. */
import { lastReplyAt, toCustomerTicket, type CustomerTicket } from '../customer-view.js';
import type { Changes } from '../events/event-types.js';
import { notifyForAssignment, notifyForStatus, notifyStaff } from '../events/notify.js';
import { checkCustomerFields, requireStaffPermission } from '../permissions.js';
import { updatePatchSchema, type UpdatePatch } from '../schemas.js';
import { assertNotDeleted, checkTransition } from '../status-machine.js';
import type { TicketPatch } from '../store.js';
import type { Actor, RequestContext, SystemNote, Ticket } from '../types.js';
import { parseInput } from '../validate.js';
import { owningReseller } from './addressed-level.js';
import { applyPatch } from './apply-patch.js';
import { checkAssigneeReseller, findAssignee, staffNames } from './directory-lookups.js';
import { checkCategory, checkDepartment, checkPriority } from './input-rules.js';
import { writeAudit, writeSystemNote } from './records.js';
import { routeTicket } from './routing.js';
import {
  findByRef,
  findReadable,
  parseActor,
  parseRequestContext,
  parseTicketRef,
  readScope,
  staleTicket,
  ticketNotFound,
} from './request-guards.js';
import type { ServiceContext } from './service-context.js';
import { checkLock, lockOverride, visibleLock } from './ticket-lock.js';
import { runWrite } from './write.js';

/** The fields `update` copies from the patch when they differ. */
const PLAIN_FIELDS = ['subject', 'category', 'priority', 'department', 'assigneeId'] as const;

/** Applies `patchInput` to `ticketId`; returns the ticket as it is afterwards. */
export async function updateTicket(
  ctx: ServiceContext,
  actorInput: Actor,
  ticketId: string,
  patchInput: UpdatePatch,
  contextInput: RequestContext = {},
): Promise<Ticket | CustomerTicket> {
  const actor = parseActor(actorInput);
  const context = parseRequestContext(contextInput);
  const p = parseInput(updatePatchSchema, patchInput, 'update');
  const scope = readScope(ctx, actor);
  checkCustomerFields(actor, 'update', p);
  if (actor.kind !== 'customer') requireStaffPermission(actor, 'tickets.edit', 'edit tickets');
  if (p.category !== undefined) checkCategory(ctx.config, p.category);
  if (p.priority !== undefined) checkPriority(ctx.config, p.priority);
  if (p.department !== undefined) checkDepartment(ctx.config, p.department);
  const ref = parseTicketRef(ticketId);
  // Ask the host's directory before the transaction, so no row stays locked meanwhile.
  const assignee = p.assigneeId ? await findAssignee(ctx, p.assigneeId) : null;
  const names =
    p.assigneeId !== undefined
      ? await staffNames(ctx, [(await findReadable(ctx, scope, ref))?.assigneeId ?? null, p.assigneeId])
      : {};

  const updated = await runWrite(ctx, async (tx, events) => {
    const now = ctx.clock();
    const ticket = await findByRef(ctx, ref, (r) => tx.lockTicket({ ...scope, includeDeleted: true }, r));
    if (!ticket) throw ticketNotFound(ref);
    assertNotDeleted(ticket);
    if (p.expectedVersion !== undefined && p.expectedVersion !== ticket.version) {
      throw staleTicket(ticket, p.expectedVersion);
    }
    checkLock(ctx, actor, ticket, p.force);
    if (p.status !== undefined) checkTransition(actor, ticket, p.status);
    if (p.assigneeId && p.assigneeId !== ticket.assigneeId) checkAssigneeReseller(assignee, owningReseller(ticket));

    const changes: Changes = {};
    const patch: TicketPatch = {};
    for (const key of PLAIN_FIELDS) {
      const value = p[key];
      if (value === undefined || value === ticket[key]) continue;
      changes[key] = { from: ticket[key], to: value };
      (patch as Record<string, unknown>)[key] = value;
    }
    if (p.deadlineAt !== undefined && p.deadlineAt?.getTime() !== ticket.deadlineAt?.getTime()) {
      changes.deadlineAt = { from: ticket.deadlineAt, to: p.deadlineAt };
      patch.deadlineAt = p.deadlineAt;
    }
    if (p.raised !== undefined && p.raised !== ticket.raised) {
      changes.raised = { from: ticket.raised, to: p.raised };
      patch.raised = p.raised;
    }
    const status = p.status ?? ticket.status;
    if (status !== ticket.status) changes.status = { from: ticket.status, to: status };
    // A new category may route the ticket (rules in config.routing); what the patch names wins.
    const routed = changes.category
      ? await routeTicket(ctx, tx, { ...ticket, ...patch } as Ticket, {
          department: p.department !== undefined,
          assigneeId: p.assigneeId !== undefined,
        })
      : null;
    if (routed) {
      for (const [field, value] of Object.entries(routed.fields) as [keyof TicketPatch, unknown][]) {
        if (value === (ticket as unknown as Record<string, unknown>)[field]) continue;
        changes[field] = { from: (ticket as unknown as Record<string, unknown>)[field], to: value };
        (patch as Record<string, unknown>)[field] = value;
      }
    }
    if (Object.keys(changes).length === 0) return ticket;


    patch.updatedAt = now;
    const next = await applyPatch(ctx, tx, ticket, patch, status, now);

    const notes: SystemNote[] = [];
    if (changes.status) notes.push({ kind: 'status_changed', from: ticket.status, to: status });
    if (changes.assigneeId) notes.push({ kind: 'assigned', from: ticket.assigneeId, to: next.assigneeId });
    if (changes.priority) notes.push({ kind: 'priority_changed', from: ticket.priority, to: next.priority });
    if (changes.category) notes.push({ kind: 'category_changed', from: ticket.category, to: next.category });
    if (changes.department) {
      notes.push({ kind: 'department_changed', from: ticket.department, to: next.department });
    }
    for (const note of notes) await writeSystemNote(ctx, tx, ticket.id, note, now, names);

    const auditChanges: Changes = {
      ...changes,
      ...(routed ? routed.changes : {}),
      ...lockOverride(actor, ticket, now),
      ...(next.archived !== ticket.archived ? { archived: { from: ticket.archived, to: next.archived } } : {}),
    };
    if (changes.assigneeId) {
      auditChanges.assigneeName = {
        from: ticket.assigneeId ? (names[ticket.assigneeId] ?? null) : null,
        to: next.assigneeId ? (names[next.assigneeId] ?? null) : null,
      };
    }
    await writeAudit(ctx, tx, actor, ticket.id, 'updated', context, now, auditChanges);

    await events.add('ticket.updated', next, actor, now, { changes, notify: notifyStaff(next, actor) });
    if (changes.assigneeId) {
      await events.add('ticket.assigned', next, actor, now, {
        from: ticket.assigneeId,
        to: next.assigneeId,
        notify: notifyForAssignment(next, actor),
      });
    }
    if (changes.status) {
      await events.add('ticket.status_changed', next, actor, now, {
        from: ticket.status,
        to: status,
        notify: notifyForStatus(next, actor, false),
      });
    }
    return next;
  });
  // An expired lock reads as no lock.
  if (actor.kind !== 'customer') return visibleLock(updated, ctx.clock());
  return toCustomerTicket(
    updated,
    lastReplyAt(await ctx.store.listMessages(scope, updated.id)),
    ctx.config.customerStatuses,
  );
}
