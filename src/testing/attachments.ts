/**
 * Contract: attachments through the service, on every ticket store, with each blob store
 * of the run (`blobStores` in the options; else an in-memory test double). Files go in
 * with `create` and `addReply` (notes too) and come back byte for byte through
 * `getAttachment`, scoped exactly like their message; every refusal is typed and leaves
 * nothing behind (no row, no blob); a failed transaction removes its files; the sweep
 * removes what a crash left; merge and split carry files; events carry metadata only.
 */
import { blobKey } from '../blobs/blob-key.js';
import type { TicketEvent } from '../events/event-types.js';
import { TicketError } from '../errors.js';
import { scopeFor } from '../permissions.js';
import type { Attachment, Message } from '../types.js';
import { attachmentContentTests } from './attachment-content.js';
import {
  ELF,
  HTML,
  LOG,
  PDF,
  PNG,
  asReadable,
  asWebStream,
  blobStoresOf,
  failingAtCommit,
  failingKeyLookups,
  failingMarkDelivered,
  pngOf,
  readAll,
  sha256,
  withBlobDesk,
  type BlobDesk,
} from './attachment-fixtures.js';
import { ALL, assert, customer, operator, rejectsWith, resellerStaff, withDesk, type ContractOptions } from './harness.js';

const META_KEYS = ['contentType', 'filename', 'id', 'size'];

/** Every attachment in the events is metadata only: id, filename, contentType, size. */
function assertMetadataOnly(events: readonly TicketEvent[]): void {
  for (const event of events) {
    const messages = [
      'message' in event ? (event.message as Message) : null,
      event.customer?.message ?? null,
    ];
    for (const m of messages) {
      for (const a of (m?.attachments ?? []) as Attachment[]) {
        assert.deepEqual(Object.keys(a).sort(), META_KEYS, `${event.type}: metadata only`);
      }
    }
  }
}

export function attachmentTests(o: ContractOptions): void {
  for (const factory of blobStoresOf(o)) {
    const { describe, it } = o;
    describe(`attachments (${factory.name})`, () => {
      it(
        'files on create come back byte for byte, whatever the content kind; metadata on the message and in the event',
        withBlobDesk(o, factory, async (d) => {
          const c = customer(undefined, 'r-1');
          const big = pngOf(300 * 1024);
          const created = await d.desk.create(c, {
            subject: 'No internet',
            body: 'Screenshots attached',
            attachments: [
              { filename: 'speedtest.png', content: big },
              { filename: 'Отчёт.pdf', content: asReadable(PDF), contentType: 'application/pdf' },
              { filename: 'router.log', content: asWebStream(LOG) },
            ],
          });
          const thread = await d.desk.get(c, created.id);
          const listed = thread.messages[0]!.attachments;
          assert.deepEqual(
            listed.map((a) => [a.filename, a.contentType, a.size]),
            [
              ['speedtest.png', 'image/png', big.length],
              ['Отчёт.pdf', 'application/pdf', PDF.length],
              ['router.log', 'text/plain', LOG.length],
            ],
          );
          for (const [a, bytes] of [
            [listed[0]!, big],
            [listed[1]!, PDF],
            [listed[2]!, LOG],
          ] as const) {
            const download = await d.desk.getAttachment(c, a.id);
            const got = await readAll(download.content);
            assert.ok(got.equals(bytes), `${a.filename}: the same bytes`);
            assert.equal(download.attachment.checksum, sha256(bytes));
            assert.equal(download.attachment.size, bytes.length);
            assert.equal(download.attachment.id, a.id);
            assert.deepEqual(download.attachment.createdAt, d.clock.now());
            assert.ok(!('uploadedById' in download.attachment) && !('blobKey' in download.attachment), 'nothing staff-only');
          }
          const png = await d.desk.getAttachment(c, listed[0]!.id);
          assert.equal(png.attachment.inline, true);
          assert.equal(png.attachment.contentDisposition, 'inline; filename="speedtest.png"');
          const pdf = await d.desk.getAttachment(operator(), listed[1]!.id);
          assert.equal(pdf.attachment.inline, false);
          assert.equal(pdf.attachment.contentDisposition, `attachment; filename="_____.pdf"; filename*=UTF-8''%D0%9E%D1%82%D1%87%D1%91%D1%82.pdf`);
          await readAll(pdf.content);

          // The row: who sent it, where the bytes are (a generated key in the tenant's prefix).
          const row = await d.store.findAttachment(scopeFor(d.tenantId, operator(ALL)), listed[0]!.id);
          assert.equal(row?.uploadedByType, 'customer');
          assert.equal(row?.uploadedById, c.id);
          assert.equal(row?.messageId, thread.messages[0]!.id);
          assert.equal((await d.tenantBlobs()).length, 3);

          const event = d.events.find((e) => e.type === 'ticket.created')!;
          assert.deepEqual((event as { message: Message }).message.attachments, listed);
          assertMetadataOnly(d.events);
        }),
      );

      it(
        'replies and internal notes take files; a customer never reaches a note’s or a hidden message’s file, staff do',
        withBlobDesk(o, factory, async (d) => {
          const c = customer();
          const op = operator(ALL);
          const t = await d.desk.create(c, { subject: 's', body: 'b' });
          const reply = await d.desk.addReply(c, t.id, { body: 'here', attachments: [{ filename: 'a.png', content: PNG }] });
          assert.equal(reply.attachments.length, 1, 'the customer’s reply lists its file');
          assert.deepEqual(Object.keys(reply.attachments[0]!).sort(), META_KEYS);
          const note = await d.desk.addReply(op, t.id, {
            body: 'customer sent wrong router log',
            internal: true,
            attachments: [{ filename: 'internal.log', content: LOG }],
          });
          const answer = await d.desk.addReply(op, t.id, { body: 'see PDF', attachments: [{ filename: 'guide.pdf', content: PDF }] });
          const hidden = await d.desk.addReply(op, t.id, { body: 'oops', attachments: [{ filename: 'wrong.png', content: PNG }] });
          await d.desk.hideMessage(op, hidden.id);
          const answerEvent = d.events.find((e) => e.type === 'ticket.replied' && e.message.id === answer.id)!;
          assert.deepEqual(answerEvent.customer?.message?.attachments, answer.attachments, 'the customer hears of a public reply’s files');

          const noteFile = note.attachments[0]!.id;
          const hiddenFile = hidden.attachments[0]!.id;
          await rejectsWith(d.desk.getAttachment(c, noteFile), 'not_found');
          await rejectsWith(d.desk.getAttachment(c, hiddenFile), 'not_found');
          assert.ok((await readAll((await d.desk.getAttachment(op, noteFile)).content)).equals(LOG));
          assert.ok((await readAll((await d.desk.getAttachment(op, hiddenFile)).content)).equals(PNG));
          assert.ok((await readAll((await d.desk.getAttachment(c, answer.attachments[0]!.id)).content)).equals(PDF));

          const seen = await d.desk.get(c, t.id);
          const files = seen.messages.flatMap((m) => m.attachments.map((a) => a.filename));
          assert.deepEqual(files, ['a.png', 'guide.pdf'], 'the customer’s thread lists only what they may read');
          const staffSeen = await d.desk.get(op, t.id);
          assert.deepEqual(
            staffSeen.messages.flatMap((m) => m.attachments.map((a) => a.filename)),
            ['a.png', 'internal.log', 'guide.pdf', 'wrong.png'],
          );

          // The note's event carries its files for staff; the customer's view never does.
          const noteEvent = d.events.find((e) => e.type === 'ticket.replied' && e.message.id === note.id)!;
          assert.deepEqual((noteEvent as { message: Message }).message.attachments, note.attachments);
          assert.equal(noteEvent.customer?.message ?? null, null);
          for (const e of d.events) {
            const names = (e.customer?.message?.attachments ?? []).map((a) => a.filename);
            assert.ok(!names.includes('internal.log'), `${e.type}: no note file for the customer`);
          }
          assertMetadataOnly(d.events);
        }),
      );

      it(
        'another customer, another reseller, another tenant, an unknown id and a deleted ticket read as not found',
        withBlobDesk(o, factory, async (d) => {
          const c = customer(undefined, 'r-1');
          const t = await d.desk.create(c, { subject: 's', body: 'b', attachments: [{ filename: 'a.png', content: PNG }] });
          const id = (await d.desk.get(c, t.id)).messages[0]!.attachments[0]!.id;
          await rejectsWith(d.desk.getAttachment(customer(undefined, 'r-1'), id), 'not_found');
          await rejectsWith(d.desk.getAttachment(resellerStaff('r-2', ['tickets.view']), id), 'not_found');
          await readAll((await d.desk.getAttachment(resellerStaff('r-1', ['tickets.view']), id)).content);
          const other = d.make({ tenantId: `${d.tenantId}-other` });
          await rejectsWith(other.getAttachment(operator(ALL), id), 'not_found');
          await rejectsWith(d.desk.getAttachment(c, 'att-unknown'), 'not_found');
          await rejectsWith(d.desk.getAttachment(c, ''), 'validation', { field: 'attachmentId' });
          await rejectsWith(d.desk.getAttachment(c, 42 as unknown as string), 'validation', { field: 'attachmentId' });
          await rejectsWith(d.desk.getAttachment(operator([]), id), 'forbidden');

          const admin = operator(ALL);
          await d.desk.delete(admin, t.id);
          await rejectsWith(d.desk.getAttachment(c, id), 'not_found');
          await rejectsWith(d.desk.getAttachment(admin, id), 'not_found', { message: /not found/ });
          assert.equal((await d.tenantBlobs()).length, 1, 'a soft delete keeps the file');
          await d.desk.restore(admin, t.id);
          assert.ok((await readAll((await d.desk.getAttachment(c, id)).content)).equals(PNG));
        }),
      );

      it(
        'hostile names are only display names: cleaned, and never part of a key',
        withBlobDesk(o, factory, async (d) => {
          const c = customer();
          const names = ['../../etc/passwd.png', '/etc/shadow.png', 'C:\\Windows\\System32\\evil.png', 'nul\0byte.png', '\u202Egnp.exe.png', '...'];
          const t = await d.desk.create(c, {
            subject: 's',
            body: 'b',
            attachments: names.map((filename) => ({ filename, content: PNG })),
          });
          const listed = (await d.desk.get(c, t.id)).messages[0]!.attachments;
          assert.deepEqual(
            listed.map((a) => a.filename),
            ['passwd.png', 'shadow.png', 'evil.png', 'nulbyte.png', 'gnp.exe.png', 'file'],
          );
          for (const key of await d.tenantBlobs()) {
            assert.match(key, /^[0-9a-f]{16}\/\d{4}\/\d{2}\/[a-z0-9_-]+$/);
          }
          for (const a of listed) {
            const download = await d.desk.getAttachment(c, a.id);
            assert.ok(!/[\0\r\n\\/]/.test(download.attachment.contentDisposition), download.attachment.contentDisposition);
            await readAll(download.content);
          }
        }),
      );

      it(
        'a refused file (too big, wrong type by content, not text, empty, too many) is a typed error naming it, and leaves nothing behind',
        withBlobDesk(
          o,
          factory,
          async (d) => {
            const c = customer();
            const op = operator(ALL);
            const t = await d.desk.create(c, { subject: 's', body: 'b' });
            const before = d.events.length;
            const cases = [
              { name: 'too big', files: [{ filename: 'ok.png', content: PNG }, { filename: 'big.png', content: pngOf(64 * 1024 + 1) }], field: 'attachments.1', reason: 'too_large' },
              { name: 'a streamed file too big', files: () => [{ filename: 'ok.png', content: PNG }, { filename: 'big.png', content: asReadable(pngOf(200 * 1024)) }], field: 'attachments.1', reason: 'too_large' },
              { name: 'HTML named .png', files: [{ filename: 'ok.pdf', content: PDF }, { filename: 'x.png', content: HTML }], field: 'attachments.1', reason: 'type_not_allowed' },
              { name: 'an executable named .pdf', files: [{ filename: 'setup.pdf', content: ELF }], field: 'attachments.0', reason: 'type_not_allowed' },
              { name: 'a log with a NUL', files: [{ filename: 'ok.png', content: PNG }, { filename: 'r.log', content: Buffer.concat([LOG, Buffer.from([0]), LOG]) }], field: 'attachments.1', reason: 'not_text' },
              { name: 'an empty file', files: [{ filename: 'ok.png', content: PNG }, { filename: 'empty.txt', content: new Uint8Array(0) }], field: 'attachments.1', reason: 'empty' },
              { name: 'too many', files: [1, 2, 3, 4].map((i) => ({ filename: `${i}.png`, content: PNG })), field: 'attachments', reason: 'too_many' },
            ];
            for (const k of cases) {
              const files = () => (typeof k.files === 'function' ? k.files() : k.files) as never;
              for (const [what, call] of [
                ['create', () => d.desk.create(c, { subject: 's', body: 'b', attachments: files() })],
                ['reply', () => d.desk.addReply(c, t.id, { body: 'b', attachments: files() })],
                ['note', () => d.desk.addReply(op, t.id, { body: 'b', internal: true, attachments: files() })],
              ] as const) {
                const err = await rejectsWith(call(), 'validation', { field: k.field });
                assert.equal(err.params.reason, k.reason, `${k.name} (${what}): ${err.message}`);
                if (k.field !== 'attachments') assert.equal(typeof err.params.filename, 'string', `${k.name}: names the file`);
                assert.deepEqual(await d.tenantBlobs(), [], `${k.name} (${what}): no blob left`);
              }
            }
            assert.equal((await d.desk.list(op)).items.length, 1, 'no ticket written');
            assert.equal((await d.desk.get(op, t.id)).messages.length, 1, 'no message written');
            assert.equal(d.events.length, before, 'no event');
          },
          { config: { attachments: { maxFileBytes: 64 * 1024, maxFiles: 3 } } },
        ),
      );

      it(
        'a transaction that fails after the files were stored leaves no file; a store that cannot say leaves them to the sweep',
        withBlobDesk(o, factory, async (d) => {
          const c = customer();
          const t = await d.desk.create(c, { subject: 's', body: 'b' });
          const failing = d.make({ store: failingAtCommit(d.store) });
          const files = [
            { filename: 'a.png', content: PNG },
            { filename: 'b.pdf', content: PDF },
          ];
          await assert.rejects(failing.create(c, { subject: 's', body: 'b', attachments: files }));
          await assert.rejects(failing.addReply(c, t.id, { body: 'b', attachments: [{ filename: 'a.png', content: PNG }] }));
          assert.deepEqual(await d.tenantBlobs(), [], 'the files of the rolled-back messages are gone');
          assert.equal((await d.desk.list(operator())).items.length, 1);

          // The store is down while cleaning up: the files stay, and the sweep takes them after an hour.
          const down = d.make({ store: failingKeyLookups(failingAtCommit(d.store)) });
          await assert.rejects(down.addReply(c, t.id, { body: 'b', attachments: [{ filename: 'a.png', content: PNG }] }));
          assert.equal((await d.tenantBlobs()).length, 1);
          d.clock.minutes(61);
          assert.equal((await d.desk.runScheduledWork()).orphanBlobsRemoved, 1);
          assert.deepEqual(await d.tenantBlobs(), []);
        }),
      );

      it(
        'the sweep removes a crash’s orphan after an hour, keeps recent and referenced files and other tenants’ files, a bounded number per run',
        withBlobDesk(o, factory, async (d) => {
          const c = customer();
          const t = await d.desk.create(c, { subject: 's', body: 'b', attachments: [{ filename: 'a.png', content: PNG }] });
          const kept = (await d.desk.get(c, t.id)).messages[0]!.attachments[0]!.id;
          // A crash between writing the files and committing their message.
          const put = (tenantId: string, id: string) =>
            d.blobs.put(blobKey(tenantId, id, d.clock.now()), (async function* () {
              yield PNG;
            })());
          await put(d.tenantId, 'crash-1');
          await put(d.tenantId, 'crash-2');
          await put(d.tenantId, 'crash-3');
          await put(`${d.tenantId}-other`, 'crash-other');
          d.clock.minutes(30);
          await put(d.tenantId, 'recent');
          assert.equal((await d.desk.runScheduledWork()).orphanBlobsRemoved, 0, 'nothing is an hour old yet');
          d.clock.minutes(31);
          assert.equal((await d.desk.runScheduledWork({ limit: 2 })).orphanBlobsRemoved, 2, 'bounded by the limit');
          assert.equal((await d.desk.runScheduledWork({ limit: 2 })).orphanBlobsRemoved, 1);
          assert.equal((await d.desk.runScheduledWork()).orphanBlobsRemoved, 0);
          const left = await d.tenantBlobs();
          assert.equal(left.length, 2, 'the referenced file and the recent orphan');
          assert.ok(left.includes(blobKey(d.tenantId, 'recent', new Date('2026-03-02T10:30:00Z'))));
          assert.ok((await readAll((await d.desk.getAttachment(c, kept)).content)).equals(PNG));
          assert.ok(await d.blobs.stat(blobKey(`${d.tenantId}-other`, 'crash-other', new Date('2026-03-02T10:00:00Z'))), 'another tenant’s file is not this sweep’s');
          d.clock.minutes(60);
          assert.equal((await d.desk.runScheduledWork()).orphanBlobsRemoved, 1, 'the recent one, now old');
          assert.deepEqual(await d.tenantBlobs(), [left.find((k) => !k.endsWith('/recent'))]);
        }),
      );

      it(
        'the sweep looks at a bounded number of keys per run and carries on where the last run stopped',
        withBlobDesk(o, factory, async (d) => {
          const put = (id: string) =>
            d.blobs.put(blobKey(d.tenantId, id, d.clock.now()), (async function* () {
              yield PNG;
            })());
          await put('zz-old'); // sorts after the others
          d.clock.minutes(61);
          for (let i = 0; i < 25; i++) await put(`a-${String(i).padStart(2, '0')}`);
          // limit 1: at most 10 keys looked at per run.
          const runs: number[] = [];
          for (let i = 0; i < 3; i++) runs.push((await d.desk.runScheduledWork({ limit: 1 })).orphanBlobsRemoved);
          assert.deepEqual(runs, [0, 0, 1], 'the old orphan is reached on the third run');
          assert.equal((await d.tenantBlobs()).length, 25);
          assert.equal((await d.desk.runScheduledWork({ limit: 1 })).orphanBlobsRemoved, 0, 'starts over after the last key');
        }),
      );

      it(
        'an event redelivered from the outbox lists the same files as when it was first emitted',
        withBlobDesk(o, factory, async (d) => {
          // The process "crashes" between commit and marking the events delivered.
          const crashing = d.make({ store: failingMarkDelivered(d.store) });
          const first: TicketEvent[] = [];
          crashing.events.on('*', (_type, event) => first.push(event as TicketEvent));
          const c = customer();
          const t = await crashing.create(c, { subject: 's', body: 'b', attachments: [{ filename: 'a.png', content: PNG }] });
          await crashing.addReply(operator(), t.id, { body: 'n', internal: true, attachments: [{ filename: 'n.log', content: LOG }] });
          d.clock.minutes(2);
          const again: TicketEvent[] = [];
          const desk = d.make();
          desk.events.on('*', (_type, event) => again.push(event as TicketEvent));
          assert.equal((await desk.runScheduledWork()).redelivered, first.length);
          const files = (events: TicketEvent[]) =>
            events.map((e) => ['message' in e ? (e.message as Message).attachments : null, e.customer?.message?.attachments ?? null]);
          assert.deepEqual(files(again), files(first));
          assert.equal((first[1] as TicketEvent & { message: Message }).message.attachments[0]!.filename, 'n.log');
          assertMetadataOnly(again);
        }),
      );

      it(
        'merge and split carry files with their messages, for staff and the customer',
        withBlobDesk(o, factory, async (d) => {
          const c = customer();
          const op = operator(ALL);
          const a = await d.desk.create(c, { subject: 'a', body: 'a', attachments: [{ filename: 'a.png', content: PNG }] });
          const aReply = await d.desk.addReply(c, a.id, { body: 'more', attachments: [{ filename: 'more.pdf', content: PDF }] });
          const b = await d.desk.create(c, { subject: 'b', body: 'b' });
          await d.desk.merge(op, a.id, b.id);
          const target = await d.desk.get(c, b.id);
          assert.deepEqual(
            target.messages.flatMap((m) => m.attachments.map((f) => f.filename)),
            ['a.png', 'more.pdf'],
          );
          assert.ok((await readAll((await d.desk.getAttachment(c, aReply.attachments[0]!.id)).content)).equals(PDF));

          // Split from the reply with the PDF: the new ticket opens with it, its event lists the file.
          const split = await d.desk.split(op, b.id, aReply.id);
          const created = d.events.filter((e) => e.type === 'ticket.created').at(-1) as TicketEvent & { message: Message };
          assert.equal(created.ticket.id, split.ticket.id);
          assert.deepEqual(created.message.attachments, aReply.attachments);
          assert.deepEqual(created.customer?.message?.attachments, aReply.attachments);
          const moved = await d.desk.get(c, split.ticket.id);
          assert.deepEqual(moved.messages[0]!.attachments, aReply.attachments);
          assert.ok((await readAll((await d.desk.getAttachment(c, aReply.attachments[0]!.id)).content)).equals(PDF));
          assertMetadataOnly(d.events);
        }),
      );

      attachmentContentTests(o, factory);
    });
  }

  o.describe('attachments without a blob store', () => {
    o.it(
      'sending files is a config error before anything is read; everything else works',
      withDesk(o, async (d) => {
        const c = customer();
        let pulled = false;
        const source = (async function* () {
          pulled = true;
          yield PNG;
        })();
        const err = await rejectsWith(
          d.desk.create(c, { subject: 's', body: 'b', attachments: [{ filename: 'a.png', content: source }] }),
          'config',
          { message: /needs blobs/ },
        );
        assert.ok(TicketError.is(err, 'config'));
        assert.equal(pulled, false, 'nothing read');
        const t = await d.desk.create(c, { subject: 's', body: 'b', attachments: [] });
        await rejectsWith(d.desk.addReply(c, t.id, { body: 'b', attachments: [{ filename: 'a.png', content: PNG }] }), 'config');
        await rejectsWith(d.desk.getAttachment(c, 'att-unknown'), 'not_found');
        assert.equal((await d.desk.runScheduledWork()).orphanBlobsRemoved, 0);
        assert.equal((await d.desk.get(c, t.id)).messages.length, 1);
      }),
    );
  });
}

export type { BlobDesk };
