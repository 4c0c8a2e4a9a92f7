/**
 * SQLite when the disk says no: full (`PRAGMA max_page_count` on the host's handle; and a
 * real full file system, a 3 MiB tmpfs, where mounting is allowed) and read-only (a
 * read-only handle; and a read-only remount of that tmpfs). Every refused write is a
 * `TicketError`, never a raw driver error; a snapshot of every row of every ticketry
 * table is the same before and after the refused calls (nothing half-written); and once
 * the disk has room again the same service writes.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { sqliteStore } from '../../adapters/sqlite/index.js';
import { TicketError } from '../../src/errors.js';
import { createTicketService, type TicketService } from '../../src/index.js';
import { ALL, customer, operator } from '../../src/testing/harness.js';
import { record } from './ledger.js';

const dir = mkdtempSync(join(tmpdir(), 'ticketry-rel-disk-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every row of every ticketry table (the search index's shadow tables too), sorted, as one string. */
function snapshot(db: Database.Database): string {
  const tables = db
    .prepare("select name from sqlite_master where type = 'table' and name like 'ticketry_%' and sql not like 'CREATE VIRTUAL%' order by name")
    .all() as { name: string }[];
  const rows = (name: string) =>
    (db.prepare(`select * from "${name}"`).all() as Record<string, unknown>[])
      .map((row) => JSON.stringify(row, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('base64') : v)))
      .sort();
  return JSON.stringify(tables.map(({ name }) => [name, rows(name)]));
}

/**
 * A create with a large body, a reply, a staff update (a real change), one after the
 * other. Each call's outcome is `ok` or its error code (`raw: ...` if not a TicketError);
 * `halfWritten` counts failed calls after which the rows (`snap`) differ from before it.
 */
async function tryWrites(
  desk: TicketService,
  ticketId: string,
  who: ReturnType<typeof customer>,
  snap: () => string,
): Promise<{ outcomes: string[]; halfWritten: number }> {
  const staff = operator(ALL);
  const calls: (() => Promise<unknown>)[] = [
    () => desk.create(who, { subject: 'big', body: 'x'.repeat(200_000) }),
    () => desk.addReply(who, ticketId, { body: 'y'.repeat(100_000) }),
    // A real change every time (a no-op update writes nothing and succeeds anywhere).
    () => desk.update(staff, ticketId, { subject: `renamed ${randomUUID()}` }),
  ];
  const outcomes: string[] = [];
  let halfWritten = 0;
  for (const call of calls) {
    const before = snap();
    try {
      await call();
      outcomes.push('ok');
    } catch (err) {
      outcomes.push(TicketError.is(err) ? err.code : `raw: ${String(err)}`);
      if (snap() !== before) halfWritten += 1;
    }
  }
  return { outcomes, halfWritten };
}

function tryMount(path: string, options: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', path], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('sqlite: disk full and read-only', () => {
  it('disk full (max_page_count on the host handle): typed errors, nothing half-written, writes again once there is room', async () => {
    const file = join(dir, `${randomUUID()}.db`);
    const handle = new Database(file);
    handle.pragma('journal_mode = WAL');
    const store = sqliteStore({ database: handle });
    await store.migrate();
    const desk = createTicketService({ store, tenantId: 't' });
    const who = customer();
    const ticket = await desk.create(who, { subject: 'before', body: 'first' });
    for (let i = 0; i < 20; i++) await desk.addReply(who, ticket.id, { body: `reply ${i}` });
    const pages = Number(handle.pragma('page_count', { simple: true }));
    handle.pragma(`max_page_count = ${pages}`);
    const { outcomes, halfWritten } = await tryWrites(desk, ticket.id, who, () => snapshot(handle));
    handle.pragma('max_page_count = 1073741823');
    const again = await desk.create(who, { subject: 'after', body: 'room again' });
    const raw = outcomes.filter((o) => o.startsWith('raw')).length;
    record({
      scenario: 'disk full (max_page_count)',
      store: 'sqlite',
      tried: `create 200 KB, reply 100 KB, update, at ${pages} pages`,
      lost: raw + halfWritten,
      figures: `outcomes ${outcomes.join(', ')}; half-written ${halfWritten}; create after: ok`,
    });
    expect(outcomes.filter((o) => o !== 'ok').length, 'the large writes were refused').toBeGreaterThanOrEqual(2);
    for (const o of outcomes) expect(['ok', 'unavailable']).toContain(o);
    expect(halfWritten).toBe(0);
    expect(again.subject).toBe('after');
    await store.close();
    handle.close();
  });

  it('a full file system (tmpfs) and then a read-only one: typed errors, nothing half-written', async () => {
    const mountPoint = join(dir, 'fs');
    mkdirSync(mountPoint);
    if (!tryMount(mountPoint, 'size=3m')) {
      // Not root / no CAP_SYS_ADMIN: the max_page_count case above still ran.
      record({ scenario: 'disk full (tmpfs) / read-only fs', store: 'sqlite', tried: 'not run: mount not permitted here', lost: 0 });
      return;
    }
    try {
      const file = join(mountPoint, 'tickets.db');
      const store = sqliteStore({ filename: file });
      await store.migrate();
      const desk = createTicketService({ store, tenantId: 't' });
      const who = customer();
      const ticket = await desk.create(who, { subject: 'before', body: 'first' });
      // Fill the file system: tickets of 100 KB until a create is refused.
      let made = 0;
      let refusal = '';
      for (; made < 100; made++) {
        try {
          await desk.create(who, { subject: `fill ${made}`, body: 'z'.repeat(100_000) });
        } catch (err) {
          refusal = TicketError.is(err) ? err.code : `raw: ${String(err)}`;
          break;
        }
      }
      const probe = new Database(file, { readonly: true });
      const full = await tryWrites(desk, ticket.id, who, () => snapshot(probe));
      const before = snapshot(probe);
      probe.close();
      await store.close();

      // Read-only: the same file system remounted read-only, the file opened again.
      execFileSync('mount', ['-o', 'remount,ro', mountPoint]);
      const readOnly = sqliteStore({ filename: file });
      const roDesk = createTicketService({ store: readOnly, tenantId: 't' });
      const { outcomes: roOutcomes } = await tryWrites(roDesk, ticket.id, who, () => '');
      await readOnly.close();
      execFileSync('mount', ['-o', 'remount,rw', mountPoint]);
      const check = new Database(file);
      const afterRo = snapshot(check);
      const integrity = check.pragma('integrity_check', { simple: true });
      check.close();

      const outcomes = full.outcomes;
      const all = [refusal, ...outcomes, ...roOutcomes];
      const raw = all.filter((o) => o.startsWith('raw')).length;
      record({
        scenario: 'disk full (tmpfs 3 MiB), then read-only fs',
        store: 'sqlite',
        tried: `${made} tickets of 100 KB until refused, then create/reply/update full and read-only`,
        lost: raw + full.halfWritten + (afterRo === before ? 0 : 1) + (integrity === 'ok' ? 0 : 1),
        figures: `full: ${[refusal, ...outcomes].join(', ')}; read-only: ${roOutcomes.join(', ')}; half-written ${full.halfWritten}, rows unchanged by the read-only calls: ${afterRo === before}; integrity ${String(integrity)}`,
      });
      expect(refusal).toBe('unavailable');
      for (const o of [...outcomes, ...roOutcomes]) expect(['ok', 'unavailable']).toContain(o);
      expect(roOutcomes.filter((o) => o === 'ok')).toStrictEqual([]);
      expect(full.halfWritten).toBe(0);
      expect(afterRo).toBe(before);
      expect(integrity).toBe('ok');
    } finally {
      execFileSync('umount', ['-l', mountPoint], { stdio: 'ignore' });
    }
  });

  it('a read-only handle: writes refused with a typed error, reads work, nothing written', async () => {
    const file = join(dir, `${randomUUID()}.db`);
    const writable = sqliteStore({ filename: file });
    await writable.migrate();
    const who = customer();
    const ticket = await createTicketService({ store: writable, tenantId: 't' }).create(who, { subject: 's', body: 'b' });
    await writable.close();
    const handle = new Database(file, { readonly: true });
    const store = sqliteStore({ database: handle });
    const desk = createTicketService({ store, tenantId: 't' });
    const { outcomes, halfWritten } = await tryWrites(desk, ticket.id, who, () => snapshot(handle));
    const listed = await desk.list(operator(ALL), {});
    await store.close();
    handle.close();
    record({
      scenario: 'read-only handle',
      store: 'sqlite',
      tried: 'create, reply, update, list on a read-only better-sqlite3 handle',
      lost: outcomes.filter((o) => o.startsWith('raw')).length + halfWritten,
      figures: `writes: ${outcomes.join(', ')}; list: ${listed.items.length} ticket`,
    });
    expect(outcomes).toStrictEqual(['unavailable', 'unavailable', 'unavailable']);
    expect(listed.items.map((t) => t.id)).toStrictEqual([ticket.id]);
    expect(halfWritten).toBe(0);
  });
});
