/**
 * Turns `vitest bench --outputJson` files of `stores.bench.ts` into the Markdown tables
 * of the README: per store and size, ops/s and mean latency of ticketry and of the raw
 * driver running the same statements, and the overhead ratio (ticketry mean / raw mean).
 *
 *   npx tsx bench/report.ts results.json [more.json ...]
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

const fmtHz = (hz: number) => (hz >= 100 ? Math.round(hz).toLocaleString('en') : hz.toFixed(hz >= 10 ? 1 : 2));
const fmtMs = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms >= 1 ? ms.toFixed(2) : ms.toFixed(3));

/** The Markdown tables for the groups in `json`. */
export function report(json: BenchJson): string {
  const tables = new Map<string, string[]>();
  for (const file of json.files) {
    for (const group of file.groups) {
      const parts = group.fullName.split(' > ');
      const store = parts[parts.length - 2] ?? '';
      const op = parts[parts.length - 1] ?? '';
      const ticketry = group.benchmarks.find((b) => b.name === 'ticketry');
      const raw = group.benchmarks.find((b) => b.name !== 'ticketry');
      if (!ticketry || !raw) continue;
      const rows = tables.get(store) ?? [];
      rows.push(
        `| ${op} | ${fmtHz(ticketry.hz)} | ${fmtMs(ticketry.mean)} | ${fmtMs(ticketry.p99)} | ${fmtHz(raw.hz)} | ${fmtMs(raw.mean)} | ${(ticketry.mean / raw.mean).toFixed(2)}× |`,
      );
      tables.set(store, rows);
    }
  }
  const out: string[] = [];
  const num = (row: string) => Number(/^\| (\d+)\./.exec(row)?.[1] ?? 0);
  for (const [store, rows] of tables) {
    rows.sort((a, b) => num(a) - num(b));
    out.push(
      `**${store}**`,
      '',
      '| operation | ticketry ops/s | ticketry mean ms | ticketry p99 ms | raw ops/s | raw mean ms | ticketry / raw |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...rows,
      '',
    );
  }
  return out.join('\n');
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: npx tsx bench/report.ts <vitest --outputJson file> ...');
  process.exit(1);
}
for (const file of files) console.log(report(JSON.parse(readFileSync(file, 'utf8')) as BenchJson));
