/**
 * System notes: machine-readable thread entries for status and assignment changes, with
 * an English default text. Hosts render `message.system` in their own language.
 */
import { ValidationError } from './errors.js';
import { requireObject } from './guard.js';
import type { SystemNote } from './types.js';

/** The kinds a customer may see: status changes, and where a merge or split took the thread. */
const PUBLIC_KINDS: ReadonlySet<SystemNote['kind']> = new Set([
  'status_changed',
  'auto_closed',
  'merged_into',
  'merged_from',
  'split_to',
  'split_from',
]);

/**
 * Whether a customer may see a note of this kind: status changes, and the notes of a
 * merge or split (which only ever join or separate one subscriber's tickets).
 */
export function isPublicNote(note: SystemNote): boolean {
  requireObject(note, 'note', 'isPublicNote');
  return PUBLIC_KINDS.has(note.kind);
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
    case 'merged_into':
      return `Merged into ${note.targetNumber}`;
    case 'merged_from':
      return `${note.sourceNumber} was merged into this ticket`;
    case 'split_to':
      return `Split into ${note.ticketNumber} from here`;
    case 'split_from':
      return `Split from ${note.ticketNumber}`;
  }
  throw new ValidationError(`describeNote: unknown note kind ${JSON.stringify((note as { kind: unknown }).kind)}`, 'note.kind');
}
