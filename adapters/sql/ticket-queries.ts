/**
 * Queries on the `tickets` table: find, lock, insert, versioned update. Written once for
 * every dialect, in the form its declared capabilities allow. (The list is in
 * `list-queries.ts`, the scheduled-work scans in `scan-queries.ts`, ticket numbers in
 * `counter-queries.ts`.)
 */
import { sql } from 'kysely';
import { ConflictError } from '../../src/errors.js';
import { checkTicketPatch, checkTicketRow } from '../../src/store-checks.js';
import type { StoreScope, TicketPatch, TicketRow } from '../../src/store.js';
import type { Ticket } from '../../src/types.js';
import {
  insertIgnoringDuplicates,
  insertRow,
  runCached,
  scopeFromArgs,
  scopeParts,
  lockRows,
  ticketScope,
  type QueryContext,
} from './query-context.js';
import { countArgs, countedColumns, type PendingReplies } from './list-columns.js';
import { TICKET_SELECTION, patchToRow, ticketFromRow, ticketToRow } from './row-mappers.js';
import { indexTicket, reindexTicket } from './search-queries.js';
import {
  STATS_SOURCE_COLUMNS,
  factsAfterPatch,
  factsOfRow,
  factsOfTicket,
  patchMovesStats,
  type StatsDeltas,
  type StatsFacts,
} from './ticket-stats.js';

export { listTickets } from './list-queries.js';

/** The ticket whose id or number is `ref`, within scope; optionally row-locked. */
export async function findTicket(
  ctx: QueryContext,
  scope: StoreScope,
  ref: string,
  lock = false,
): Promise<Ticket | null> {
  const { shape, args } = scopeParts(scope);
  const { rows } = await runCached(ctx, `find ticket ${shape}${lock ? ', locked' : ''}`, [...args, ref], (a) => {
    const r = a[a.length - 1] as string;
    const query = ctx.db
      .selectFrom('tickets as t')
      .select(TICKET_SELECTION)
      .where((eb) => ticketScope(eb, scopeFromArgs(shape, a)))
      .where((eb) => eb.or([eb('t.id', '=', r), eb('t.number', '=', r)]))
      // An id match wins over a number match, should one ticket's id be another's number.
      .orderBy(sql`case when ${sql.ref('t.id')} = ${r} then 0 else 1 end`)
      .limit(1);
    return lock ? lockRows(ctx, query, 'wait') : query;
  }, true);
  const row = rows[0];
  return row ? ticketFromRow(ctx.hooks, row as Record<string, unknown>) : null;
}


/**
 * Inserts a ticket; a taken id or number is a `ConflictError`. Its contribution to the
 * stats buckets goes into `deltas`, applied before commit.
 */
export async function insertTicket(ctx: QueryContext, row: TicketRow, deltas: StatsDeltas): Promise<void> {
  checkTicketRow(row);
  // Ignoring the duplicate instead of catching the unique violation: in Postgres a failed
  // statement aborts the whole transaction, and the caller may want to carry on.
  const inserted =
    ctx.hooks.capabilities.upsert === 'on-conflict'
      ? await insertRow(ctx, 'tickets', ticketToRow(ctx.hooks, row), true)
      : await insertIgnoringDuplicates(ctx, ctx.db.insertInto('tickets').values(ticketToRow(ctx.hooks, row)));
  if (inserted) {
    deltas.add(row.tenantId, factsOfTicket(row), 1);
    await indexTicket(ctx, row.tenantId, row);
    return;
  }
  const clash = await ctx.db
    .selectFrom('tickets as t')
    .select(['t.id', 't.number'])
    .where('t.tenant_id', '=', row.tenantId)
    .where((eb) => eb.or([eb('t.id', '=', row.id), eb('t.number', '=', row.number)]))
    .executeTakeFirst();
  if (clash && clash.id === row.id) {
    throw new ConflictError(`A ticket with id ${row.id} already exists`, { params: { field: 'id', id: row.id } });
  }
  throw new ConflictError(`Ticket number ${row.number} is already taken`, {
    params: { field: 'number', number: row.number },
  });
}

/**
 * Applies `patch` if the stored version is `expectedVersion`; true if a row changed.
 * When the patch touches a column the stats depend on, the move from the row's old
 * contribution to its new one goes into `deltas`. The old values come from the row as
 * it was before the UPDATE: in Postgres from a `FOR UPDATE` CTE the UPDATE joins and
 * returns (one round trip); in SQLite from a SELECT just before it (in process, and the
 * immediate transaction excludes other writers). The core has normally locked the row
 * already (`lockTicket`).
 */
export async function updateTicket(
  ctx: QueryContext,
  tenantId: string,
  id: string,
  expectedVersion: number,
  patch: TicketPatch,
  deltas: StatsDeltas,
  /**
   * The row's stats facts at `expectedVersion`, when this transaction has read it under
   * its lock (`lockTicket`): the old values need not be read again.
   */
  known?: StatsFacts,
  /** Replies this transaction inserted into the ticket and has not counted yet: counted in the same UPDATE. */
  replies?: PendingReplies,
): Promise<boolean> {
  // Refused before the version check, so a bad patch is an error whatever the version.
  checkTicketPatch(patch);
  const set = { ...patchToRow(ctx.hooks, patch), version: expectedVersion + 1 };
  const changed = await updateTicketRow(ctx, tenantId, id, expectedVersion, patch, set, deltas, known, replies);
  if (changed && patch.subject !== undefined) await reindexTicket(ctx, tenantId, id);
  return changed;
}

/** `updateTicket`'s UPDATE, with the stats move when the patch moves the ticket's stats. */
async function updateTicketRow(
  ctx: QueryContext,
  tenantId: string,
  id: string,
  expectedVersion: number,
  patch: TicketPatch,
  set: Record<string, unknown>,
  deltas: StatsDeltas,
  known: StatsFacts | undefined,
  replies: PendingReplies | undefined,
): Promise<boolean> {
  // One compiled statement per set of columns; the values are its arguments, then the
  // replies' counts (see list-columns.ts), if any.
  const columns = Object.keys(set);
  const count = replies === undefined ? undefined : countArgs(ctx, replies);
  const values = [...columns.map((c) => set[c]), ...(count?.args ?? [])];
  const n = columns.length;
  const m = values.length;
  const shape = `(${columns.join(',')})${count === undefined ? '' : ` + ${count.key}`}`;
  const setOf = (a: readonly unknown[], from: number) => ({
    ...Object.fromEntries(columns.map((c, i) => [c, a[from + i]])),
    ...(count === undefined ? {} : countedColumns(a.slice(from + n, from + m))),
  });
  const versioned = () =>
    runCached(ctx, `update ticket ${shape}`, [...values, tenantId, id, expectedVersion], (a) =>
      ctx.db
        .updateTable('tickets')
        .set(setOf(a, 0))
        .where('tenant_id', '=', a[m] as string)
        .where('id', '=', a[m + 1] as string)
        .where('version', '=', a[m + 2] as number),
    ).then((r) => Number(r.numAffectedRows ?? 0) > 0);
  if (!patchMovesStats(patch)) return versioned();
  if (known !== undefined) {
    // The transaction read this row under its lock at this version: its old facts are known.
    if (!(await versioned())) return false;
    deltas.move(tenantId, known, factsAfterPatch(known, patch));
    return true;
  }

  const current = (a: readonly unknown[]) =>
    ctx.db
      .selectFrom('tickets as t')
      .select(['t.id', ...STATS_SOURCE_COLUMNS.map((c) => `t.${c}` as const)])
      .where('t.tenant_id', '=', a[0] as string)
      .where('t.id', '=', a[1] as string)
      .where('t.version', '=', a[2] as number);
  let before: Record<string, unknown> | undefined;
  if (ctx.hooks.capabilities.updateFromCte) {
    const { rows } = await runCached(ctx, `update ticket returning old ${shape}`, [tenantId, id, expectedVersion, ...values], (a) =>
      ctx.db
        .with('old', () => lockRows(ctx, current(a), 'wait'))
        .updateTable('tickets')
        .from('old')
        .set(setOf(a, 3))
        .where('tickets.tenant_id', '=', a[0] as string)
        .where('tickets.id', '=', sql.ref<string>('old.id'))
        .returning(STATS_SOURCE_COLUMNS.map((c) => `old.${c}` as const)),
    );
    before = rows[0] as Record<string, unknown> | undefined;
  } else {
    // Read the old row (locked where the dialect has row locks), then update it.
    const { rows } = await runCached(ctx, 'ticket stats columns', [tenantId, id, expectedVersion], (a) => lockRows(ctx, current(a), 'wait'), true);
    before = rows[0] as Record<string, unknown> | undefined;
    // Not at that version, so the versioned UPDATE cannot match either.
    if (before === undefined) return false;
    if (!(await versioned())) return false;
  }
  if (before === undefined) return false;
  const old = factsOfRow(ctx, before);
  deltas.move(tenantId, old, factsAfterPatch(old, patch));
  return true;
}
