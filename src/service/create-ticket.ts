/** `desk.create`: opens a ticket with its opening message. */
import { toCustomerTicket, type CustomerTicket } from '../customer-view.js';
import { notifyForMessage } from '../events/notify.js';
import { checkCustomerFields, requireStaffPermission } from '../permissions.js';
import { createTicketInputSchema, type CreateTicketInput } from '../schemas.js';
import { checkCreateStatus } from '../status-machine.js';
import type { Actor, CustomerActor, RequestContext, StaffActor, Status, Ticket } from '../types.js';
import { ValidationError } from '../errors.js';
import { parseInput } from '../validate.js';
import { addressFor, checkRequester, opensOwnRequest, owningReseller, requesterOf, resellerRequester } from './addressed-level.js';
import { checkAssigneeReseller, customerReseller, findAssignee, subscriberReseller } from './directory-lookups.js';
import { checkCategory, checkCustomerPriority, checkDepartment, checkPriority } from './input-rules.js';
import type { IntakeWrite } from '../email/intake-write.js';
import { checkPolicy } from './policy.js';
import { checkAttachmentRequest, recordAttachments, stageAttachments, writeWithAttachments } from './attachments.js';
import { newTicket } from './new-ticket.js';
import { newMessage, writeAudit } from './records.js';
import { checkMessageBody, renderMessage } from './render-message.js';
import { parseActor, parseRequestContext } from './request-guards.js';
import { prepareRouting, routeTicket } from './routing.js';
import type { ServiceContext } from './service-context.js';
import { runWrite } from './write.js';

/**
 * Opens a ticket for the customer actor, or for `input.subscriberId` (staff, system), or
 * a reseller's own request to the operator (`resellerRequester(staff)`, or reseller staff
 * with `addressedTo: 'operator'` and no `subscriberId`).
 *
 * @param mail Internal (`ingestEmail`): the ticket came by email; never passed by the facade.
 */
export async function createTicket(
  ctx: ServiceContext,
  actorInput: Actor,
  input: CreateTicketInput,
  contextInput: RequestContext = {},
  mail?: IntakeWrite,
): Promise<Ticket | CustomerTicket> {
  const caller = parseActor(actorInput);
  const context = parseRequestContext(contextInput);
  const data = parseInput(createTicketInputSchema, input, 'ticket');
  // Reseller staff asking the operator themselves: filed exactly as the reseller, a
  // customer of the operator, would file it (plain text, waiting for the operator's
  // answer); only the row they get back is the staff one.
  const ownRequest = opensOwnRequest(caller, data);
  if (ownRequest) requireStaffPermission(caller, 'tickets.create', 'open tickets');
  const actor: Actor = ownRequest ? resellerRequester(caller as StaffActor) : caller;
  checkMessageBody(ctx, actor, data.body);
  checkCustomerFields(actor, 'create', data);
  checkAttachmentRequest(ctx, data.attachments);

  let subscriberId: string;
  let resellerId: string | null;
  const requester = requesterOf(actor);
  if (requester !== null) {
    // The reseller is the operator's customer: the ticket is owned at operator level.
    await checkRequester(ctx, actor as CustomerActor, requester);
    subscriberId = requester;
    resellerId = null;
  } else if (actor.kind === 'customer') {
    subscriberId = actor.id;
    // A mail's sender was looked up by address (a guest has no directory entry at all).
    resellerId = mail ? mail.resellerId : await customerReseller(ctx, actor);
  } else {
    requireStaffPermission(actor, 'tickets.create', 'open tickets for subscribers');
    // Opening records what happened; owning and scheduling the work is editing.
    for (const field of ['assigneeId', 'deadlineAt'] as const) {
      if (data[field] !== undefined && data[field] !== null) {
        requireStaffPermission(actor, 'tickets.edit', `set ${field} when opening a ticket`);
      }
    }
    if (!data.subscriberId) {
      throw new ValidationError('subscriberId is required when staff open a ticket', 'subscriberId');
    }
    subscriberId = data.subscriberId;
    resellerId = await subscriberReseller(ctx, actor, subscriberId);
  }

  const category = checkCategory(ctx.config, data.category ?? ctx.config.defaultCategory);
  const priority = checkPriority(ctx.config, data.priority ?? ctx.config.defaultPriority);
  if (actor.kind === 'customer') checkCustomerPriority(ctx.config, priority);
  const department = checkDepartment(ctx.config, data.department ?? null);
  const status: Status = data.status ?? 'open';
  checkCreateStatus(actor, status);
  const addressedTo = addressFor(actor, data.addressedTo, resellerId);
  const assigneeId = data.assigneeId ?? null;
  if (assigneeId) checkAssigneeReseller(await findAssignee(ctx, assigneeId), owningReseller({ resellerId, addressedTo }));

  const now = ctx.clock();
  const ticket = newTicket(
    ctx,
    actor,
    {
      subject: data.subject,
      category,
      department,
      priority,
      status,
      subscriberId,
      resellerId,
      assigneeId,
      // Staff opening a ticket for a customer (a call, a walk-in) is the first response;
      // a ticket the system opens (monitoring, an import) still waits for one.
      firstResponseAt: actor.kind === 'staff' ? now : null,
      deadlineAt: data.deadlineAt ?? null,
      customerPriority: priority,
      // A customer (or the system, for them) opening a ticket waits for staff from now on.
      waitingSince: actor.kind === 'staff' || status !== 'open' ? null : now,
      customerMessageAt: actor.kind === 'customer' ? now : null,
      addressedTo,
      requesterResellerId: requester,
      ...(mail ? { channel: 'email' as const, requesterEmail: mail.requesterEmail } : {}),
    },
    now,
  );
  await checkPolicy(ctx, { operation: 'create', actor, ticket, body: data.body });
  // The directory is asked here, before the transaction; the pick itself is made in it.
  const explicit = { department: data.department !== undefined, assigneeId: data.assigneeId !== undefined };
  const routing = await prepareRouting(ctx, ticket, explicit);
  // Every check is done: only a request that will be written pays for rendering.
  const html = await renderMessage(ctx, actor, data.body);
  // Every check passed: the files stream into the blob store now, before the transaction.
  const staged = mail ? await mail.stage() : await stageAttachments(ctx, data.attachments);
  const message = {
    ...newMessage(ctx, actor, ticket.id, data.body, html, { opening: true, internal: false, now }),
    attachments: [...staged.list],
    email: mail?.email ?? null,
  };

  return writeWithAttachments(ctx, staged, () => runWrite(ctx, async (tx, events) => {
    const seq = await tx.nextSequence(ctx.tenantId, ctx.numbers.counterKey(now));
    ticket.number = ctx.numbers.format(seq, now);
    const routed = await routeTicket(ctx, tx, ticket, explicit, routing);
    // A copy, so a transaction the store runs again starts from the unrouted ticket.
    const row: Ticket = routed ? { ...ticket, ...routed.fields } : { ...ticket };
    await tx.insertTicket(ctx.tenantId, row);
    await tx.insertMessage(ctx.tenantId, message);
    if (mail) await mail.record(tx, row.id, message.id);
    await recordAttachments(ctx, tx, message, staged);
    await writeAudit(ctx, tx, actor, ticket.id, 'created', context, now, {
      number: { from: null, to: ticket.number },
      status: { from: null, to: status },
      priority: { from: null, to: priority },
      category: { from: null, to: category },
      addressedTo: { from: null, to: addressedTo },
      ...(mail ? { channel: { from: null, to: 'email' } } : {}),
      ...(row.department ? { department: { from: null, to: row.department } } : {}),
      ...(requester ? { requesterResellerId: { from: null, to: requester } } : {}),
      ...(row.assigneeId ? { assigneeId: { from: null, to: row.assigneeId } } : {}),
      ...(routed ? routed.changes : {}),
    });
    await events.add('ticket.created', row, actor, now, {
      message,
      notify: notifyForMessage(row, actor, false),
    });
    return actor.kind === 'customer' && !ownRequest
      ? toCustomerTicket(row, null, ctx.config.customerStatuses)
      : row;
  }));
}
