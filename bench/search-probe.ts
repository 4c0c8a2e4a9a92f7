/**
 * Times searches through the service (`desk.list` with `q`) on a store seeded by
 * `bench/seed-keep.ts`: a rare word, a phrase in one subject in twenty and a word in most
 * message bodies, as the operator, the largest reseller's staff and a customer of it;
 * two words each in many texts, a word only in message bodies, a rare word with a common one,
 * eight common words, four never together; and some in the queue and newest orders;
 * p50/p95 of RUNS runs after 3 warm-ups. Runs `migrate()` first (and reports its time).
 *
 *   FILE=/tmp/1m.db npx tsx bench/search-probe.ts
 *   DB=ticketry_1m npx tsx bench/search-probe.ts        # ONLY=cust,res to pick rows
 */
import { createTicketService } from '../src/index.js';
import { openKeptStore } from './kept-store.js';
import { NOW, TENANT } from './store-targets.js';

const RUNS = Number(process.env.RUNS ?? 20);
const { store, rows } = await openKeptStore();
const [big] = await rows(`select reseller_id as r, count(*) as n from ticketry_tickets where tenant_id = 'acme' and reseller_id is not null group by reseller_id order by count(*) desc limit 1`);
const [sub] = await rows(`select subscriber_id as s, count(*) as n from ticketry_tickets where tenant_id = 'acme' and reseller_id = '${big.r}' group by subscriber_id order by count(*) desc limit 1`);
const serial = async (where: string) => {
  const [m] = await rows(`select m.body as body from ticketry_messages m join ticketry_tickets t on t.tenant_id = m.tenant_id and t.id = m.ticket_id where m.tenant_id = 'acme' and m.body like '%sn%' and ${where} limit 1 offset 7`);
  return /\bsn[0-9a-z]{6}\b/.exec(m.body)?.[0] ?? 'zzzz';
};
const opWord = await serial('1=1');
const resWord = await serial(`t.reseller_id = '${big.r}'`);
console.log({ reseller: big, subscriber: sub, opWord, resWord });
const desk = createTicketService({
  store, tenantId: TENANT, clock: () => NOW,
  directory: { getSubscriber: (id: string) => ({ id, resellerId: id === sub.s ? big.r : null }), getStaff: (id: string) => ({ id }) },
});
const operator = { kind: 'staff', id: 'op-1', permissions: ['tickets.view', 'tickets.view_all'] } as any;
const reseller = { kind: 'staff', id: 'rs-1', resellerId: big.r, permissions: ['tickets.view', 'tickets.reply'] } as any;
const customer = { kind: 'customer', id: sub.s, resellerId: big.r } as any;
const cases: [string, any, string, string?][] = [
  ['op rare word', operator, opWord],
  ['res rare word', reseller, resWord],
  ['op phrase', operator, '"double charge"'],
  ['res phrase', reseller, '"double charge"'],
  ['cust phrase', customer, '"double charge"'],
  ['cust common word', customer, 'router'],
  ['res common word', reseller, 'router'],
  ['op common word', operator, 'router'],
  // Several words: each in many texts, rarely all in one ticket's subject (session 15's walk
  // over message matches), and a rare one beside a common one (driven by the rare one's hits).
  ['op common words', operator, 'invoice march'],
  ['res common words', reseller, 'invoice march'],
  ['op body word', operator, 'thanks'],
  ['op rare + common', operator, `${opWord} router`],
  ['res rare + common', reseller, `${resWord} router`],
  // Eight common words that one ticket in about 250 holds together (session 16: the walk
  // goes on past its first stretch), and four that no ticket holds together (the walk
  // reads on until the hits are cheaper, then the hits answer).
  ['op many common', operator, 'router invoice thanks connection please hello check line'],
  ['op common, none', operator, 'repeater blinking shipping flat'],
  // The list's other orders (session 16: a walk over the list in its order, or newest first).
  ['op common word, queue', operator, 'router', 'queue'],
  ['res common word, queue', reseller, 'router', 'queue'],
  ['op common word, newest', operator, 'router', 'newest'],
  ['op common words, queue', operator, 'invoice march', 'queue'],
  ['op many common, queue', operator, 'router invoice thanks connection please hello check line', 'queue'],
  ['op rare word, queue', operator, opWord, 'queue'],
  ['op common word, waiting', operator, 'router', 'waiting'],
];
const only = process.env.ONLY?.split(',');
for (const [name, actor, q, sort] of cases) {
  if (only && !only.some((o) => name.includes(o))) continue;
  const times: number[] = [];
  let n = 0;
  for (let i = 0; i < RUNS + 3; i++) {
    const t0 = performance.now();
    const page = await desk.list(actor, { q, limit: 50, ...(sort ? { sort: sort as 'queue' } : {}) });
    const ms = performance.now() - t0;
    n = page.items.length;
    if (i >= 3) times.push(ms);
    if (ms > 3000 && i >= 3) break;
  }
  times.sort((a, b) => a - b);
  const p = (f: number) => times[Math.min(times.length - 1, Math.floor(f * times.length))]!.toFixed(2);
  console.log(`${name.padEnd(18)} q=${q.padEnd(18)} rows=${String(n).padEnd(3)} p50 ${p(0.5)} ms  p95 ${p(0.95)} ms  (${times.length} runs)`);
}
await store.close();
process.exit(0);
