/**
 * Turns `vitest bench --outputJson` files of `stores.bench.ts` into the Markdown tables
 * of the README: per store and size, ops/s and latency of ticketry and of the raw driver
 * running the same statements, the overhead ratio (ticketry mean / raw mean), the
 * hand-written baselines measured beside some operations (the ideal queue query, a raw
 * GROUP BY), and the goals as ratios between rows of the same run.
 *
 *   npx tsx bench/report.ts results.json [samples.json]
 *
 * `samples.json` is the file `BENCH_SAMPLES` named for the same run: with it the tables
 * show p50 and p95 (vitest's JSON has p99 but no p95).
 */
import { readFileSync } from 'node:fs';

interface BenchResult {
  name: string;
  hz: number;
  mean: number;
  median?: number;
  p99: number;
  sampleCount?: number;
}

interface BenchJson {
  files: { groups: { fullName: string; benchmarks: BenchResult[] }[] }[];
}

/** What `BENCH_SAMPLES` holds: per bench id (`store > operation > side`), its own quantiles. */
interface SamplesJson {
  samples: Record<string, { n: number; mean: number; p50: number; p95: number; p99: number }>;
}

/** One side of one operation, as the tables show it. */
interface Side {
  name: string;
  hz: number;
  mean: number;
  p50: number;
  p95: number | null;
  p99: number;
}

const fmtHz = (hz: number) => (hz >= 100 ? Math.round(hz).toLocaleString('en') : hz.toFixed(hz >= 10 ? 1 : 2));
const fmtMs = (ms: number | null) =>
  ms === null ? '—' : ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3);
const fmtRatio = (r: number) => `${r >= 10 ? r.toFixed(1) : r.toFixed(2)}×`;
const number = (op: string) => Number(/^(\d+)\./.exec(op)?.[1] ?? 0);

/** The issue's goals: `of` / `to` of the named operations' sides, at most `goal`. */
const GOALS: { what: string; of: [number, string]; to: [number, string]; goal: number }[] = [
  { what: 'staff queue page / ideal query on an ideal table', of: [2, 'ticketry'], to: [2, 'ideal'], goal: 2 },
  { what: 'page 10,000 rows deep / first page', of: [9, 'ticketry'], to: [2, 'ticketry'], goal: 1.5 },
  { what: 'whole-tenant stats / raw GROUP BY', of: [7, 'ticketry'], to: [7, 'raw GROUP BY'], goal: 0.2 },
  { what: '30-day window stats / whole-tenant stats', of: [14, 'ticketry'], to: [7, 'ticketry'], goal: 3 },
  { what: 'rare-word search / staff queue page', of: [10, 'ticketry'], to: [2, 'ticketry'], goal: 5 },
  { what: 'rare-word search, reseller / reseller queue page', of: [11, 'ticketry'], to: [3, 'ticketry'], goal: 5 },
  { what: 'create / its statements replayed raw', of: [1, 'ticketry'], to: [1, 'raw driver'], goal: 1.2 },
  { what: 'staff reply / its statements replayed raw', of: [6, 'ticketry'], to: [6, 'raw driver'], goal: 1.2 },
];

/** The Markdown tables for the groups in `json` (p50/p95 from `samples` when given). */
export function report(json: BenchJson, samples?: SamplesJson): string {
  const stores = new Map<string, Map<string, Side[]>>();
  for (const file of json.files) {
    for (const group of file.groups) {
      const parts = group.fullName.split(' > ');
      const store = parts[parts.length - 2] ?? '';
      const op = parts[parts.length - 1] ?? '';
      const sides = group.benchmarks.map((b): Side => {
        const own = samples?.samples[`${store} > ${op} > ${b.name}`];
        return {
          name: b.name,
          hz: b.hz,
          mean: b.mean,
          p50: own?.p50 ?? b.median ?? b.mean,
          p95: own?.p95 ?? null,
          p99: own?.p99 ?? b.p99,
        };
      });
      if (!sides.some((s) => s.name === 'ticketry')) continue;
      const ops = stores.get(store) ?? new Map<string, Side[]>();
      ops.set(op, sides);
      stores.set(store, ops);
    }
  }

  const out: string[] = [];
  for (const [store, ops] of stores) {
    const rows: string[] = [];
    const sorted = [...ops.entries()].sort((a, b) => number(a[0]) - number(b[0]));
    for (const [op, sides] of sorted) {
      const ticketry = sides.find((s) => s.name === 'ticketry')!;
      const raw = sides.find((s) => s.name.startsWith('raw driver'));
      rows.push(
        `| ${op} | ${fmtHz(ticketry.hz)} | ${fmtMs(ticketry.p50)} | ${fmtMs(ticketry.p95)} | ${fmtMs(ticketry.mean)} | ` +
          (raw ? `${fmtMs(raw.p50)} | ${fmtMs(raw.p95)} | ${fmtMs(raw.mean)} | ${fmtRatio(ticketry.mean / raw.mean)} |` : '— | — | — | — |'),
      );
      for (const extra of sides.filter((s) => s !== ticketry && s !== raw)) {
        rows.push(
          `| ↳ ${extra.name} (raw driver) | ${fmtHz(extra.hz)} | ${fmtMs(extra.p50)} | ${fmtMs(extra.p95)} | ${fmtMs(extra.mean)} | | | | ticketry ${fmtRatio(ticketry.mean / extra.mean)} |`,
        );
      }
    }
    out.push(
      `**${store}**`,
      '',
      '| operation | ticketry ops/s | p50 ms | p95 ms | mean ms | raw p50 ms | raw p95 ms | raw mean ms | ticketry / raw |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...rows,
      '',
    );

    const goals: string[] = [];
    const side = (n: number, name: string) => {
      const entry = sorted.find(([op]) => number(op) === n);
      return entry?.[1].find((s) => s.name.startsWith(name));
    };
    for (const goal of GOALS) {
      const of = side(...goal.of);
      const to = side(...goal.to);
      if (!of || !to) continue;
      const byMean = of.mean / to.mean;
      const byP50 = of.p50 / to.p50;
      const met = byMean <= goal.goal ? 'yes' : 'no';
      goals.push(`| ${goal.what} | ${fmtRatio(byMean)} | ${fmtRatio(byP50)} | ≤ ${goal.goal}× | ${met} |`);
    }
    if (goals.length > 0) {
      out.push(
        `Goals, ${store}: ratios of this run's rows`,
        '',
        '| ratio | by mean | by p50 | goal | met (by mean) |',
        '| --- | ---: | ---: | ---: | --- |',
        ...goals,
        '',
      );
    }
  }
  return out.join('\n');
}

const [file, samplesFile] = process.argv.slice(2);
if (file === undefined) {
  console.error('usage: npx tsx bench/report.ts <vitest --outputJson file> [BENCH_SAMPLES file]');
  process.exit(1);
}
const samples = samplesFile === undefined ? undefined : (JSON.parse(readFileSync(samplesFile, 'utf8')) as SamplesJson);
console.log(report(JSON.parse(readFileSync(file, 'utf8')) as BenchJson, samples));
