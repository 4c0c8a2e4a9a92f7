/**
 * Zod schemas for every input ticketry accepts, as builders (`listQuerySchema()` builds the
 * schema once and returns the same object ever after), so importing ticketry loads no zod.
 * A host reuses them through `ticketry/schemas` to validate HTTP bodies before calling the
 * service. Membership of configured values (categories, priorities, departments) is
 * checked by the service, which knows the config.
 */
import type { z } from 'zod';
import { STATUSES, type Actor } from './types.js';
import { lazySchema, type Zod } from './zod-loader.js';

/** The message for a blank subject or description of a new ticket (the customer portal's wording). */
export const REQUIRED_MESSAGE = 'Subject and description are required';
const REQUIRED = REQUIRED_MESSAGE;
/** The message for a blank reply. */
const EMPTY_REPLY = 'A reply needs a message; the body is empty';
/** The message for a stats window that ends before it starts. */
const INVERTED_WINDOW = 'The stats window ends before it starts: `to` must be after `from`';

/** Messages that are already sentences a person can act on, reported as they are. */
export const OWN_MESSAGES: readonly string[] = [REQUIRED, EMPTY_REPLY, INVERTED_WINDOW, 'Subject is longer'];

/*
 * What the stores can hold of a string, one rule per kind of field, so every store gives
 * the same answer:
 * - NUL (U+0000) no database keeps in text (Postgres refuses it; the others kept it), so
 *   a NUL is a `validation` error naming the field, in every kind of field;
 * - a lone surrogate (half of a UTF-16 pair) has no UTF-8 form: the SQL drivers write
 *   U+FFFD in its place (SQLite three of them), the memory store kept it, and Postgres and
 *   MariaDB refused it in JSON columns (audit changes, saved filters). In an identifier or
 *   a filter value (ids, category, priority, department) it is a `validation` error: two
 *   different ids would otherwise be one id on a SQL store. In text (subject, bodies,
 *   names, `q`, the request context) it is replaced by U+FFFD before anything is stored or
 *   searched (`String.prototype.toWellFormed`), the way every store then keeps and finds it.
 */

/** `String.prototype.isWellFormed` / `toWellFormed` (Node 20; ES2024, newer than the lib this builds with). */
type WellFormedString = { isWellFormed(): boolean; toWellFormed(): string };

/** Whether `s` has a NUL character. */
export const hasNul = (s: string): boolean => s.includes('\u0000');
/** Whether `s` has no lone surrogate, i.e. has a UTF-8 form every store keeps as it is. */
export const isWellFormed = (s: string): boolean => (s as unknown as WellFormedString).isWellFormed();
/** `s` with each lone surrogate replaced by U+FFFD (the same string when there is none). */
export const toWellFormed = (s: string): string =>
  isWellFormed(s) ? s : (s as unknown as WellFormedString).toWellFormed();

const noNul = (s: string) => !hasNul(s);
const NUL_MESSAGE = 'must not contain NUL (\\u0000) characters';
const SURROGATE_MESSAGE = 'must be well-formed Unicode (a lone surrogate such as \\uD800 is not)';

/**
 * Why `s` is not usable as an identifier or filter value (NUL, lone surrogate), or null.
 * The same rule as `idSchema()`, for the checks that do not go through zod.
 */
export function identifierProblem(s: string): string | null {
  if (hasNul(s)) return NUL_MESSAGE;
  return isWellFormed(s) ? null : SURROGATE_MESSAGE;
}

/** A string used as a key (an id, a category, a filter value): no NUL, no lone surrogate. */
const keyString = (z: Zod) => z.string().refine(noNul, NUL_MESSAGE).refine(isWellFormed, SURROGATE_MESSAGE);

/** Text that is stored or searched: no NUL, lone surrogates made U+FFFD. */
const text = <T extends z.ZodString>(schema: T) => schema.refine(noNul, NUL_MESSAGE).transform(toWellFormed);

/** An id or reference: a non-empty string of at most 200 characters, without NUL or lone surrogates. */
export const idSchema = lazySchema((z) =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(200, 'is longer than 200 characters')
    .refine(noNul, NUL_MESSAGE)
    .refine(isWellFormed, SURROGATE_MESSAGE),
);

/** The permissions a staff actor may hold. */
export const PERMISSIONS = [
  'tickets.view',
  'tickets.view_all',
  'tickets.create',
  'tickets.edit',
  'tickets.reply',
  'tickets.delete',
] as const;

/**
 * An actor as the host builds it. Checked on every call, so a malformed session (a
 * customer without an id, an unknown kind) fails closed with a validation error instead
 * of widening what the caller can see.
 */
export const actorSchema = lazySchema(
  (z) =>
    z.discriminatedUnion('kind', [
      z.object({
        kind: z.literal('customer'),
        id: idSchema(),
        resellerId: idSchema().nullable().optional(),
        requesterResellerId: idSchema().optional(),
        name: text(z.string().max(200)).optional(),
      }),
      z.object({
        kind: z.literal('staff'),
        id: idSchema(),
        name: text(z.string().max(200)).optional(),
        resellerId: idSchema().nullable().optional(),
        // Frozen once parsed: zod's `.readonly()` also freezes a value that failed the
        // array check, i.e. the caller's own (and throws a TypeError on a typed array).
        permissions: z.array(z.enum(PERMISSIONS)).transform((p) => Object.freeze(p)),
      }),
      z.object({ kind: z.literal('system') }),
    ]) as z.ZodType<Actor>,
);

/** A ticket subject: trimmed, 1–255 characters, no NUL, lone surrogates made U+FFFD. */
export const subjectSchema = lazySchema((z) =>
  text(z.string().trim().min(1, REQUIRED).max(255, 'Subject is longer than 255 characters')),
);

/**
 * A message body: not blank, no NUL, lone surrogates made U+FFFD. The length limit is
 * `config.maxBodyLength`, checked by the service.
 */
const messageBody = (blank: string) =>
  lazySchema((z) =>
    z
      .string()
      .refine((s) => s.trim().length > 0, blank)
      .refine(noNul, NUL_MESSAGE)
      .transform(toWellFormed),
  );

/** The description of a new ticket: not blank. */
export const bodySchema = messageBody(REQUIRED);

/** The body of a reply: not blank. */
export const replyBodySchema = messageBody(EMPTY_REPLY);

/** A status value. */
export const statusSchema = lazySchema((z) =>
  z.enum(STATUSES as [string, ...string[]]).transform((s) => s as (typeof STATUSES)[number]),
);

/** The first and last instants every store holds (years 1 to 9999, UTC). */
const FIRST_INSTANT = Date.parse('0001-01-01T00:00:00.000Z');
const LAST_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/** Whether `d` is an instant every store holds (years 1 to 9999, UTC), for checks outside zod. */
export const inInstantRange = (d: Date): boolean => d.getTime() >= FIRST_INSTANT && d.getTime() <= LAST_INSTANT;
const inRange = inInstantRange;
/** Why an instant is refused outside that range (the field's name goes before it). */
export const RANGE_MESSAGE = 'must be between the years 1 and 9999';

/**
 * A timestamp: a `Date` or an ISO 8601 string with a zone, between the years 1 and 9999
 * (what every store holds: Postgres refused earlier years and MariaDB later ones, and
 * MariaDB answered a list from a later year with every ticket).
 */
export const instantSchema = lazySchema((z) =>
  z
    .union(
      [
        z.date().refine((d) => !Number.isNaN(d.getTime()), 'is an invalid Date'),
        z.iso.datetime({ offset: true }).transform((s) => new Date(s)),
      ],
      { error: 'must be a Date or an ISO 8601 timestamp with a zone, e.g. 2026-03-20T12:00:00Z' },
    )
    .refine(inRange, RANGE_MESSAGE),
);

/**
 * One file to attach: a name (only displayed, never a path) and its bytes. The content is
 * checked by `checkUpload` (type by content, size, limits) as it streams.
 */
export const attachmentInputSchema = lazySchema((z) =>
  z.strictObject({
    filename: z.string().max(1000),
    /** `Uint8Array`/`Buffer`, a Node `Readable`, a web `ReadableStream`, or any async iterable of bytes. */
    content: z.custom<Uint8Array | AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>>(
      (value) => value !== null && (typeof value === 'object' || typeof value === 'function'),
      { error: 'must be a Uint8Array, a Readable, a ReadableStream or an async iterable of bytes' },
    ),
    /** A hint only: the content decides the type. */
    contentType: z.string().max(255).optional(),
  }),
);
export type AttachmentInput = z.input<ReturnType<typeof attachmentInputSchema>>;

/** `create` input. */
export const createTicketInputSchema = lazySchema((z) =>
  z.strictObject({
    subject: subjectSchema(),
    body: bodySchema(),
    category: keyString(z).optional(),
    priority: keyString(z).optional(),
    department: keyString(z).nullable().optional(),
    /** Staff and system only: whom the ticket is for. */
    subscriberId: idSchema().optional(),
    /** Staff only: `open` (default), `pending` or `resolved`. */
    status: statusSchema().optional(),
    /** Staff only. */
    assigneeId: idSchema().nullable().optional(),
    /** Staff only: a deadline overriding the resolution target. */
    deadlineAt: instantSchema().nullable().optional(),
    /**
     * Who the ticket is addressed to: the subscriber's reseller or straight to the operator
     * (over the reseller's head: the reseller's staff do not see it). A reseller's own
     * request to the operator: `create(resellerStaff, { ..., addressedTo: 'operator' })` with
     * no `subscriberId`, or `create(resellerRequester(staff), { ... })`; either is read and
     * answered through `resellerRequester(staff)`. @default 'reseller' when the subscriber
     * has one, else 'operator'
     */
    addressedTo: z.enum(['reseller', 'operator']).optional(),
    /** Files attached to the opening message (`config.attachments` limits them). */
    attachments: z.array(attachmentInputSchema()).max(1000).optional(),
  }),
);
export type CreateTicketInput = z.input<ReturnType<typeof createTicketInputSchema>>;

/** `addReply` input. */
export const replyInputSchema = lazySchema((z) =>
  z.strictObject({
    body: replyBodySchema(),
    /** Staff only: an internal note, never shown to the customer. @default false */
    internal: z.boolean().optional(),
    /** Staff only: the status after this reply. @default 'pending' for a public staff reply */
    status: statusSchema().optional(),
    /** Staff only: reply through another staff member's lock (needs `tickets.edit`). */
    force: z.boolean().optional(),
    /** Files attached to the reply or note (`config.attachments` limits them). */
    attachments: z.array(attachmentInputSchema()).max(1000).optional(),
  }),
);
export type ReplyInput = z.input<ReturnType<typeof replyInputSchema>>;

/** `update` patch. */
export const updatePatchSchema = lazySchema((z) =>
  z.strictObject({
    subject: subjectSchema().optional(),
    category: keyString(z).optional(),
    priority: keyString(z).optional(),
    department: keyString(z).nullable().optional(),
    status: statusSchema().optional(),
    assigneeId: idSchema().nullable().optional(),
    deadlineAt: instantSchema().nullable().optional(),
    /** Staff raise the ticket by hand (first in the queue while unresolved), or reset it. */
    raised: z.boolean().optional(),
    /** When given, the update fails with `conflict` if the ticket's version differs. */
    expectedVersion: z.number().int().positive().optional(),
    /** Write through another staff member's lock (needs `tickets.edit`). */
    force: z.boolean().optional(),
  }),
);
export type UpdatePatch = z.input<ReturnType<typeof updatePatchSchema>>;

const oneOrMany = <T extends z.ZodType>(z: Zod, item: T) =>
  z.union([item, z.array(item).min(1).max(50)]).transform((v) => (Array.isArray(v) ? v : [v]) as z.output<T>[]);

/** `list` query. */
export const listQuerySchema = lazySchema((z) =>
  z.strictObject({
    status: oneOrMany(z, statusSchema()).optional(),
    priority: oneOrMany(z, keyString(z)).optional(),
    category: oneOrMany(z, keyString(z)).optional(),
    department: oneOrMany(z, keyString(z)).optional(),
    /** A staff id, `'me'` (the acting staff member) or `null` (unassigned). */
    assigneeId: idSchema().nullable().optional(),
    subscriberId: idSchema().optional(),
    /** Text to find in the number, subject or visible message bodies. */
    q: text(z.string().trim().min(1).max(200)).optional(),
    /** Page size, 1–200. @default 50 */
    limit: z.number().int().min(1).max(200).optional(),
    /** `nextCursor` from the previous page. */
    cursor: z.string().max(1000).optional(),
    /** @default 'queue' for staff, 'newest' for customers */
    sort: z.enum(['queue', 'newest', 'oldest', 'updated', 'waiting', 'relevance']).optional(),
    /** `true`: archived only. @default false: archived tickets leave default lists */
    archived: z.boolean().optional(),
    /** `true`: the asking staff member's favorites only. */
    favorites: z.boolean().optional(),
    /** `true`: soft-deleted tickets only (staff with `tickets.delete`). */
    deleted: z.boolean().optional(),
    /** Only tickets addressed to the reseller, or to the operator. */
    addressedTo: z.enum(['reseller', 'operator']).optional(),
    createdFrom: instantSchema().optional(),
    createdTo: instantSchema().optional(),
  }),
);
export type ListQuery = z.input<ReturnType<typeof listQuerySchema>>;

/** Where a call came from (the optional last argument of every method). */
export const requestContextSchema = lazySchema((z) =>
  z.object({
    ip: text(z.string().max(100)).optional(),
    userAgent: text(z.string().max(1000)).optional(),
    requestId: text(z.string().max(200)).optional(),
  }),
);

/** `runScheduledWork` options. */
export const scheduledWorkOptionsSchema = lazySchema((z) =>
  z.strictObject({
    /** The instant to act as of. @default the service clock */
    now: instantSchema().optional(),
    /** Most tickets handled per kind of work in one call, 1–10000. @default 500 */
    limit: z.number().int().min(1).max(10_000).optional(),
  }),
);

/** `getStats` query: tickets created in `[from, to)`. */
export const statsQuerySchema = lazySchema((z) =>
  z
    .strictObject({
      from: instantSchema().optional(),
      to: instantSchema().optional(),
    })
    .refine((q) => !q.from || !q.to || q.from.getTime() < q.to.getTime(), { message: INVERTED_WINDOW, path: ['to'] }),
);
export type StatsQuery = z.input<ReturnType<typeof statsQuerySchema>>;

/** `flushEvents` options (absent: every default). */
export const flushEventsOptionsSchema = lazySchema((z) =>
  z
    .strictObject({
      /** Most events emitted in one call, 1–10000. @default 1000 */
      limit: z.number().int().min(1).max(10_000).optional(),
    })
    .optional(),
);
