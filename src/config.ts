/**
 * Service configuration, checked by zod when the service is created. Every field has a
 * default taken from the reference systems; a bad value throws a `ConfigError` naming it.
 */
import type { z } from 'zod';
import { attachmentLimitsSchema } from './attachments/limits.js';
import { emailConfigSchema } from './email/email-config.js';
import { DEFAULT_CUSTOMER_STATUSES, customerStatusesSchema, isCatchAllStatusRule } from './customer-status.js';
import { ConfigError } from './errors.js';
import { calendarSchema } from './sla/calendar.js';
import { durationSchema } from './sla/duration.js';
import { parseNumberFormat } from './numbering.js';
import { renderConfigSchema } from './render/render-limits.js';
import { identifierProblem } from './schemas.js';
import { lazySchema } from './zod-loader.js';

const name = lazySchema((z) =>
  z
    .string()
    .min(1)
    .max(64)
    .regex(/^[a-z0-9][a-z0-9_.-]*$/, 'use lowercase letters, digits, _ . -'),
);

const slaTargetSchema = lazySchema((z) =>
  z.strictObject({
    firstResponse: durationSchema().optional(),
    resolution: durationSchema().optional(),
  }),
);

/** The `config.sla` policy. */
export const slaConfigSchema = lazySchema((z) =>
  z.strictObject({
    /** Business hours for business-time targets. @default Mon–Fri 09:00–17:00 UTC */
    calendar: calendarSchema().optional(),
    /** What `{ businessDays: 1 }` means, in hours. @default 8 */
    hoursPerDay: z.number().positive().max(24).default(8),
    /** Targets per priority. @default urgent 1 h, high 4 h, normal 1 business day, low 3 business days (first response) */
    targets: z.record(z.string(), slaTargetSchema()).default({
      urgent: { firstResponse: { hours: 1 } },
      high: { firstResponse: { hours: 4 } },
      normal: { firstResponse: { businessDays: 1 } },
      low: { firstResponse: { businessDays: 3 } },
    }),
    /** Fraction of a target at which `sla.warning` fires. @default 0.8 */
    warnAt: z.number().gt(0).lt(1).default(0.8),
  }),
);

const departmentSchema = lazySchema((z) =>
  z.strictObject({
    id: name(),
    name: z.string().min(1).max(120),
    /** Business hours of this department, overriding `sla.calendar` for its tickets. */
    calendar: calendarSchema().optional(),
    /**
     * Opt-in automatic assignment among the department's members, as the host's
     * `directory.listDepartmentMembers(id)` names them, when a ticket is routed here with
     * nobody to assign: `round_robin` takes them in turn, `least_open` the member with the
     * fewest unresolved tickets. @default none (tickets wait in the department's queue)
     */
    assign: z.enum(['round_robin', 'least_open']).optional(),
    /**
     * The department's own mailbox address(es): a mail to one of them (`desk.ingestEmail`,
     * matched on To, Cc and Delivered-To) opens its ticket in this department, as seed
     * 004's per-department addresses do. Lower-cased.
     */
    emails: z.array(z.string().max(254).regex(/^[^\s@<>]+@[^\s@<>]+$/, 'must be a bare address such as billing@example.net').transform((a) => a.toLowerCase())).max(20).optional(),
  }),
);

/**
 * A routing rule (`config.routing`): tickets of these categories go to a department, to
 * an assignee, or both. The first rule naming a ticket's category applies.
 */
const routingRuleSchema = lazySchema((z) =>
  z
    .strictObject({
      /** The category, or categories, this rule routes. */
      category: z.union([name(), z.array(name()).min(1).max(100)]),
      /** The department the ticket goes to. */
      department: name().optional(),
      /** The staff member who takes the ticket (else the department's `assign`, if any). */
      assigneeId: z.string().min(1).max(200).optional(),
    })
    .refine((r) => r.department !== undefined || r.assigneeId !== undefined, {
      message: 'a routing rule needs a department, an assigneeId, or both',
    }),
);

/** The fields of `createTicketService({ config })`, before the checks across fields. */
const baseSchema = lazySchema((z) =>
  z.strictObject({
    /** @default ['billing', 'connectivity', 'wifi', 'complaint', 'request', 'other'] */
    categories: z
      .array(name())
      .min(1)
      .default(['billing', 'connectivity', 'wifi', 'complaint', 'request', 'other']),
    /** Category of a ticket created without one. @default 'other' */
    defaultCategory: name().default('other'),
    /** Priorities, lowest first. @default ['low', 'normal', 'high', 'urgent'] */
    priorities: z.array(name()).min(1).default(['low', 'normal', 'high', 'urgent']),
    /** @default 'normal' */
    defaultPriority: name().default('normal'),
    /** The highest priority a customer may choose. @default 'high' */
    customerMaxPriority: name().default('high'),
    /**
     * Unresolved tickets at or above this priority sort to the top of the staff queue.
     * @default 'high'
     */
    queueFirstPriority: name().default('high'),
    /** Departments tickets can be routed to. @default [] */
    departments: z.array(departmentSchema()).default([]),
    /**
     * Routing rules, applied on create and when a ticket's category changes: the first
     * rule naming the category sets the department and/or assignee, unless the request
     * names them itself. @default [] (no routing)
     */
    routing: z.array(routingRuleSchema()).max(200).default([]),
    /**
     * The label a customer sees for a ticket's status: ordered rules, the first match
     * wins. @default new / under_review / awaiting_response / closed / archived
     */
    customerStatuses: customerStatusesSchema().default(() =>
      DEFAULT_CUSTOMER_STATUSES.map(({ status, ...rule }) => ({ ...rule, ...(status ? { status: [...status] } : {}) })),
    ),
    /** `TKT-{seq}`, `TKT-{yyyy}-{seq}`, `TK-{seq:6}` (zero-padded). @default 'TKT-{seq}' */
    numberFormat: z
      .string()
      .min(1)
      .max(64)
      // A number is an identifier: a NUL made every ticket unreachable by number (and
      // Postgres refused every create), a lone surrogate was kept by one store and written
      // as U+FFFD (or refused in the audit JSON) by the others.
      .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not contain control characters')
      .refine((s) => identifierProblem(s) === null, 'must be well-formed Unicode (a lone surrogate such as \\uD800 is not)')
      .default('TKT-{seq}'),
    /**
     * Hours after which a `resolved` or `pending` ticket with no customer answer is
     * closed by `runScheduledWork`; `null` disables. @default 168 (7 days)
     */
    autoCloseAfterHours: z.number().positive().nullable().default(168),
    /** Largest message body, in characters. @default 262144 (256 KiB) */
    maxBodyLength: z.number().int().positive().max(16 * 1024 * 1024).default(256 * 1024),
    /**
     * Limits on rendering staff Markdown: size, nesting, links, table cells, paragraph
     * length and a time budget. @default see `renderConfigSchema`
     */
    render: renderConfigSchema().default(renderConfigSchema().parse({})),
    /**
     * Limits on the files attached to one message: size per file, files per message, and
     * the types accepted by content. @default 10 MiB, 10 files, seed 004's types
     */
    attachments: attachmentLimitsSchema().default(() => attachmentLimitsSchema().parse({})),
    /**
     * The email channel: the desk's address, unknown senders, the size limit, the default
     * language and links. @default no address, unknown senders refused, 25 MiB, English
     */
    email: emailConfigSchema().default(() => emailConfigSchema().parse({})),
    /** SLA policy. */
    sla: slaConfigSchema().default({
      hoursPerDay: 8,
      warnAt: 0.8,
      targets: {
        urgent: { firstResponse: { hours: 1 } },
        high: { firstResponse: { hours: 4 } },
        normal: { firstResponse: { businessDays: 1 } },
        low: { firstResponse: { businessDays: 3 } },
      },
    }),
  }),
);

/** The schema of `createTicketService({ config })`. */
export const ticketConfigSchema = lazySchema(() => baseSchema().superRefine(checkAcrossFields));

/** The checks across fields: unique names, defaults that exist, routing, status rules, the number format. */
function checkAcrossFields(c: BaseConfig, ctx: z.RefinementCtx): void {
  const unique = (list: readonly string[], path: string) => {
    const seen = new Set<string>();
    list.forEach((v, i) => {
      if (seen.has(v)) ctx.addIssue({ code: 'custom', path: [path, i], message: `"${v}" is listed twice` });
      seen.add(v);
    });
  };
  unique(c.categories, 'categories');
  unique(c.priorities, 'priorities');
  unique(
    c.departments.map((d) => d.id),
    'departments',
  );
  // An address names one department, or a mail to it could go to either.
  unique(
    c.departments.flatMap((d) => d.emails ?? []),
    'departments.emails',
  );
  const member = (value: string, list: readonly string[], path: string, of: string) => {
    if (!list.includes(value)) {
      ctx.addIssue({ code: 'custom', path: [path], message: `"${value}" is not one of the ${of} (${list.join(', ')})` });
    }
  };
  member(c.defaultCategory, c.categories, 'defaultCategory', 'categories');
  member(c.defaultPriority, c.priorities, 'defaultPriority', 'priorities');
  member(c.customerMaxPriority, c.priorities, 'customerMaxPriority', 'priorities');
  member(c.queueFirstPriority, c.priorities, 'queueFirstPriority', 'priorities');
  for (const p of Object.keys(c.sla.targets)) member(p, c.priorities, 'sla.targets', 'priorities');
  checkRouting(c, ctx);
  checkCustomerStatuses(c.customerStatuses, ctx);
  try {
    parseNumberFormat(c.numberFormat);
  } catch (err) {
    ctx.addIssue({ code: 'custom', path: ['numberFormat'], message: (err as Error).message });
  }
}

/** The config after the field checks, before the checks across fields. */
type BaseConfig = z.output<ReturnType<typeof baseSchema>>;

/** Rules name configured categories and departments, and each category is routed by one rule. */
function checkRouting(c: BaseConfig, ctx: z.RefinementCtx): void {
  const departments = c.departments.map((d) => d.id);
  const routedBy = new Map<string, number>();
  c.routing.forEach((rule, i) => {
    const categories = typeof rule.category === 'string' ? [rule.category] : rule.category;
    categories.forEach((category, j) => {
      const path = typeof rule.category === 'string' ? ['routing', i, 'category'] : ['routing', i, 'category', j];
      if (!c.categories.includes(category)) {
        ctx.addIssue({ code: 'custom', path, message: `"${category}" is not one of the categories (${c.categories.join(', ')})` });
      }
      const earlier = routedBy.get(category);
      if (earlier !== undefined) {
        ctx.addIssue({ code: 'custom', path, message: `"${category}" is already routed by routing.${earlier}, so this rule would never apply to it` });
      } else routedBy.set(category, i);
    });
    if (rule.department !== undefined && !departments.includes(rule.department)) {
      ctx.addIssue({
        code: 'custom',
        path: ['routing', i, 'department'],
        message: `"${rule.department}" is not one of the departments (${departments.join(', ') || 'none are configured'})`,
      });
    }
  });
}

/** A rule with no condition matches every ticket, so rules after it would never apply. */
function checkCustomerStatuses(rules: BaseConfig['customerStatuses'], ctx: z.RefinementCtx): void {
  const catchAll = rules.findIndex(isCatchAllStatusRule);
  if (catchAll !== -1 && catchAll < rules.length - 1) {
    ctx.addIssue({
      code: 'custom',
      path: ['customerStatuses', catchAll + 1],
      message: `customerStatuses.${catchAll} ("${rules[catchAll]!.label}") has no condition and matches every ticket, so the rules after it never apply`,
    });
  }
}

/** Configuration as a host writes it (every field optional). */
export type TicketConfigInput = z.input<ReturnType<typeof ticketConfigSchema>>;
/** Configuration with defaults applied. */
export type TicketConfig = z.output<ReturnType<typeof ticketConfigSchema>>;
/** The SLA policy with defaults applied. */
export type SlaConfig = TicketConfig['sla'];

/** Validates `input` and applies defaults; throws `ConfigError` naming the first bad field. */
export function resolveConfig(input: TicketConfigInput = {}): TicketConfig {
  const parsed = ticketConfigSchema().safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.map(String).join('.') || 'config';
  throw new ConfigError(`Invalid ticketry config at "${field}": ${issue.message}`, {
    cause: parsed.error,
    params: { field },
  });
}
