/**
 * System notes: machine-readable thread entries for status and assignment changes, with
 * an English default text. Hosts render `message.system` in their own language.
 */
import { ValidationError } from './errors.js';
import { requireObject } from './guard.js';
import type { SystemNote } from './types.js';

/** Whether a customer may see a note of this kind (status changes only). */
export function isPublicNote(note: SystemNote): boolean {
  requireObject(note, 'note', 'isPublicNote');
  return note.kind === 'status_changed' || note.kind === 'auto_closed';
}

/** The English default text of a note. `names` maps staff ids to display names. */
export function describeNote(note: SystemNote, names: Record<string, string> = {}): string {
  requireObject(note, 'note', 'describeNote');
  requireObject(names, 'names', 'describeNote');
  const who = (id: string | null) => (id === null ? 'nobody' : (names[id] ?? id));
  switch (note.kind) {
    case 'status_changed':
      return `Status changed from ${note.from} to ${note.to}`;
    case 'assigned':
      return note.to === null ? `Unassigned (was ${who(note.from)})` : `Assigned to ${who(note.to)}`;
    case 'priority_changed':
      return `Priority changed from ${note.from} to ${note.to}`;
    case 'category_changed':
      return `Category changed from ${note.from} to ${note.to}`;
    case 'department_changed':
      return `Department changed from ${note.from ?? 'none'} to ${note.to ?? 'none'}`;
    case 'auto_closed':
      return `Closed automatically after ${note.afterHours} hours without an answer`;
  }
  throw new ValidationError(`describeNote: unknown note kind ${JSON.stringify((note as { kind: unknown }).kind)}`, 'note.kind');
}
