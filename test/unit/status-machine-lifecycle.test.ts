/**
 * The status machine's lifecycle rules, one by one: archive and unarchive (closed tickets
 * only), delete and restore, merge, and the archive flag `statusChange` clears. Each
 * refusal is `invalid_transition` naming the operation and the rule.
 */
import { describe, expect, it } from 'vitest';
import { STATUSES, TicketError, type Status, type Ticket } from '../../src/index.js';
import {
  checkArchive,
  checkDelete,
  checkMerge,
  checkRestore,
  checkUnarchive,
  statusChange,
} from '../../src/status-machine.js';
import { ticketRow } from '../../src/testing/rows.js';

const ticket = (over: Partial<Ticket> = {}): Ticket => {
  const { tenantId: _tenant, ...row } = ticketRow('t', over);
  return row;
};
const deleted = new Date('2026-03-02T12:00:00Z');

/** The refusal `fn` throws: `[action, reason]`, or `null` when it passes. */
function refusal(fn: () => void): [unknown, unknown] | null {
  try {
    fn();
    return null;
  } catch (e) {
    expect(TicketError.is(e, 'invalid_transition')).toBe(true);
    const { params } = e as TicketError;
    return [params.action, params.reason];
  }
}

describe('status machine: lifecycle', () => {
  it('archive and unarchive: closed tickets only, never a deleted one', () => {
    for (const status of STATUSES) {
      const t = ticket({ status });
      expect(refusal(() => checkArchive(t))).toEqual(status === 'closed' ? null : ['archive', 'not_closed']);
      expect(refusal(() => checkUnarchive(t))).toEqual(status === 'closed' ? null : ['unarchive', 'not_closed']);
    }
    const gone = ticket({ status: 'closed', deletedAt: deleted });
    expect(refusal(() => checkArchive(gone))).toEqual(['archive', 'deleted']);
    expect(refusal(() => checkUnarchive(gone))).toEqual(['unarchive', 'deleted']);
  });

  it('delete only what is not deleted, restore only what is', () => {
    expect(refusal(() => checkDelete(ticket()))).toBeNull();
    expect(refusal(() => checkDelete(ticket({ deletedAt: deleted })))).toEqual(['delete', 'deleted']);
    expect(refusal(() => checkRestore(ticket({ deletedAt: deleted })))).toBeNull();
    expect(refusal(() => checkRestore(ticket()))).toEqual(['restore', 'not_deleted']);
  });

  it('merge: not deleted either side, not into itself, not twice, not into a closed ticket', () => {
    const source = ticket();
    const target = ticket({ status: 'pending' });
    expect(refusal(() => checkMerge(source, target))).toBeNull();
    expect(refusal(() => checkMerge(ticket({ status: 'closed' }), target))).toBeNull();
    expect(refusal(() => checkMerge(ticket({ deletedAt: deleted }), target))).toEqual(['merge', 'deleted']);
    expect(refusal(() => checkMerge(source, ticket({ deletedAt: deleted })))).toEqual(['merge', 'target_deleted']);
    expect(refusal(() => checkMerge(source, source))).toEqual(['merge', 'same_ticket']);
    expect(refusal(() => checkMerge(ticket({ mergedIntoId: target.id }), target))).toEqual(['merge', 'already_merged']);
    expect(refusal(() => checkMerge(source, ticket({ status: 'closed' })))).toEqual(['merge', 'target_closed']);
  });

  it('leaving closed clears the archive flag; staying closed keeps it', () => {
    const now = new Date('2026-03-03T00:00:00Z');
    const archived = ticket({ status: 'closed', archived: true });
    for (const to of STATUSES) {
      const change = statusChange(archived, to as Status, now);
      expect(change.archived ?? archived.archived).toBe(to === 'closed');
    }
    expect(statusChange(ticket({ status: 'resolved' }), 'closed', now).archived).toBeUndefined();
  });
});
