/**
 * Contract: the host's scan hook, the order of checks (nothing is read from an upload
 * before the checks that need no bytes passed), and purging a deleted ticket's files.
 */
import { blobKey } from '../blobs/blob-key.js';
import type { AttachmentScanFile } from '../service/attachment-scan.js';
import type { BlobStoreFactory } from './attachment-blobs.js';
import { LOG, PDF, PNG, readAll, sha256, withBlobDesk } from './attachment-fixtures.js';
import { ALL, assert, customer, operator, rejectsWith, type ContractOptions } from './harness.js';

/** An upload that records whether anything read it. */
function watched(bytes: Uint8Array): { content: AsyncIterable<Uint8Array>; pulled: () => boolean } {
  let pulled = false;
  return {
    content: (async function* () {
      pulled = true;
      yield bytes;
    })(),
    pulled: () => pulled,
  };
}

export function attachmentContentTests(o: ContractOptions, factory: BlobStoreFactory): void {
  const { it } = o;

  it(
    'the scan sees each stored file (name, type, size, checksum, bytes) and may refuse one: a validation error naming it, nothing left',
    withBlobDesk(o, factory, async (d) => {
      const scanned: { file: AttachmentScanFile; bytes: Buffer }[] = [];
      const desk = d.make({
        scanAttachment: async (file) => {
          const bytes = await readAll(file.read());
          scanned.push({ file, bytes });
          if (bytes.includes(Buffer.from('EICAR'))) return { refuse: { code: 'malware', message: `${file.filename} contains Eicar-Test-Signature` } };
          return undefined;
        },
      });
      const c = customer();
      const t = await desk.create(c, { subject: 's', body: 'b', attachments: [{ filename: 'a.png', content: PNG }, { filename: 'g.pdf', content: PDF }] });
      assert.deepEqual(
        scanned.map(({ file, bytes }) => [file.filename, file.contentType, file.size, file.checksum, bytes.equals(file.filename === 'a.png' ? PNG : PDF)]),
        [
          ['a.png', 'image/png', PNG.length, sha256(PNG), true],
          ['g.pdf', 'application/pdf', PDF.length, sha256(PDF), true],
        ],
      );
      const blobsBefore = await d.tenantBlobs();
      const infected = Buffer.concat([LOG, Buffer.from('X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*\n')]);
      const err = await rejectsWith(
        desk.addReply(c, t.id, { body: 'logs', attachments: [{ filename: 'ok.png', content: PNG }, { filename: 'eicar.log', content: infected }] }),
        'validation',
        { field: 'attachments.1' },
      );
      assert.equal(err.message, 'eicar.log contains Eicar-Test-Signature');
      assert.deepEqual(err.params, { field: 'attachments.1', filename: 'eicar.log', reason: 'malware' });
      assert.deepEqual((await d.tenantBlobs()).sort(), blobsBefore.sort(), 'the refused message’s files are gone');
      assert.equal((await d.desk.get(c, t.id)).messages.length, 1);

      const throwing = d.make({
        scanAttachment: () => {
          throw new Error('clamd: connection refused');
        },
      });
      const failed = await rejectsWith(throwing.addReply(c, t.id, { body: 'b', attachments: [{ filename: 'a.png', content: PNG }] }), 'internal');
      assert.match(failed.message, /scanAttachment/);
      const odd = d.make({ scanAttachment: () => ({ refuse: 'no' }) as never });
      await rejectsWith(odd.addReply(c, t.id, { body: 'b', attachments: [{ filename: 'a.png', content: PNG }] }), 'config', { field: 'scanAttachment' });
      assert.deepEqual((await d.tenantBlobs()).sort(), blobsBefore.sort());
      assert.equal((await d.desk.get(c, t.id)).messages.length, 1);
    }),
  );

  it(
    'scope, permission, lock, policy and body are checked before any upload is read',
    withBlobDesk(o, factory, async (d) => {
      const c = customer();
      const op = operator(ALL);
      const t = await d.desk.create(c, { subject: 's', body: 'b' });
      const tries: [string, (content: AsyncIterable<Uint8Array>) => Promise<unknown>, string][] = [
        ['another customer’s ticket', (content) => d.desk.addReply(customer(), t.id, { body: 'b', attachments: [{ filename: 'a.png', content }] }), 'not_found'],
        ['no permission', (content) => d.desk.addReply(operator(['tickets.view']), t.id, { body: 'b', attachments: [{ filename: 'a.png', content }] }), 'forbidden'],
        ['an empty body', (content) => d.desk.addReply(c, t.id, { body: '', attachments: [{ filename: 'a.png', content }] }), 'validation'],
        [
          'the policy',
          (content) =>
            d
              .make({ policy: { beforeCustomerReply: () => ({ refuse: { code: 'blocked', message: 'Blocked' } }) } })
              .addReply(c, t.id, { body: 'b', attachments: [{ filename: 'a.png', content }] }),
          'refused',
        ],
        [
          'an unknown category',
          (content) => d.desk.create(c, { subject: 's', body: 'b', category: 'nope', attachments: [{ filename: 'a.png', content }] }),
          'validation',
        ],
      ];
      await d.desk.lock(op, t.id);
      tries.push([
        'another staff member’s lock',
        (content) => d.desk.addReply(operator(ALL), t.id, { body: 'b', attachments: [{ filename: 'a.png', content }] }),
        'locked',
      ]);
      for (const [what, call, code] of tries) {
        const upload = watched(PNG);
        const err = await call(upload.content).then(
          () => null,
          (e: unknown) => e as { code?: string },
        );
        assert.ok(err !== null, `${what}: refused`);
        assert.equal(err.code, code, `${what}: ${String(err)}`);
        assert.equal(upload.pulled(), false, `${what}: nothing read`);
      }
      assert.deepEqual(await d.tenantBlobs(), []);
    }),
  );

  it(
    'a key already taken (an id the host repeated) is a conflict, and the file already there stays',
    withBlobDesk(o, factory, async (d) => {
      let n = 0;
      const desk = d.make({ generateId: () => `id-${++n}` });
      const c = customer();
      const t = await desk.create(c, { subject: 's', body: 'b' });
      // The next id goes to the attachment; a blob already sits under its key.
      const key = blobKey(d.tenantId, `id-${n + 1}`, d.clock.now());
      await d.blobs.put(key, (async function* () {
        yield PDF;
      })());
      await rejectsWith(desk.addReply(c, t.id, { body: 'b', attachments: [{ filename: 'a.png', content: PNG }] }), 'conflict');
      const kept = await d.blobs.get(key);
      assert.ok(kept && (await readAll(kept)).equals(PDF), 'the other file is untouched');
      assert.equal((await desk.get(c, t.id)).messages.length, 1);
    }),
  );

  it(
    'a soft delete keeps the files; purging the deleted ticket removes its files and their rows for good',
    withBlobDesk(o, factory, async (d) => {
      const c = customer();
      const admin = operator(ALL);
      const t = await d.desk.create(c, { subject: 's', body: 'b', attachments: [{ filename: 'a.png', content: PNG }] });
      const note = await d.desk.addReply(admin, t.id, { body: 'n', internal: true, attachments: [{ filename: 'n.log', content: LOG }] });
      const other = await d.desk.create(c, { subject: 'o', body: 'o', attachments: [{ filename: 'o.png', content: PNG }] });
      await rejectsWith(d.desk.purgeAttachments(admin, t.id), 'invalid_transition');
      await d.desk.delete(admin, t.id);
      await rejectsWith(d.desk.purgeAttachments(c, t.id), 'forbidden');
      await rejectsWith(d.desk.purgeAttachments(operator(['tickets.view', 'tickets.edit']), t.id), 'forbidden');
      assert.equal((await d.tenantBlobs()).length, 3, 'the deleted ticket keeps its files until purged');
      assert.deepEqual(await d.desk.purgeAttachments(admin, t.id), { removed: 2 });
      assert.equal((await d.tenantBlobs()).length, 1, 'only the other ticket’s file is left');
      assert.deepEqual(await d.desk.purgeAttachments(admin, t.id), { removed: 0 }, 'a second purge finds nothing');
      await d.desk.restore(admin, t.id);
      const thread = await d.desk.get(admin, t.id);
      assert.deepEqual(thread.messages.map((m) => m.attachments), [[], []], 'restored without its files');
      await rejectsWith(d.desk.getAttachment(admin, note.attachments[0]!.id), 'not_found');
      const kept = (await d.desk.get(c, other.id)).messages[0]!.attachments[0]!.id;
      assert.ok((await readAll((await d.desk.getAttachment(c, kept)).content)).equals(PNG));
      assert.ok((await d.desk.audit(admin, t.id)).some((e) => e.action === 'attachments_purged'));
      assert.equal((await d.desk.runScheduledWork()).orphanBlobsRemoved, 0);
    }),
  );
}
