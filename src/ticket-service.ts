/**
 * `createTicketService`: the ticket domain on top of a store. Every operation validates
 * its input, decides scope and permissions through `permissions.ts`, applies the status
 * machine and SLA clock, and writes ticket, message, audit entry and outbox events in one
 * transaction. Events are emitted after commit.
 */
import { randomUUID } from 'node:crypto';
import mitt, { type Emitter } from 'mitt';
import { resolveConfig, type TicketConfig, type TicketConfigInput } from './config.js';
import { ConfigError, ConflictError, NotFoundError, ValidationError } from './errors.js';
import type { Changes, TicketEvent, TicketEventMap, TicketEventType } from './events.js';
import { decodeCursor, encodeCursor } from './list-cursor.js';
import {
  notifyForAssignment,
  notifyForMessage,
  notifyForStatus,
  notifySla,
  notifyStaff,
} from './notify.js';
import { parseNumberFormat, type NumberFormat } from './numbering.js';
import { fromOutbox, toOutbox } from './outbox.js';
import {
  coversReseller,
  requireStaff,
  requireStaffPermission,
  scopeFor,
} from './permissions.js';
import { renderMarkdown, renderPlainText } from './render/markdown.js';
import {
  actorSchema,
  createTicketInputSchema,
  requestContextSchema,
  scheduledWorkOptionsSchema,
  listQuerySchema,
  replyInputSchema,
  statsQuerySchema,
  updatePatchSchema,
  type CreateTicketInput,
  type ListQuery,
  type ReplyInput,
  type StatsQuery,
  type UpdatePatch,
} from './schemas.js';
import { EMPTY_SLA, SlaClock, type SlaTarget } from './sla-clock.js';
import {
  AUTO_CLOSE_STATUSES,
  assertNotDeleted,
  checkCreateStatus,
  checkTransition,
  isDone,
  statusAfterReply,
} from './status-machine.js';
import type { StoreScope, StoreTx, TicketPatch, TicketStore } from './store.js';
import { describeNote, isPublicNote } from './system-notes.js';
import {
  STATUSES,
  UNRESOLVED_STATUSES,
  type Actor,
  type AuditEntry,
  type Directory,
  type DirectoryStaff,
  type Message,
  type RequestContext,
  type Status,
  type SystemNote,
  type Ticket,
  type TicketDetail,
  type TicketSort,
  type TicketStats,
  type TicketSummary,
} from './types.js';
import { parseInput } from './validate.js';

/** Options of `createTicketService`. */
export interface TicketServiceOptions {
  /** Where tickets live: `memoryStore()`, `sqliteStore()`, `postgresStore()` or your own. */
  store: TicketStore;
  /** Every row written carries it; services with different tenants never see each other. @default 'default' */
  tenantId?: string;
  /** Categories, priorities, number format, SLA policy... Checked when the service is created. */
  config?: TicketConfigInput;
  /** The time source. Inject one in tests. @default () => new Date() */
  clock?: () => Date;
  /** The id source for tickets, messages, audit entries and events. @default crypto.randomUUID */
  generateId?: () => string;
  /** The host's lookup of subscribers and staff. Without it, subscriber resellers and staff names are unknown. */
  directory?: Directory;
  /**
   * Called when an event listener throws. The operation has committed by then and
   * still succeeds. @default logs with console.error
   */
  onListenerError?: (error: unknown, event: TicketEvent) => void;
}

/** What one `runScheduledWork` call did. */
export interface ScheduledWorkResult {
  warnings: number;
  breaches: number;
  autoClosed: string[];
  redelivered: number;
}

/** The ticket service. Every method takes an optional last `RequestContext` for the audit trail. */
export interface TicketService {
  readonly tenantId: string;
  readonly config: TicketConfig;
  /** Typed events, emitted after commit. */
  readonly events: Emitter<TicketEventMap>;
  create(actor: Actor, input: CreateTicketInput, context?: RequestContext): Promise<Ticket>;
  get(actor: Actor, idOrNumber: string, context?: RequestContext): Promise<TicketDetail>;
  list(
    actor: Actor,
    query?: ListQuery,
    context?: RequestContext,
  ): Promise<{ items: TicketSummary[]; nextCursor: string | null }>;
  addReply(actor: Actor, ticketId: string, input: ReplyInput, context?: RequestContext): Promise<Message>;
  update(actor: Actor, ticketId: string, patch: UpdatePatch, context?: RequestContext): Promise<Ticket>;
  getStats(actor: Actor, query?: StatsQuery, context?: RequestContext): Promise<TicketStats>;
  audit(actor: Actor, ticketId: string, context?: RequestContext): Promise<AuditEntry[]>;
  runScheduledWork(options?: { now?: Date; limit?: number }): Promise<ScheduledWorkResult>;
  /**
   * Emits every event still waiting in the outbox (at most `limit`, default 1000) and
   * returns how many. Call it after committing a host transaction that ticketry wrote in
   * (`store.withTransaction(trx)`); such writes do not emit on their own.
   */
  flushEvents(options?: { limit?: number }): Promise<number>;
}

const SYSTEM: Actor = { kind: 'system' };

/** Creates a ticket service over `store`. Throws `ConfigError` for a bad config. */
export function createTicketService(options: TicketServiceOptions): TicketService {
  return new TicketServiceImpl(options);
}

/** Collects what a write transaction emits, so events go out only after commit. */
class Outbox {
  readonly events: TicketEvent[] = [];
  constructor(
    private readonly tx: StoreTx,
    private readonly tenantId: string,
  ) {}
  async add(event: TicketEvent): Promise<void> {
    await this.tx.insertOutbox(this.tenantId, toOutbox(event));
    this.events.push(event);
  }
}

class TicketServiceImpl implements TicketService {
  readonly tenantId: string;
  readonly config: TicketConfig;
  readonly events: Emitter<TicketEventMap> = mitt<TicketEventMap>();
  readonly #store: TicketStore;
  readonly #clock: () => Date;
  readonly #id: () => string;
  readonly #directory: Directory | undefined;
  readonly #numbers: NumberFormat;
  readonly #sla: SlaClock;
  readonly #onListenerError: (error: unknown, event: TicketEvent) => void;

  constructor(options: TicketServiceOptions) {
    this.config = resolveConfig(options.config);
    this.tenantId = options.tenantId ?? 'default';
    this.#store = options.store;
    this.#clock = options.clock ?? (() => new Date());
    this.#id = options.generateId ?? randomUUID;
    this.#directory = options.directory;
    this.#numbers = parseNumberFormat(this.config.numberFormat);
    this.#sla = new SlaClock(this.config);
    this.#onListenerError =
      options.onListenerError ??
      ((error, event) => console.error(`ticketry: a listener of ${event.type} threw`, error));
  }

  // ---------------------------------------------------------------- create

  async create(actor: Actor, input: CreateTicketInput, context: RequestContext = {}): Promise<Ticket> {
    actor = this.#actor(actor);
    this.#context(context);
    const data = parseInput(createTicketInputSchema, input, 'ticket');
    this.#checkBody(data.body);

    let subscriberId: string;
    let resellerId: string | null;
    if (actor.kind === 'customer') {
      for (const field of ['subscriberId', 'status', 'assigneeId', 'deadlineAt'] as const) {
        if (data[field] !== undefined) {
          throw new ValidationError(`Customers cannot set ${field} when opening a ticket`, field);
        }
      }
      subscriberId = actor.id;
      resellerId = actor.resellerId ?? null;
    } else {
      requireStaffPermission(actor, 'tickets.create', 'open tickets for subscribers');
      if (!data.subscriberId) {
        throw new ValidationError('subscriberId is required when staff open a ticket', 'subscriberId');
      }
      subscriberId = data.subscriberId;
      resellerId = await this.#subscriberReseller(actor, subscriberId);
    }

    const category = this.#checkCategory(data.category ?? this.config.defaultCategory);
    const priority = this.#checkPriority(data.priority ?? this.config.defaultPriority);
    if (actor.kind === 'customer') this.#checkCustomerPriority(priority);
    const department = this.#checkDepartment(data.department ?? null);
    const status: Status = data.status ?? 'open';
    checkCreateStatus(actor, status);
    const assigneeId = data.assigneeId ?? null;
    if (assigneeId) this.#checkAssigneeReseller(await this.#findAssignee(assigneeId), resellerId);

    const now = this.#clock();
    const base = {
      priority,
      status,
      department,
      createdAt: now,
      // Staff opening a ticket for a customer (a call, a walk-in) is the first response;
      // a ticket the system opens (monitoring, an import) still waits for one.
      firstResponseAt: actor.kind === 'staff' ? now : null,
      deadlineAt: data.deadlineAt ?? null,
    };
    const ticket: Ticket = {
      id: this.#id(),
      number: '',
      subject: data.subject,
      category,
      department,
      priority,
      status,
      subscriberId,
      resellerId,
      assigneeId,
      createdByType: actor.kind,
      createdById: actor.kind === 'system' ? null : actor.id,
      createdAt: now,
      updatedAt: now,
      statusChangedAt: now,
      version: 1,
      archived: false,
      deletedAt: null,
      firstResponseAt: base.firstResponseAt,
      resolvedAt: isDone(status) ? now : null,
      deadlineAt: base.deadlineAt,
      attention: this.#attention(priority, status),
      ...this.#sla.compute(null, { ...base, sla: EMPTY_SLA }, now),
    };
    const message = this.#message(actor, ticket.id, data.body, this.#render(actor, data.body), {
      opening: true,
      internal: false,
      now,
    });

    return this.#write(async (tx, outbox) => {
      const seq = await tx.nextSequence(this.tenantId, this.#numbers.counterKey(now));
      ticket.number = this.#numbers.format(seq, now);
      await tx.insertTicket({ ...ticket, tenantId: this.tenantId });
      await tx.insertMessage(this.tenantId, message);
      await this.#audit(tx, actor, ticket.id, 'created', context, now, {
        number: { from: null, to: ticket.number },
        status: { from: null, to: status },
        priority: { from: null, to: priority },
        category: { from: null, to: category },
        ...(assigneeId ? { assigneeId: { from: null, to: assigneeId } } : {}),
      });
      await outbox.add(
        this.#event('ticket.created', ticket, actor, now, {
          message,
          notify: notifyForMessage(ticket, actor, false),
        }),
      );
      return ticket;
    });
  }

  // ---------------------------------------------------------------- read

  async get(actor: Actor, idOrNumber: string, context: RequestContext = {}): Promise<TicketDetail> {
    actor = this.#actor(actor);
    this.#context(context);
    const scope = this.#readScope(actor);
    const ref = this.#ref(idOrNumber);
    const ticket = await this.#store.findTicket(scope, ref);
    if (!ticket) throw this.#notFound(ref);
    const messages = await this.#store.listMessages(scope, ticket.id);
    return { ticket, messages };
  }

  async list(
    actor: Actor,
    query: ListQuery = {},
    context: RequestContext = {},
  ): Promise<{ items: TicketSummary[]; nextCursor: string | null }> {
    actor = this.#actor(actor);
    this.#context(context);
    const q = parseInput(listQuerySchema, query, 'list query');
    const scope = this.#readScope(actor);
    if (actor.kind === 'customer' && q.assigneeId !== undefined) {
      throw new ValidationError('Customers cannot filter by assignee', 'assigneeId');
    }
    let assigneeId = q.assigneeId;
    if (assigneeId === 'me') {
      if (actor.kind !== 'staff') throw new ValidationError("assigneeId 'me' needs a staff actor", 'assigneeId');
      assigneeId = actor.id;
    }
    const sort: TicketSort = q.sort ?? (actor.kind === 'customer' ? 'newest' : 'queue');
    const limit = q.limit ?? 50;
    const rows = await this.#store.listTickets(scope, {
      ...(q.status ? { status: q.status } : {}),
      ...(q.priority ? { priority: q.priority } : {}),
      ...(q.category ? { category: q.category } : {}),
      ...(q.department ? { department: q.department } : {}),
      ...(assigneeId !== undefined ? { assigneeId } : {}),
      ...(q.subscriberId ? { subscriberId: q.subscriberId } : {}),
      ...(q.q ? { q: q.q } : {}),
      ...(q.archived !== undefined ? { archived: q.archived } : {}),
      ...(q.createdFrom ? { createdFrom: q.createdFrom } : {}),
      ...(q.createdTo ? { createdTo: q.createdTo } : {}),
      ...(q.cursor ? { after: decodeCursor(sort, q.cursor) } : {}),
      sort,
      limit: limit + 1,
    });
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor(sort, last) : null };
  }

  async getStats(actor: Actor, query: StatsQuery = {}, context: RequestContext = {}): Promise<TicketStats> {
    actor = this.#actor(actor);
    this.#context(context);
    const q = parseInput(statsQuerySchema, query, 'stats query');
    const scope = this.#readScope(actor);
    const stats = await this.#store.getStats(scope, {
      ...(q.from ? { createdFrom: q.from } : {}),
      ...(q.to ? { createdTo: q.to } : {}),
      unresolved: UNRESOLVED_STATUSES,
      firstResponseOf: ['customer'],
    });
    const counts = Object.fromEntries(STATUSES.map((s) => [s, stats.counts[s] ?? 0])) as Record<Status, number>;
    return { ...stats, counts };
  }

  async audit(actor: Actor, ticketId: string, context: RequestContext = {}): Promise<AuditEntry[]> {
    actor = this.#actor(actor);
    this.#context(context);
    requireStaff(actor, 'read the audit trail');
    const scope = this.#readScope(actor);
    const ref = this.#ref(ticketId);
    const ticket = await this.#store.findTicket(scope, ref);
    if (!ticket) throw this.#notFound(ref);
    return this.#store.listAudit(this.tenantId, ticket.id);
  }

  // ---------------------------------------------------------------- reply

  async addReply(actor: Actor, ticketId: string, input: ReplyInput, context: RequestContext = {}): Promise<Message> {
    actor = this.#actor(actor);
    this.#context(context);
    const data = parseInput(replyInputSchema, input, 'reply');
    this.#checkBody(data.body);
    if (actor.kind === 'customer') {
      for (const field of ['internal', 'status'] as const) {
        if (data[field] !== undefined) throw new ValidationError(`Customers cannot set ${field} on a reply`, field);
      }
    }
    const scope = this.#readScope(actor);
    requireStaffPermission(actor, 'tickets.reply', 'reply to tickets');
    const internal = data.internal ?? false;
    if (internal && data.status !== undefined) {
      throw new ValidationError('An internal note does not change the status; use update() for that', 'status');
    }
    // Replying may resolve (the reply form's choice); any other status needs tickets.edit.
    if (data.status !== undefined && data.status !== 'resolved' && data.status !== 'pending') {
      requireStaffPermission(actor, 'tickets.edit', `set the status to ${data.status}`);
    }
    const ref = this.#ref(ticketId);
    // Render before the transaction: no row stays locked while Markdown is sanitised.
    const html = this.#render(actor, data.body);

    return this.#write(async (tx, outbox) => {
      const now = this.#clock();
      const ticket = await tx.lockTicket({ ...scope, includeDeleted: true }, ref);
      if (!ticket) throw this.#notFound(ref);
      assertNotDeleted(ticket);
      if (data.status) checkTransition(actor, ticket, data.status);
      const status = statusAfterReply(actor, ticket, { internal, ...(data.status ? { status: data.status } : {}) });
      // Only a person on staff responds; system messages never count as a first response.
      const publicStaffReply = actor.kind === 'staff' && !internal;
      const message = this.#message(actor, ticket.id, data.body, html, { opening: false, internal, now });

      const patch: TicketPatch = {
        updatedAt: now,
        ...(publicStaffReply && !ticket.firstResponseAt ? { firstResponseAt: now } : {}),
      };
      const next = await this.#applyPatch(tx, ticket, patch, status, now);
      await tx.insertMessage(this.tenantId, message);
      if (data.status && data.status !== ticket.status) {
        await this.#systemNote(tx, ticket.id, { kind: 'status_changed', from: ticket.status, to: data.status }, now);
      }
      await this.#audit(tx, actor, ticket.id, internal ? 'noted' : 'replied', context, now, {
        ...(status !== ticket.status ? { status: { from: ticket.status, to: status } } : {}),
        message: { from: null, to: message.id },
      });
      await outbox.add(
        this.#event('ticket.replied', next, actor, now, {
          message,
          notify: notifyForMessage(next, actor, internal),
        }),
      );
      if (status !== ticket.status) {
        await outbox.add(
          this.#event('ticket.status_changed', next, actor, now, {
            from: ticket.status,
            to: status,
            notify: notifyForStatus(next, actor, true),
          }),
        );
      }
      return message;
    });
  }

  // ---------------------------------------------------------------- update

  async update(actor: Actor, ticketId: string, patchInput: UpdatePatch, context: RequestContext = {}): Promise<Ticket> {
    actor = this.#actor(actor);
    this.#context(context);
    const p = parseInput(updatePatchSchema, patchInput, 'update');
    const scope = this.#readScope(actor);
    if (actor.kind === 'customer') {
      for (const key of Object.keys(p) as (keyof typeof p)[]) {
        if (key !== 'status' && key !== 'expectedVersion') {
          throw new ValidationError(`Customers cannot change ${key}; only status (closing a resolved ticket)`, key);
        }
      }
    } else {
      requireStaffPermission(actor, 'tickets.edit', 'edit tickets');
    }
    if (p.category !== undefined) this.#checkCategory(p.category);
    if (p.priority !== undefined) this.#checkPriority(p.priority);
    if (p.department !== undefined) this.#checkDepartment(p.department);
    const ref = this.#ref(ticketId);
    // Ask the host's directory before the transaction, so no row stays locked meanwhile.
    const assignee = p.assigneeId ? await this.#findAssignee(p.assigneeId) : null;
    const names =
      p.assigneeId !== undefined
        ? await this.#staffNames([(await this.#store.findTicket(scope, ref))?.assigneeId ?? null, p.assigneeId])
        : {};

    return this.#write(async (tx, outbox) => {
      const now = this.#clock();
      const ticket = await tx.lockTicket({ ...scope, includeDeleted: true }, ref);
      if (!ticket) throw this.#notFound(ref);
      assertNotDeleted(ticket);
      if (p.expectedVersion !== undefined && p.expectedVersion !== ticket.version) {
        throw this.#stale(ticket, p.expectedVersion);
      }
      if (p.status !== undefined) checkTransition(actor, ticket, p.status);
      if (p.assigneeId && p.assigneeId !== ticket.assigneeId) this.#checkAssigneeReseller(assignee, ticket.resellerId);

      const changes: Changes = {};
      const patch: TicketPatch = {};
      const set = <K extends 'subject' | 'category' | 'priority' | 'department' | 'assigneeId'>(
        key: K,
        value: Ticket[K] | undefined,
      ) => {
        if (value === undefined || value === ticket[key]) return;
        changes[key] = { from: ticket[key], to: value };
        (patch as Record<string, unknown>)[key] = value;
      };
      set('subject', p.subject);
      set('category', p.category);
      set('priority', p.priority);
      set('department', p.department);
      set('assigneeId', p.assigneeId);
      if (p.deadlineAt !== undefined && p.deadlineAt?.getTime() !== ticket.deadlineAt?.getTime()) {
        changes.deadlineAt = { from: ticket.deadlineAt, to: p.deadlineAt };
        patch.deadlineAt = p.deadlineAt;
      }
      const status = p.status ?? ticket.status;
      if (status !== ticket.status) changes.status = { from: ticket.status, to: status };
      if (Object.keys(changes).length === 0) return ticket;

      patch.updatedAt = now;
      const next = await this.#applyPatch(tx, ticket, patch, status, now);

      const notes: SystemNote[] = [];
      if (changes.status) notes.push({ kind: 'status_changed', from: ticket.status, to: status });
      if (changes.assigneeId) notes.push({ kind: 'assigned', from: ticket.assigneeId, to: next.assigneeId });
      if (changes.priority) notes.push({ kind: 'priority_changed', from: ticket.priority, to: next.priority });
      if (changes.category) notes.push({ kind: 'category_changed', from: ticket.category, to: next.category });
      if (changes.department) {
        notes.push({ kind: 'department_changed', from: ticket.department, to: next.department });
      }
      for (const note of notes) await this.#systemNote(tx, ticket.id, note, now, names);

      const auditChanges: Changes = { ...changes };
      if (changes.assigneeId) {
        auditChanges.assigneeName = {
          from: ticket.assigneeId ? (names[ticket.assigneeId] ?? null) : null,
          to: next.assigneeId ? (names[next.assigneeId] ?? null) : null,
        };
      }
      await this.#audit(tx, actor, ticket.id, 'updated', context, now, auditChanges);

      await outbox.add(this.#event('ticket.updated', next, actor, now, { changes, notify: notifyStaff(next, actor) }));
      if (changes.assigneeId) {
        await outbox.add(
          this.#event('ticket.assigned', next, actor, now, {
            from: ticket.assigneeId,
            to: next.assigneeId,
            notify: notifyForAssignment(next, actor),
          }),
        );
      }
      if (changes.status) {
        await outbox.add(
          this.#event('ticket.status_changed', next, actor, now, {
            from: ticket.status,
            to: status,
            notify: notifyForStatus(next, actor, false),
          }),
        );
      }
      return next;
    });
  }

  // ---------------------------------------------------------------- scheduled work

  async runScheduledWork(options: { now?: Date; limit?: number } = {}): Promise<ScheduledWorkResult> {
    const o = parseInput(scheduledWorkOptionsSchema, options, 'scheduled work options');
    const now = o.now ?? this.#clock();
    const limit = o.limit ?? 500;
    const result: ScheduledWorkResult = { warnings: 0, breaches: 0, autoClosed: [], redelivered: 0 };

    for (const kind of ['warning', 'breach'] as const) {
      for (const target of ['firstResponse', 'resolution'] as const) {
        const n = await this.#write(async (tx, outbox) => {
          const claimed = await tx.claimSlaAlerts(this.tenantId, { target, kind }, now, limit);
          for (let ticket of claimed) {
            if (kind === 'breach') ticket = await this.#markMissed(tx, ticket, target);
            const dueAt = this.#alertDue(ticket, target, now);
            await this.#audit(tx, SYSTEM, ticket.id, kind === 'warning' ? 'sla_warning' : 'sla_breached', {}, now, {
              [target]: { from: null, to: dueAt },
            });
            await outbox.add(
              this.#event(kind === 'warning' ? 'sla.warning' : 'sla.breached', ticket, SYSTEM, now, {
                target,
                dueAt,
                notify: notifySla(ticket),
              }),
            );
          }
          return claimed.length;
        });
        if (kind === 'warning') result.warnings += n;
        else result.breaches += n;
      }
    }

    const hours = this.config.autoCloseAfterHours;
    if (hours !== null) {
      const before = new Date(now.getTime() - hours * 3_600_000);
      const stale = await this.#store.listStale(this.tenantId, AUTO_CLOSE_STATUSES, before, limit);
      for (const candidate of stale) {
        const closed = await this.#autoClose(candidate.id, before, hours, now);
        if (closed) result.autoClosed.push(closed);
      }
    }

    // Events a crashed instance committed but never emitted.
    const leftovers = await this.#store.claimUndelivered(this.tenantId, new Date(now.getTime() - 60_000), limit);
    for (const row of leftovers) this.#emit(fromOutbox(row));
    result.redelivered = leftovers.length;
    return result;
  }

  async flushEvents(options: { limit?: number } = {}): Promise<number> {
    // Everything written up to now; claimed atomically, so each event goes out once.
    const upTo = new Date(this.#clock().getTime() + 1);
    const rows = await this.#store.claimUndelivered(this.tenantId, upTo, options.limit ?? 1000);
    for (const row of rows) this.#emit(fromOutbox(row));
    return rows.length;
  }

  async #autoClose(ticketId: string, before: Date, hours: number, now: Date): Promise<string | null> {
    return this.#write(async (tx, outbox) => {
      const scope: StoreScope = { tenantId: this.tenantId, visibility: 'staff' };
      const ticket = await tx.lockTicket(scope, ticketId);
      // Re-check under the lock: another instance or a reply may have got there first.
      if (!ticket || !AUTO_CLOSE_STATUSES.includes(ticket.status) || ticket.statusChangedAt >= before) return null;
      const next = await this.#applyPatch(tx, ticket, { updatedAt: now }, 'closed', now);
      await this.#systemNote(tx, ticket.id, { kind: 'auto_closed', afterHours: hours }, now);
      await this.#audit(tx, SYSTEM, ticket.id, 'auto_closed', {}, now, {
        status: { from: ticket.status, to: 'closed' },
      });
      await outbox.add(
        this.#event('ticket.status_changed', next, SYSTEM, now, {
          from: ticket.status,
          to: 'closed',
          notify: notifyForStatus(next, SYSTEM, false),
        }),
      );
      return ticket.id;
    });
  }

  /** A breached target can no longer be met: record it, so compliance counts it as missed. */
  async #markMissed(tx: StoreTx, ticket: Ticket, target: SlaTarget): Promise<Ticket> {
    const metKey = target === 'firstResponse' ? 'firstResponseMet' : 'resolutionMet';
    if (ticket.sla[metKey] === false) return ticket;
    const sla = { ...ticket.sla, [metKey]: false };
    const ok = await tx.updateTicket(this.tenantId, ticket.id, ticket.version, { sla });
    if (!ok) throw this.#stale(ticket, ticket.version);
    return { ...ticket, sla, version: ticket.version + 1 };
  }

  /** When the target breaches (or breached): the `dueAt` of both alert kinds. */
  #alertDue(ticket: Ticket, target: SlaTarget, now: Date): Date {
    return (target === 'firstResponse' ? ticket.firstResponseDueAt : ticket.resolutionDueAt) ?? now;
  }

  // ---------------------------------------------------------------- helpers

  /** Writes `patch` plus the derived status, attention and SLA fields; returns the new ticket. */
  async #applyPatch(tx: StoreTx, ticket: Ticket, patch: TicketPatch, status: Status, now: Date): Promise<Ticket> {
    const full: TicketPatch = { ...patch };
    if (status !== ticket.status) {
      full.status = status;
      full.statusChangedAt = now;
      if (isDone(status) && !isDone(ticket.status)) full.resolvedAt = now;
      if (!isDone(status)) full.resolvedAt = null;
      // Archived is a flag on closed tickets only.
      if (status !== 'closed' && ticket.archived) full.archived = false;
    }
    const merged: Ticket = { ...ticket, ...full };
    full.attention = this.#attention(merged.priority, merged.status);
    Object.assign(full, this.#sla.compute(ticket, merged, now));
    const ok = await tx.updateTicket(this.tenantId, ticket.id, ticket.version, full);
    // The row is locked, so only a store that does not lock can get here.
    if (!ok) throw this.#stale(ticket, ticket.version);
    return { ...ticket, ...full, version: ticket.version + 1 };
  }

  async #write<T>(fn: (tx: StoreTx, outbox: Outbox) => Promise<T>): Promise<T> {
    let outbox: Outbox | undefined;
    const result = await this.#store.transaction(async (tx) => {
      outbox = new Outbox(tx, this.tenantId);
      return fn(tx, outbox);
    });
    const events = outbox?.events ?? [];
    // In a host's transaction nothing is committed yet: the host flushes after its commit.
    if (events.length > 0 && !this.#store.deferEvents) {
      for (const event of events) this.#emit(event);
      try {
        await this.#store.markDelivered(
          this.tenantId,
          events.map((e) => e.eventId),
        );
      } catch {
        // Already emitted; at worst a later runScheduledWork emits them again (at-least-once).
      }
    }
    return result;
  }

  #emit(event: TicketEvent): void {
    try {
      this.events.emit(event.type, event as never);
    } catch (error) {
      this.#onListenerError(error, event);
    }
  }

  #event<K extends TicketEventType>(
    type: K,
    ticket: Ticket,
    actor: Actor,
    now: Date,
    extra: Omit<TicketEventMap[K], 'eventId' | 'tenantId' | 'ticket' | 'actor' | 'occurredAt'>,
  ): TicketEvent {
    return {
      type,
      eventId: this.#id(),
      tenantId: this.tenantId,
      ticket: { ...ticket },
      actor,
      occurredAt: now,
      ...extra,
    } as unknown as TicketEvent;
  }

  /** Staff write Markdown; customers and the system plain text. Rendered once, at write. */
  #render(actor: Actor, body: string): string {
    return actor.kind === 'staff' ? renderMarkdown(body) : renderPlainText(body);
  }

  #message(
    actor: Actor,
    ticketId: string,
    body: string,
    html: string,
    o: { opening: boolean; internal: boolean; now: Date },
  ): Message {
    const authorType = actor.kind;
    return {
      id: this.#id(),
      ticketId,
      authorType,
      authorId: actor.kind === 'system' ? null : actor.id,
      authorName: actor.kind === 'system' ? null : (actor.name ?? null),
      body,
      html,
      internal: o.internal,
      hidden: false,
      opening: o.opening,
      system: null,
      createdAt: o.now,
      editedAt: null,
    };
  }

  async #systemNote(
    tx: StoreTx,
    ticketId: string,
    note: SystemNote,
    now: Date,
    names: Record<string, string> = {},
  ): Promise<void> {
    const body = describeNote(note, names);
    await tx.insertMessage(this.tenantId, {
      id: this.#id(),
      ticketId,
      authorType: 'system',
      authorId: null,
      authorName: null,
      body,
      html: renderPlainText(body),
      internal: !isPublicNote(note),
      hidden: false,
      opening: false,
      system: note,
      createdAt: now,
      editedAt: null,
    });
  }

  async #audit(
    tx: StoreTx,
    actor: Actor,
    ticketId: string,
    action: string,
    context: RequestContext,
    now: Date,
    changes: Changes,
  ): Promise<void> {
    await tx.insertAudit(this.tenantId, {
      id: this.#id(),
      ticketId,
      action,
      actorKind: actor.kind,
      actorId: actor.kind === 'system' ? null : actor.id,
      actorName: actor.kind === 'system' ? null : (actor.name ?? null),
      changes,
      ip: context.ip ?? null,
      userAgent: context.userAgent ?? null,
      requestId: context.requestId ?? null,
      createdAt: now,
    });
  }

  /** The read scope of `actor`, after checking staff may view tickets at all. */
  #readScope(actor: Actor): StoreScope {
    requireStaffPermission(actor, 'tickets.view', 'view tickets');
    return scopeFor(this.tenantId, actor);
  }

  #actor(actor: unknown): Actor {
    return parseInput(actorSchema, actor, 'actor', 'actor');
  }

  #context(context: unknown): RequestContext {
    return parseInput(requestContextSchema, context ?? {}, 'request context', 'context');
  }

  #ref(value: unknown): string {
    if (typeof value !== 'string' || value.length === 0 || value.length > 200) {
      throw new ValidationError('A ticket id or number must be a non-empty string', 'ticketId');
    }
    return value;
  }

  #notFound(ref: string): NotFoundError {
    return new NotFoundError(`Ticket ${ref} not found`, { params: { ticket: ref } });
  }

  #stale(ticket: Ticket, expected: number): ConflictError {
    return new ConflictError(
      `Ticket ${ticket.number} was changed by someone else (version ${ticket.version}, expected ${expected}); reload it and try again`,
      { params: { ticket: ticket.id, version: ticket.version, expectedVersion: expected } },
    );
  }

  #checkBody(body: string): void {
    if (body.length > this.config.maxBodyLength) {
      throw new ValidationError(
        `The message is ${body.length} characters long; the limit is ${this.config.maxBodyLength}`,
        'body',
        { params: { max: this.config.maxBodyLength } },
      );
    }
  }

  #checkCategory(category: string): string {
    if (!this.config.categories.includes(category)) {
      throw new ValidationError(`Unknown category "${category}"; use one of ${this.config.categories.join(', ')}`, 'category');
    }
    return category;
  }

  #checkPriority(priority: string): string {
    if (!this.config.priorities.includes(priority)) {
      throw new ValidationError(`Unknown priority "${priority}"; use one of ${this.config.priorities.join(', ')}`, 'priority');
    }
    return priority;
  }

  #checkCustomerPriority(priority: string): void {
    const max = this.config.customerMaxPriority;
    if (this.config.priorities.indexOf(priority) > this.config.priorities.indexOf(max)) {
      throw new ValidationError(`Customers can choose a priority up to ${max}`, 'priority', { params: { max } });
    }
  }

  #checkDepartment(department: string | null): string | null {
    if (department === null) return null;
    if (!this.config.departments.some((d) => d.id === department)) {
      const known = this.config.departments.map((d) => d.id);
      throw new ValidationError(
        `Unknown department "${department}"${known.length ? `; use one of ${known.join(', ')}` : ' (no departments are configured)'}`,
        'department',
      );
    }
    return department;
  }

  /** The directory's record of a would-be assignee; `null` without a directory. */
  async #findAssignee(assigneeId: string): Promise<DirectoryStaff | null> {
    if (!this.#directory) return null;
    const staff = await this.#directory.getStaff(assigneeId);
    if (!staff) throw new ValidationError(`Unknown staff member "${assigneeId}" for assigneeId`, 'assigneeId');
    return staff;
  }

  /** Reseller staff may only own tickets of their reseller's subscribers. */
  #checkAssigneeReseller(staff: DirectoryStaff | null, ticketResellerId: string | null): void {
    const resellerId = staff?.resellerId ?? null;
    if (staff && resellerId !== null && resellerId !== ticketResellerId) {
      throw new ValidationError(
        `Staff member "${staff.id}" works for another reseller and cannot be assigned this ticket`,
        'assigneeId',
      );
    }
  }

  /** The reseller of the subscriber a staff or system actor opens a ticket for. */
  async #subscriberReseller(actor: Actor, subscriberId: string): Promise<string | null> {
    if (!this.#directory) {
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
    const subscriber = await this.#directory.getSubscriber(subscriberId);
    const resellerId = subscriber ? (subscriber.resellerId ?? null) : null;
    // Another reseller's subscriber reads as unknown, so existence does not leak.
    if (!subscriber || !coversReseller(actor, resellerId)) {
      throw new NotFoundError(`Subscriber ${subscriberId} not found`, { params: { subscriber: subscriberId } });
    }
    return resellerId;
  }

  async #staffNames(ids: (string | null)[]): Promise<Record<string, string>> {
    const names: Record<string, string> = {};
    if (!this.#directory) return names;
    for (const id of ids) {
      if (!id) continue;
      const staff = await this.#directory.getStaff(id);
      if (staff?.name) names[id] = staff.name;
    }
    return names;
  }

  #attention(priority: string, status: Status): number {
    if (!UNRESOLVED_STATUSES.includes(status)) return 0;
    const rank = this.config.priorities.indexOf(priority);
    return rank >= this.config.priorities.indexOf(this.config.queueFirstPriority) ? rank + 1 : 0;
  }
}

