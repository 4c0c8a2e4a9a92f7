/**
 * Routing (seed 000: "auto-assign all billing tickets to the billing team"; seed 004's
 * departments): `config.routing` sends a category to a department and/or an assignee,
 * and a department with `assign` picks one of its members, in turn (`round_robin`) or
 * the one with the fewest unresolved tickets (`least_open`). Applied on create and when a
 * ticket's category changes; what the request names itself (a department, an assignee,
 * `null` included) wins over the rules.
 *
 * Two steps, so the host's directory is asked outside the transaction: `prepareRouting`
 * decides everything the directory answers (which rule, which department, the fixed
 * assignee or the members who may take the ticket); `routeTicket` picks, in the
 * transaction, where the round-robin counter and the open-ticket counts are consistent.
 */
import type { TicketConfig } from '../config.js';
import { ConfigError } from '../errors.js';
import type { Changes } from '../events/event-types.js';
import type { StoreTx, TicketPatch } from '../store.js';
import { UNRESOLVED_STATUSES, type Directory, type Ticket } from '../types.js';
import type { ServiceContext } from './service-context.js';

/** How a department assigns among its members. */
export type AssignStrategy = 'round_robin' | 'least_open';

/** What a rule did: the fields it set and the audit changes that say which rule. */
export interface RoutingResult {
  fields: Pick<TicketPatch, 'department' | 'assigneeId'>;
  changes: Changes;
}

/** The request's own choices, which routing leaves alone. */
export interface ExplicitFields {
  department: boolean;
  assigneeId: boolean;
}

/** What routing decided before the transaction. `null` from `prepareRouting`: nothing to route. */
export interface RoutingPlan {
  /** The index in `config.routing` of the rule that routed the ticket, or `null` (a department's own `assign`). */
  rule: number | null;
  /** The department the ticket ends up in. */
  department: string | null;
  /** Whether routing sets the department (else it stays as the request or the ticket has it). */
  setsDepartment: boolean;
  /** The rule's own assignee, or the members one of whom a strategy picks; `null`: the assignee stays. */
  assignee:
    | { kind: 'rule'; id: string }
    | { kind: 'pick'; strategy: AssignStrategy; candidates: readonly string[] }
    | null;
}

/** The audit record of a routing: which rule, and how the assignee was chosen. */
export interface RoutingRecord {
  rule: number | null;
  department: string | null;
  assigneeId: string | null;
  /** `rule`: the rule named the assignee; a strategy: the department picked; `null`: nobody assigned by routing. */
  by: 'rule' | AssignStrategy | null;
}

/** The counter `nextSequence` keeps per department for round-robin (beside the ticket numbers' keys). */
export const roundRobinKey = (department: string): string => `rr:${department}`;

const categoriesOf = (rule: TicketConfig['routing'][number]): readonly string[] =>
  typeof rule.category === 'string' ? [rule.category] : rule.category;

/**
 * Throws `config` when a department assigns automatically but the directory cannot name
 * its members. Called when the service is created, and again before routing.
 */
export function checkRoutingSetup(config: TicketConfig, directory: Directory | undefined): void {
  const i = config.departments.findIndex((d) => d.assign !== undefined);
  if (i === -1 || typeof directory?.listDepartmentMembers === 'function') return;
  const department = config.departments[i]!;
  throw new ConfigError(
    `config.departments.${i}.assign (${department.assign} in "${department.id}") needs a directory with listDepartmentMembers(department), which names the staff who take its tickets`,
    { params: { field: `departments.${i}.assign` } },
  );
}

/**
 * Whether staff member `id` may be given `ticket` by routing. Unknown to the directory:
 * no. Reseller staff: only tickets of their own reseller's subscribers that are addressed
 * to the reseller (a ticket addressed to the operator is out of their sight). Without a
 * directory only a rule's own assignee is routed, taken as configured.
 */
async function mayTake(ctx: ServiceContext, id: string, ticket: Ticket): Promise<boolean> {
  if (!ctx.directory) return true;
  const staff = await ctx.directory.getStaff(id);
  if (!staff) return false;
  const resellerId = staff.resellerId ?? null;
  return resellerId === null || (resellerId === ticket.resellerId && ticket.addressedTo === 'reseller');
}

/** The department's members who may take `ticket`, in the directory's order, each once. */
async function candidatesFor(ctx: ServiceContext, department: string, ticket: Ticket): Promise<string[]> {
  checkRoutingSetup(ctx.config, ctx.directory);
  const listed: unknown = await ctx.directory!.listDepartmentMembers!(department);
  if (!Array.isArray(listed) || listed.some((id) => typeof id !== 'string' || id.length === 0)) {
    throw new ConfigError(
      `directory.listDepartmentMembers("${department}") must return an array of staff ids (non-empty strings)`,
      { params: { field: 'directory' } },
    );
  }
  const unique = [...new Set(listed as string[])];
  const allowed = await Promise.all(unique.map((id) => mayTake(ctx, id, ticket)));
  return unique.filter((_, i) => allowed[i]);
}

/**
 * Decides how `ticket` (as it will be: new, or with its new category) is routed, asking
 * the directory; `null` when routing changes nothing. Call it before the transaction.
 */
export async function prepareRouting(
  ctx: ServiceContext,
  ticket: Ticket,
  explicit: ExplicitFields,
): Promise<RoutingPlan | null> {
  const { config } = ctx;
  const index = config.routing.findIndex((r) => categoriesOf(r).includes(ticket.category));
  const rule = index === -1 ? undefined : config.routing[index]!;
  const setsDepartment = !explicit.department && rule?.department !== undefined;
  const department = setsDepartment ? rule!.department! : ticket.department;

  let assignee: RoutingPlan['assignee'] = null;
  let ruleAssigned = false;
  if (!explicit.assigneeId) {
    // A rule's assignee belongs with the rule's department: when the request sent the
    // ticket elsewhere, that department's own assignment applies instead.
    const ruleAssignee = rule?.assigneeId !== undefined && (rule.department === undefined || rule.department === department);
    if (ruleAssignee && (await mayTake(ctx, rule.assigneeId!, ticket))) {
      assignee = { kind: 'rule', id: rule.assigneeId! };
      ruleAssigned = true;
    } else {
      const strategy = config.departments.find((d) => d.id === department)?.assign;
      // A department picks for a ticket nobody holds, or one routed in from elsewhere;
      // a ticket staying in its department keeps its assignee.
      const movedIn = setsDepartment && department !== ticket.department;
      if (department !== null && strategy && (ticket.assigneeId === null || movedIn)) {
        assignee = { kind: 'pick', strategy, candidates: await candidatesFor(ctx, department, ticket) };
      }
    }
  }
  if (!setsDepartment && assignee === null) return null;
  return { rule: setsDepartment || ruleAssigned ? index : null, department, setsDepartment, assignee };
}

/** The member of `candidates` a strategy picks, in the transaction; `null` when there is none. */
async function pick(
  ctx: ServiceContext,
  tx: StoreTx,
  department: string,
  strategy: AssignStrategy,
  candidates: readonly string[],
): Promise<string | null> {
  if (candidates.length === 0) return null;
  if (strategy === 'round_robin') {
    // Gapless and transactional: a create that rolls back gives its turn back.
    const turn = await tx.nextSequence(ctx.tenantId, roundRobinKey(department));
    return candidates[(turn - 1) % candidates.length]!;
  }
  const counts = await tx.countOpenByAssignee(ctx.tenantId, candidates, UNRESOLVED_STATUSES);
  // Fewest unresolved tickets; ties go to the first in the directory's order.
  let best = candidates[0]!;
  for (const id of candidates) if ((counts[id] ?? 0) < (counts[best] ?? 0)) best = id;
  return best;
}

/**
 * Applies routing to `ticket` (as it will be) inside the transaction: the first rule
 * naming its category, and the department's assignment, leaving the fields the caller
 * named explicitly (`explicit`) alone; `null` when nothing changes. Pass the `plan`
 * `prepareRouting` made before the transaction; without one the directory is asked here.
 */
export async function routeTicket(
  ctx: ServiceContext,
  tx: StoreTx,
  ticket: Ticket,
  explicit: ExplicitFields,
  plan?: RoutingPlan | null,
): Promise<RoutingResult | null> {
  const p = plan === undefined ? await prepareRouting(ctx, ticket, explicit) : plan;
  if (!p) return null;
  let assigneeId: string | null | undefined;
  let by: RoutingRecord['by'] = null;
  if (p.assignee?.kind === 'rule') {
    assigneeId = p.assignee.id;
    by = 'rule';
  } else if (p.assignee?.kind === 'pick') {
    const picked = await pick(ctx, tx, p.department!, p.assignee.strategy, p.assignee.candidates);
    if (picked !== null) {
      assigneeId = picked;
      by = p.assignee.strategy;
    }
  }
  const fields: RoutingResult['fields'] = {
    ...(p.setsDepartment ? { department: p.department } : {}),
    ...(assigneeId !== undefined ? { assigneeId } : {}),
  };
  const changesDepartment = p.setsDepartment && p.department !== ticket.department;
  const changesAssignee = assigneeId !== undefined && assigneeId !== ticket.assigneeId;
  if (!changesDepartment && !changesAssignee) return null;
  const record: RoutingRecord = {
    rule: p.rule,
    department: p.department,
    assigneeId: assigneeId ?? ticket.assigneeId,
    by,
  };
  return { fields, changes: { routing: { from: null, to: record } } };
}
