/**
 * Store contract, called on the interface directly, for attachment metadata: rows are
 * found only through a message the scope may see, listed with their messages in the
 * order they were attached, follow their messages on a move, refuse dangling or taken
 * rows, and answer the orphan sweep and a purge within their tenant.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { TicketError } from '../errors.js';
import type { StoredAttachment } from '../types.js';
import type { ContractOptions } from './harness.js';
import { at, caught, message, numberedTicket as row } from './rows.js';
import { withStore } from './store-harness.js';

const isCode = (err: unknown, code: string) => TicketError.is(err) && err.code === code;

/** An attachment row of `messageId` on `ticketId`. */
function attachment(ticketId: string, messageId: string, over: Partial<StoredAttachment> = {}): StoredAttachment {
  const id = `att-${randomUUID()}`;
  return {
    id,
    filename: 'speedtest.png',
    contentType: 'image/png',
    size: 12_345,
    ticketId,
    messageId,
    checksum: 'a'.repeat(64),
    blobKey: `k/2026/03/${id}`,
    uploadedByType: 'customer',
    uploadedById: 'sub-1',
    createdAt: at(1.5),
    ...over,
  };
}

const meta = ({ id, filename, contentType, size }: StoredAttachment) => ({ id, filename, contentType, size });

export function storeAttachmentTests(o: ContractOptions): void {
  const { describe, it } = o;

  describe('store: attachments', () => {
    it(
      'lists attachments with their messages in the order attached, and finds one only through a visible message',
      withStore(o, async ({ store, tenantId: t, staff, customer, insert }) => {
        const ticket = row(t, 1, { subscriberId: 'sub-1' });
        await insert(ticket);
        const open = message(ticket.id, { opening: true });
        const note = message(ticket.id, { authorType: 'staff', authorId: 'op', internal: true, createdAt: at(1) });
        const hidden = message(ticket.id, { authorType: 'staff', authorId: 'op', hidden: true, createdAt: at(2) });
        const a1 = attachment(ticket.id, open.id, { filename: 'Отчёт 📄.pdf', contentType: 'application/pdf', size: 0 });
        const a2 = attachment(ticket.id, open.id, { size: 10 * 1024 * 1024 });
        const a3 = attachment(ticket.id, note.id, { uploadedByType: 'staff', uploadedById: 'op' });
        const a4 = attachment(ticket.id, hidden.id, { uploadedByType: 'staff', uploadedById: 'op' });
        await store.transaction(async (tx) => {
          for (const m of [open, note, hidden]) await tx.insertMessage(t, m);
          for (const a of [a1, a2, a3, a4]) await tx.insertAttachment(t, a);
        });
        const staffThread = await store.listMessages(staff(), ticket.id);
        assert.deepStrictEqual(
          staffThread.map((m) => m.attachments),
          [[meta(a1), meta(a2)], [meta(a3)], [meta(a4)]],
        );
        const customerThread = await store.listMessages(customer('sub-1'), ticket.id);
        assert.deepStrictEqual(customerThread.map((m) => m.attachments), [[meta(a1), meta(a2)]]);
        assert.deepStrictEqual((await store.findMessage(staff(), open.id))!.attachments, [meta(a1), meta(a2)]);

        assert.deepStrictEqual(await store.findAttachment(staff(), a1.id), a1, 'every field round-trips');
        assert.deepStrictEqual(await store.findAttachment(customer('sub-1'), a2.id), a2);
        assert.equal(await store.findAttachment(customer('sub-1'), a3.id), null, 'an internal note’s file');
        assert.equal(await store.findAttachment(customer('sub-1'), a4.id), null, 'a hidden message’s file');
        assert.equal(await store.findAttachment(customer('sub-2'), a1.id), null, 'another subscriber');
        assert.equal(await store.findAttachment(staff({ resellerId: 'r-1' }), a1.id), null, 'another reseller');
        assert.equal(await store.findAttachment(staff({}, `${t}-other`), a1.id), null, 'another tenant');
        assert.equal(await store.findAttachment(staff(), 'att-missing'), null);
        // A deleted ticket's files are kept, and found only with includeDeleted.
        await store.transaction((tx) => tx.updateTicket(t, ticket.id, 1, { deletedAt: at(9) }));
        assert.equal(await store.findAttachment(staff(), a1.id), null);
        assert.deepStrictEqual(await store.findAttachment(staff({ includeDeleted: true }), a1.id), a1);
        assert.deepStrictEqual(
          (await store.listTicketAttachments(t, ticket.id)).map((a) => a.id).sort(),
          [a1.id, a2.id, a3.id, a4.id].sort(),
        );
      }),
    );

    it(
      'refuses an attachment of a missing message or ticket, a taken id or blob key; a rolled-back one is gone',
      withStore(o, async ({ store, tenantId: t, staff, insert }) => {
        const ticket = row(t, 1);
        const other = row(t, 2);
        await insert(ticket, other);
        const m = message(ticket.id, { opening: true });
        await store.transaction((tx) => tx.insertMessage(t, m));
        const first = attachment(ticket.id, m.id);
        await store.transaction((tx) => tx.insertAttachment(t, first));
        for (const [what, bad] of [
          ['a missing message', attachment(ticket.id, 'm-missing')],
          ['a missing ticket', attachment('tk-missing', m.id)],
          ['a taken id', attachment(ticket.id, m.id, { id: first.id })],
          ['a taken blob key', attachment(ticket.id, m.id, { blobKey: first.blobKey })],
        ] as const) {
          const err = await caught(store.transaction((tx) => tx.insertAttachment(t, bad)));
          assert.ok(isCode(err, 'conflict'), `${what}: conflict, got ${String(err)}`);
        }
        const lost = attachment(ticket.id, m.id);
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.insertAttachment(t, lost);
            throw new Error('rolled back');
          }),
          /rolled back/,
        );
        assert.equal(await store.findAttachment(staff(), lost.id), null);
        assert.deepStrictEqual((await store.attachmentKeysExist(t, [lost.blobKey, first.blobKey])), new Set([first.blobKey]));
        assert.deepStrictEqual(await store.attachmentKeysExist(`${t}-other`, [first.blobKey]), new Set());
        assert.deepStrictEqual(await store.attachmentKeysExist(t, []), new Set());
      }),
    );

    it(
      'attachments follow their messages when a merge or split moves them',
      withStore(o, async ({ store, tenantId: t, staff, insert }) => {
        const source = row(t, 1);
        const target = row(t, 2);
        await insert(source, target);
        const s1 = message(source.id, { opening: true });
        const s2 = message(source.id, { createdAt: at(3) });
        const a1 = attachment(source.id, s1.id);
        const a2 = attachment(source.id, s2.id);
        await store.transaction(async (tx) => {
          await tx.insertMessage(t, s1);
          await tx.insertMessage(t, s2);
          await tx.insertAttachment(t, a1);
          await tx.insertAttachment(t, a2);
        });
        await store.transaction((tx) => tx.moveMessages(t, [s2.id], target.id, null));
        assert.deepStrictEqual((await store.findAttachment(staff(), a2.id))!.ticketId, target.id);
        assert.deepStrictEqual((await store.findAttachment(staff(), a1.id))!.ticketId, source.id);
        assert.deepStrictEqual(
          (await store.listMessages(staff(), target.id)).map((m) => m.attachments.map((a) => a.id)),
          [[a2.id]],
        );
        assert.deepStrictEqual((await store.listTicketAttachments(t, target.id)).map((a) => a.id), [a2.id]);
        assert.deepStrictEqual((await store.listTicketAttachments(t, source.id)).map((a) => a.id), [a1.id]);
      }),
    );

    it(
      'deleteTicketAttachments removes one ticket’s rows and returns them; a rollback keeps them',
      withStore(o, async ({ store, tenantId: t, staff, insert }) => {
        const ticket = row(t, 1);
        const other = row(t, 2);
        await insert(ticket, other);
        const m = message(ticket.id, { opening: true });
        const n = message(other.id, { opening: true });
        const mine = [attachment(ticket.id, m.id), attachment(ticket.id, m.id)];
        const theirs = attachment(other.id, n.id);
        await store.transaction(async (tx) => {
          await tx.insertMessage(t, m);
          await tx.insertMessage(t, n);
          for (const a of [...mine, theirs]) await tx.insertAttachment(t, a);
        });
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.deleteTicketAttachments(t, ticket.id);
            throw new Error('rolled back');
          }),
          /rolled back/,
        );
        assert.equal((await store.listTicketAttachments(t, ticket.id)).length, 2);
        const removed = await store.transaction((tx) => tx.deleteTicketAttachments(t, ticket.id));
        assert.deepStrictEqual(removed.map((a) => a.id).sort(), mine.map((a) => a.id).sort());
        assert.deepStrictEqual(await store.listTicketAttachments(t, ticket.id), []);
        assert.deepStrictEqual((await store.listMessages(staff(), ticket.id))[0]!.attachments, []);
        assert.deepStrictEqual(await store.findAttachment(staff(), theirs.id), theirs, 'another ticket’s stay');
        assert.deepStrictEqual(await store.transaction((tx) => tx.deleteTicketAttachments(`${t}-other`, other.id)), []);
      }),
    );
  });
}
