/**
 * Before and after for one read on a data set kept by `bench/seed-keep.ts`: another
 * checkout of ticketry (`BASE`) and this tree each open the same database, and their
 * `desk` calls alternate call by call (which tree goes first alternates too), so both
 * see the same load. The two answers must be equal. Prints p50/p90/p95 per tree.
 *
 *   git archive <commit> | tar -x -C /tmp/base && ln -s $PWD/node_modules /tmp/base/
 *   BASE=/tmp/base OP=window DB=lead_1m npx tsx bench/reads-ab.ts      # Postgres
 *   BASE=/tmp/base OP=window FILE=/tmp/1m.db npx tsx bench/reads-ab.ts # SQLite
 *   BASE=/tmp/base OP=queue MYSQL_DB=lead_1m npx tsx bench/reads-ab.ts # MySQL/MariaDB
 *
 * `OP`: `window` (the operator's last `DAYS` days, default 30), `reswin` (a reseller
 * staff's, `RESELLER`, default the data set's largest reseller res-12), `stats` (whole
 * tenant), `queue` (the staff queue's first page). `RUNS` calls per tree (default 300).
 * Neither tree migrates: the data set must be at both trees' migrations.
 */
import { NOW, TENANT } from './store-targets.js';

const BASE = process.env.BASE;
if (BASE === undefined) throw new Error('BASE=<another checkout of ticketry> is required');
const trees: [string, string][] = [
  ['base', BASE.replace(/\/$/, '')],
  ['this tree', new URL('..', import.meta.url).pathname.replace(/\/$/, '')],
];
const RUNS = Number(process.env.RUNS ?? 300);
const DAY = 86_400_000;
const window = { from: new Date(NOW.getTime() - Number(process.env.DAYS ?? 30) * DAY), to: NOW };
const operator = { kind: 'staff', id: 'op-1', permissions: ['tickets.view', 'tickets.view_all'] } as const;
const resellerStaff = { kind: 'staff', id: 'rs-1', resellerId: process.env.RESELLER ?? 'res-12', permissions: ['tickets.view'] } as const;

type Desk = import('../src/index.js').TicketService;
const ops: Record<string, (desk: Desk) => Promise<unknown>> = {
  window: (desk) => desk.getStats(operator, window),
  reswin: (desk) => desk.getStats(resellerStaff, window),
  stats: (desk) => desk.getStats(operator),
  queue: (desk) => desk.list(operator, { limit: 50 }),
};
const op = ops[process.env.OP ?? 'window'];
if (op === undefined) throw new Error(`OP must be one of ${Object.keys(ops).join(', ')}`);

/** The store of the kept data set, opened with `root`'s adapter. */
async function openStore(root: string): Promise<{ close(): Promise<void> } & object> {
  if (process.env.FILE) return (await import(`${root}/adapters/sqlite/index.ts`)).sqliteStore({ filename: process.env.FILE });
  if (process.env.MYSQL_DB) {
    const server = process.env.MYSQL_SERVER ?? 'mysql://root@127.0.0.1:3306';
    return (await import(`${root}/adapters/mysql/index.ts`)).mysqlStore({ uri: `${server}/${process.env.MYSQL_DB}` });
  }
  const url = `postgres://postgres@127.0.0.1:5432/${process.env.DB ?? 'lead_1m'}`;
  return (await import(`${root}/adapters/postgres/index.ts`)).postgresStore({ connectionString: url });
}

const opened: { store: { close(): Promise<void> }; desk: Desk }[] = [];
for (const [, root] of trees) {
  const { createTicketService } = (await import(`${root}/src/index.ts`)) as typeof import('../src/index.js');
  const store = await openStore(root);
  const directory = { getSubscriber: (id: string) => ({ id, resellerId: null }), getStaff: (id: string) => ({ id }) };
  opened.push({ store, desk: createTicketService({ store: store as never, tenantId: TENANT, clock: () => NOW, directory }) });
}
try {
  const answers = await Promise.all(opened.map(async ({ desk }) => JSON.stringify(await op(desk))));
  if (answers[0] !== answers[1]) throw new Error('the two trees answer differently');
  for (let i = 0; i < 10; i++) for (const { desk } of opened) await op(desk);
  const times: number[][] = opened.map(() => []);
  for (let i = 0; i < RUNS; i++) {
    for (const k of i % 2 === 0 ? [0, 1] : [1, 0]) {
      const t0 = performance.now();
      await op(opened[k]!.desk);
      times[k]!.push(performance.now() - t0);
    }
  }
  const quantile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * p)]!;
  trees.forEach(([name], k) => {
    const t = times[k]!;
    console.log(`${name.padEnd(10)} p50 ${quantile(t, 0.5).toFixed(3)}  p90 ${quantile(t, 0.9).toFixed(3)}  p95 ${quantile(t, 0.95).toFixed(3)} ms  (${RUNS} calls)`);
  });
} finally {
  for (const { store } of opened) await store.close();
}
