/**
 * Store contract, on the interface: versioned updates, what a patch may not do, duplicate
 * and orphan rows, and how a ref that is both an id and a number resolves.
 */
import assert from 'node:assert/strict';
import { TicketError } from '../errors.js';
import type { TicketPatch } from '../store.js';
import type { ContractOptions } from './harness.js';
import { auditEntry, caught, emptySla, message, numberedTicket as row, tenant } from './rows.js';
import { withStore } from './store-harness.js';

const strip = <T extends { tenantId: string }>({ tenantId: _t, ...rest }: T) => rest;

function assertCode(err: unknown, code: string, what: string): void {
  assert.ok(TicketError.is(err), `${what}: expected a TicketError (${code}), got ${String(err)}`);
  assert.equal(err.code, code, `${what}: expected ${code}, got ${err.code}: ${err.message}`);
}

export function storeUpdateTests(o: ContractOptions): void {
  const { describe, it } = o;

  describe('store: updates and conflicts', () => {
    it(
      'updates only at the expected version, bumping it by one and replacing the whole SLA state when given',
      withStore(o, async ({ store, tenantId: t, staff, insert }) => {
        const ticket = row(t, 1, { sla: { ...emptySla(), firstResponseRemaining: 60, firstResponseMet: true } });
        await insert(ticket);
        const sla = { ...emptySla(), resolutionRemaining: 30 };
        await store.transaction(async (tx) => {
          assert.equal(await tx.updateTicket(t, ticket.id, 2, { status: 'closed' }), false, 'a stale version writes nothing');
          assert.equal(await tx.updateTicket(t, ticket.id, 1, { status: 'pending', assigneeId: 'op-2', sla }), true);
          assert.equal(await tx.updateTicket(t, ticket.id, 1, { status: 'closed' }), false);
          assert.equal(await tx.updateTicket(tenant(), ticket.id, 2, { status: 'closed' }), false, 'another tenant');
        });
        assert.deepStrictEqual(await store.findTicket(staff(), ticket.id), {
          ...strip(ticket),
          status: 'pending',
          assigneeId: 'op-2',
          sla,
          version: 2,
        });
      }),
    );

    it(
      'refuses unknown patch fields, the fixed fields and an invalid status with a typed error, and writes nothing',
      withStore(o, async ({ store, tenantId: t, staff, insert }) => {
        const ticket = row(t, 1, { resellerId: 'r1' });
        await insert(ticket);
        const refused: [TicketPatch, string][] = [
          [{ nope: 1 } as never, 'config'],
          [{ subscriberId: 'someone-else' } as never, 'config'],
          [{ resellerId: 'r2' } as never, 'config'],
          [{ resellerId: null } as never, 'config'],
          [{ createdByType: 'staff' } as never, 'config'],
          [{ id: 'other' } as never, 'config'],
          [{ number: 'TKT-9' } as never, 'config'],
          [{ status: 'bogus' as never }, 'validation'],
          [{ updatedAt: new Date('nope') }, 'validation'],
        ];
        for (const [patch, code] of refused) {
          const err = await caught(store.transaction((tx) => tx.updateTicket(t, ticket.id, 1, patch)));
          assertCode(err, code, `patch ${JSON.stringify(patch)}`);
        }
        assert.deepStrictEqual(await store.findTicket(staff(), ticket.id), strip(ticket), 'nothing was written');
        const badRow = await caught(insert(row(t, 10, { status: 'bogus' as never })));
        assertCode(badRow, 'validation', 'a row with an unknown status');
        const badDate = await caught(insert(row(t, 11, { createdAt: new Date('nope') })));
        assertCode(badDate, 'validation', 'a row with an invalid date');
      }),
    );

    it(
      'reports duplicate ids and numbers and orphan rows as conflicts; a duplicate does not poison the transaction',
      withStore(o, async ({ store, tenantId: t, staff, insert }) => {
        const ticket = row(t, 1);
        await insert(ticket);
        const number = await store.transaction(async (tx) => {
          const err = await caught(tx.insertTicket(t, row(t, 1)));
          assertCode(err, 'conflict', 'a taken number');
          assert.equal((err as TicketError).params.field, 'number');
          const retry = row(t, 2);
          await tx.insertTicket(retry.tenantId, retry);
          return retry.number;
        });
        assert.equal((await store.findTicket(staff(), number))?.number, 'TKT-2');
        assertCode(await caught(insert({ ...row(t, 9), id: ticket.id })), 'conflict', 'a taken id');
        // The same number in another tenant is fine.
        await insert(row(tenant(), 1));

        const m = message(ticket.id);
        await store.transaction((tx) => tx.insertMessage(t, m));
        assertCode(await caught(store.transaction((tx) => tx.insertMessage(t, m))), 'conflict', 'a taken message id');
        const orphan = await caught(store.transaction((tx) => tx.insertMessage(t, message('no-such-ticket'))));
        assertCode(orphan, 'conflict', 'a message of a missing ticket');
        const orphanAudit = await caught(store.transaction((tx) => tx.insertAudit(t, auditEntry('no-such-ticket'))));
        assertCode(orphanAudit, 'conflict', 'an audit entry of a missing ticket');
        const foreign = await caught(store.transaction((tx) => tx.insertMessage(tenant(), message(ticket.id))));
        assertCode(foreign, 'conflict', 'a message filed under another tenant');
        assert.equal((await store.listMessages(staff(), ticket.id)).length, 1);
      }),
    );

    it(
      'resolves a ref that is one ticket’s id and another’s number to the id, on find and lock alike',
      withStore(o, async ({ store, tenantId: t, staff, customer, insert }) => {
        // A host generateId that makes ids looking like numbers.
        const byNumber = row(t, 1, { id: 'x-1', number: '42' });
        const byId = row(t, 2, { id: '42', number: 'TKT-2' });
        await insert(byNumber, byId);
        assert.equal((await store.findTicket(staff(), '42'))?.id, '42');
        assert.equal((await store.transaction((tx) => tx.lockTicket(staff(), '42')))?.id, '42');
        assert.equal((await store.transaction((tx) => tx.findTicket(staff(), '42')))?.id, '42');
        // Out of scope, the id match is not there: the number match is what the scope sees.
        const hidden = row(t, 3, { id: '77', number: 'TKT-3', subscriberId: 'sub-2' });
        const visible = row(t, 4, { id: 'x-4', number: '77', subscriberId: 'sub-1' });
        await insert(hidden, visible);
        assert.equal((await store.findTicket(customer('sub-1'), '77'))?.id, 'x-4');
        assert.equal(await store.findTicket(customer('sub-3'), '77'), null);
      }),
    );
  });
}
