/**
 * Checks that the raw side of the store benchmarks does the same work as ticketry: runs
 * each write (create, addReply) three times through ticketry and three times through the
 * raw replay of its recorded statements, and prints what each changed — rows added per
 * table (tickets, messages, audit, outbox, search index), undelivered events, the stats
 * buckets' ticket and first-response counts (whole and per day), the list columns' reply
 * counts. The two lines of an operation must be equal.
 *
 *   npx tsx bench/check-replay.ts                          # SQLite
 *   BENCH_STORES=postgres npx tsx bench/check-replay.ts    # PGlite, or TICKETRY_PG_URL's server
 */
import { openTarget } from './store-targets.js';

process.env.BENCH_OPS ??= 'create,reply';
const kinds = (process.env.BENCH_STORES ?? 'sqlite').split(',') as ('sqlite' | 'postgres' | 'mysql')[];
const TABLES = ['tickets', 'messages', 'audit', 'outbox', 'ticket_search', 'message_search', 'ticket_fts', 'message_fts'];

let failed = false;
for (const kind of kinds) {
  const target = await openTarget({ kind, tickets: Number(process.env.BENCH_TICKETS ?? 10_000), time: 1000, log: () => undefined });
  const one = async (sql: string) => Number((await target.query(sql, []))[0]!.n);
  const counts = async () => {
    const out: Record<string, number> = {};
    for (const table of TABLES) {
      // Each dialect has its own search tables.
      out[table] = await one(`select count(*) as n from ${target.table(table)}`).catch(() => 0);
    }
    out.undelivered = await one(`select count(*) as n from ${target.table('outbox')} where delivered_at is null`);
    for (const table of ['ticket_stats', 'ticket_stats_daily']) {
      out[`${table}.n`] = await one(`select sum(n) as n from ${target.table(table)}`);
      out[`${table}.fr_n`] = await one(`select sum(fr_n) as n from ${target.table(table)}`);
    }
    out.reply_count = await one(`select sum(reply_count) as n from ${target.table('tickets')}`);
    out.public_reply_count = await one(`select sum(public_reply_count) as n from ${target.table('tickets')}`);
    return out;
  };
  try {
    for (const pair of target.pairs) {
      await pair.options.setup();
      const changes: string[] = [];
      for (const side of ['ticketry', 'raw'] as const) {
        const before = await counts();
        for (let i = 0; i < 3; i++) await pair[side]();
        const after = await counts();
        const changed = Object.entries(after)
          .filter(([key, n]) => n !== before[key])
          .map(([key, n]) => `${key} ${n - before[key]! > 0 ? '+' : ''}${n - before[key]!}`)
          .join(', ');
        changes.push(changed);
        console.log(`${target.name} ${pair.key} ${side.padEnd(8)} ${changed}`);
      }
      if (changes[0] !== changes[1]) {
        failed = true;
        console.log(`${target.name} ${pair.key}: ticketry and the raw replay changed different rows`);
      }
    }
  } finally {
    await target.close();
  }
}
process.exit(failed ? 1 : 0);
