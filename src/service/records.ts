/**
 * The rows an operation writes besides the ticket: thread messages, system notes and
 * audit entries.
 */
import type { Changes } from '../events/event-types.js';
import { renderPlainText } from '../render/markdown.js';
import type { StoreTx } from '../store.js';
import { describeNote, isPublicNote } from '../system-notes.js';
import type { Actor, Message, RequestContext, SystemNote } from '../types.js';
import type { ServiceContext } from './service-context.js';

/** A thread message by `actor`, with its already rendered `html`. */
export function newMessage(
  ctx: ServiceContext,
  actor: Actor,
  ticketId: string,
  body: string,
  html: string,
  o: { opening: boolean; internal: boolean; now: Date },
): Message {
  return {
    id: ctx.id(),
    ticketId,
    authorType: actor.kind,
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
    attachments: [],
    email: null,
  };
}

/** Writes a system note (status changed, assigned, auto-closed...) into the thread. */
export async function writeSystemNote(
  ctx: ServiceContext,
  tx: StoreTx,
  ticketId: string,
  note: SystemNote,
  now: Date,
  names: Record<string, string> = {},
): Promise<void> {
  const body = describeNote(note, names);
  await tx.insertMessage(ctx.tenantId, {
    id: ctx.id(),
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
    attachments: [],
    email: null,
  });
}

/** Writes an audit entry: who did what to the ticket, from where, with which changes. */
export async function writeAudit(
  ctx: ServiceContext,
  tx: StoreTx,
  actor: Actor,
  ticketId: string,
  action: string,
  context: RequestContext,
  now: Date,
  changes: Changes,
): Promise<void> {
  await tx.insertAudit(ctx.tenantId, {
    id: ctx.id(),
    ticketId,
    action,
    actorKind: actor.kind,
    actorId: actor.kind === 'system' ? null : actor.id,
    actorName: actor.kind === 'system' ? null : (actor.name ?? null),
    changes: asJsonValues(changes) as Changes,
    ip: context.ip ?? null,
    userAgent: context.userAgent ?? null,
    requestId: context.requestId ?? null,
    createdAt: now,
  });
}

/**
 * `value` with every `Date` as its ISO string: an audit entry's changes are JSON values,
 * so every store (a JSON column, or memory) gives back the same thing.
 */
function asJsonValues(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(asJsonValues);
  if (value !== null && typeof value === 'object') {
    // As Object.fromEntries(Object.entries(value)) builds it, without the entry arrays.
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      const v = asJsonValues((value as Record<string, unknown>)[key]);
      if (key === '__proto__') Object.defineProperty(out, key, { value: v, writable: true, enumerable: true, configurable: true });
      else out[key] = v;
    }
    return out;
  }
  return value;
}
