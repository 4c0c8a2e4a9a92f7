/**
 * Checks every store applies to what it is asked to write, so a malformed row or patch
 * is refused the same way whatever the store: by the memory store in JavaScript, and by a
 * SQL store before the database would (or would not) catch it. A third-party store calls
 * them too (see "Writing a store" in `store.ts`).
 */
import { requireObject } from './guard.js';
import { ConfigError, ValidationError } from './errors.js';
import type { MessagePatch, TicketPatch, TicketRow } from './store.js';
import { STATUSES, type Ticket } from './types.js';

/**
 * Every `Ticket` field and whether a patch may change it. Typed over every key, so a
 * field added to `Ticket` fails type-checking here until someone decides.
 * - `identity`: set once by the insert; a patch never changes it (`id`, `number`,
 *   `createdAt`, the owner `subscriberId`/`resellerId`/`requesterResellerId`, who opened
 *   it `createdByType`).
 * - `version`: the store sets it (`expectedVersion + 1`).
 * - `date` / `status` / `value`: patchable.
 */
export const TICKET_FIELD_RULES: { readonly [K in keyof Ticket]: 'identity' | 'version' | 'date' | 'status' | 'value' } = {
  id: 'identity',
  number: 'identity',
  subject: 'value',
  category: 'value',
  department: 'value',
  priority: 'value',
  status: 'status',
  subscriberId: 'identity',
  resellerId: 'identity',
  assigneeId: 'value',
  createdByType: 'identity',
  createdById: 'identity',
  createdAt: 'identity',
  updatedAt: 'date',
  statusChangedAt: 'date',
  version: 'version',
  archived: 'value',
  deletedAt: 'date',
  firstResponseAt: 'date',
  resolvedAt: 'date',
  firstResponseDueAt: 'date',
  resolutionDueAt: 'date',
  deadlineAt: 'date',
  attention: 'value',
  sla: 'value',
  mergedIntoId: 'value',
  lockedById: 'value',
  lockedByName: 'value',
  lockedUntil: 'date',
  raised: 'value',
  customerPriority: 'value',
  waitingSince: 'date',
  customerMessageAt: 'date',
  addressedTo: 'value',
  requesterResellerId: 'identity',
  channel: 'identity',
  requesterEmail: 'identity',
};

const isValidDate = (value: unknown): boolean => value instanceof Date && !Number.isNaN(value.getTime());

function checkStatus(value: unknown): void {
  if (!(STATUSES as readonly unknown[]).includes(value)) {
    throw new ValidationError(`Unknown status ${JSON.stringify(value)}; expected one of ${STATUSES.join(', ')}`, 'status', {
      params: { allowed: STATUSES },
    });
  }
}

function checkDate(field: string, value: unknown, nullable: boolean): void {
  if (value === null && nullable) return;
  if (!isValidDate(value)) throw new ValidationError(`${field} must be a valid Date, got ${String(value)}`, field);
}

/** Non-null date fields of a row. */
const REQUIRED_DATES = new Set(['createdAt', 'updatedAt', 'statusChangedAt']);

/**
 * Refuses a patch a store must not apply: an unknown field or one a patch can never
 * change (`ConfigError`, a bug in the caller, naming `params.field`), an unknown status
 * or an invalid date (`ValidationError`). Fields set to `undefined` are ignored.
 */
export function checkTicketPatch(patch: TicketPatch): void {
  if (typeof patch !== 'object' || patch === null) throw new ConfigError('A ticket patch must be an object');
  for (const [field, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const rule = Object.hasOwn(TICKET_FIELD_RULES, field) ? TICKET_FIELD_RULES[field as keyof Ticket] : undefined;
    if (rule === undefined || rule === 'identity' || rule === 'version') {
      throw new ConfigError(`Ticket field ${JSON.stringify(field)} cannot be updated`, { params: { field } });
    }
    if (rule === 'status') checkStatus(value);
    if (rule === 'date') checkDate(field, value, !REQUIRED_DATES.has(field));
  }
}

/** Refuses a row to insert with an unknown status or an invalid date (`ValidationError`). */
export function checkTicketRow(row: TicketRow): void {
  requireObject(row, 'row', 'checkTicketRow');
  checkStatus(row.status);
  for (const [field, rule] of Object.entries(TICKET_FIELD_RULES)) {
    if (rule === 'date' || field === 'createdAt') {
      checkDate(field, (row as unknown as Record<string, unknown>)[field] ?? null, !REQUIRED_DATES.has(field));
    }
  }
}

/** The message fields a `MessagePatch` may carry, with what each must be. */
const MESSAGE_PATCH_RULES: Record<string, 'string' | 'boolean' | 'date'> = {
  body: 'string',
  html: 'string',
  hidden: 'boolean',
  editedAt: 'date',
};

/**
 * Refuses a message patch a store must not apply: an unknown field (`ConfigError` naming
 * `params.field`), or a value of the wrong type (`ValidationError`).
 */
export function checkMessagePatch(patch: MessagePatch): void {
  if (typeof patch !== 'object' || patch === null) throw new ConfigError('A message patch must be an object');
  for (const [field, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const rule = Object.hasOwn(MESSAGE_PATCH_RULES, field) ? MESSAGE_PATCH_RULES[field] : undefined;
    if (rule === undefined) {
      throw new ConfigError(`Message field ${JSON.stringify(field)} cannot be updated`, { params: { field } });
    }
    if (rule === 'date') checkDate(field, value, true);
    else if (typeof value !== rule) throw new ValidationError(`${field} must be a ${rule}`, field);
  }
}
