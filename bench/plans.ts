/**
 * Query plans of the statements the benchmarks measure, at the seeded size: SQLite's
 * `EXPLAIN QUERY PLAN`, Postgres's `EXPLAIN (ANALYZE, BUFFERS)` (inside a rolled-back
 * transaction, so writes leave nothing behind). Each plan is checked for full scans:
 * `SCAN` in SQLite (a table or a whole index read end to end; `SEARCH` is an index
 * lookup) and a `SEARCH` on the tenant id alone in a statement without LIMIT (every row
 * of the tenant), `Seq Scan` in Postgres. MySQL/MariaDB: `EXPLAIN` (tabular; it does not
 * run the statement), flagging access type `ALL` (table scan) and `index` (whole index).
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { Statement } from './capture.js';
import type { PgRaw, Row } from './replay.js';

/** The plan of one statement. */
export interface StatementPlan {
  sql: string;
  lines: string[];
  /** Plan lines that read a whole table or index. */
  fullScans: string[];
  /** Median wall time of the statement alone, in ms (reads: 5 runs; Postgres writes: EXPLAIN ANALYZE). */
  ms: number | null;
}

/** Statements worth a plan: reads and updates, not transaction control or plain inserts. */
export function explainable(st: Statement): boolean {
  const sql = st.sql.trim().toLowerCase();
  if (/^(begin|start transaction|commit|rollback|savepoint|release)\b/.test(sql)) return false;
  if (sql.startsWith('insert') && !sql.includes(' select ')) return false;
  return true;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** `EXPLAIN QUERY PLAN` as an indented tree, plus the time of reads. */
export function explainSqlite(database: BetterSqlite3.Database, st: Statement): StatementPlan {
  const rows = database.prepare(`explain query plan ${st.sql}`).all(st.params) as {
    id: number;
    parent: number;
    detail: string;
  }[];
  const depth = new Map<number, number>([[0, -1]]);
  const lines = rows.map((row) => {
    const d = (depth.get(row.parent) ?? -1) + 1;
    depth.set(row.id, d);
    return `${'  '.repeat(d)}${row.detail}`;
  });
  let ms: number | null = null;
  const statement = database.prepare(st.sql);
  if (statement.reader && /^\s*select/i.test(st.sql)) {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      statement.all(st.params);
      times.push(performance.now() - t0);
    }
    ms = median(times);
  }
  // SCAN: a whole table or index. A SEARCH on the tenant id alone, without LIMIT, reads
  // every row of the tenant through the index (and the table): as costly as a scan.
  const tenantWide = !/\blimit\b/i.test(st.sql);
  const fullScans = lines.filter((l) => /^\s*SCAN /.test(l) || (tenantWide && /^\s*SEARCH \w+ USING (COVERING )?INDEX \w+ \(tenant_id=\?\)$/.test(l)));
  return { sql: st.sql, lines, fullScans, ms };
}

/** `EXPLAIN (ANALYZE, BUFFERS)` in a transaction that is rolled back. */
export async function explainPostgres(raw: PgRaw, st: Statement): Promise<StatementPlan> {
  const session = await raw.connect();
  try {
    await session.query('begin', []);
    // An INSERT … SELECT is planned, not run: run again it would meet the recorded run's
    // own row (a unique key) and fail.
    const options = /^\s*insert\b/i.test(st.sql) ? 'costs off' : 'analyze, buffers, costs off';
    let rows: Row[];
    try {
      rows = await session.query(`explain (${options}) ${st.sql}`, st.params);
    } finally {
      await session.query('rollback', []);
    }
    const lines = rows.map((r) => String(r['QUERY PLAN']));
    const execution = lines.map((l) => /Execution Time: ([\d.]+) ms/.exec(l)).find(Boolean);
    let ms = execution ? Number(execution[1]) : null;
    if (/^\s*select/i.test(st.sql)) {
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        await session.query(st.sql, st.params);
        times.push(performance.now() - t0);
      }
      ms = median(times);
    }
    return { sql: st.sql, lines, fullScans: lines.filter((l) => /Seq Scan/.test(l)), ms };
  } finally {
    session.release();
  }
}

/** A plan as text for the log. */
export function formatPlan(op: string, plan: StatementPlan): string {
  const flag = plan.fullScans.length > 0 ? `  <-- FULL SCAN: ${plan.fullScans.map((s) => s.trim()).join(' | ')}` : '';
  const time = plan.ms === null ? '' : ` (${plan.ms.toFixed(3)} ms)`;
  return [`[${op}]${time}${flag}`, `  SQL: ${plan.sql}`, ...plan.lines.map((l) => `    ${l}`)].join('\n');
}

/**
 * MySQL/MariaDB `EXPLAIN` (not run; reads are then timed 5 times on one connection).
 * One line per row: table, access type, key, rows estimate, Extra.
 */
export async function explainMysql(raw: PgRaw, st: Statement): Promise<StatementPlan> {
  const session = await raw.connect();
  try {
    const rows = await session.query(`explain ${st.sql}`, st.params);
    const lines = rows.map(
      (r) =>
        `${String(r.id ?? '')} ${String(r.select_type ?? '')} ${String(r.table ?? '-')} type=${String(r.type ?? '-')} ` +
        `key=${String(r.key ?? '-')}${r.key_len ? `(${String(r.key_len)})` : ''} ref=${String(r.ref ?? '-')} rows=${String(r.rows ?? '-')}` +
        `${r.Extra ? ` [${String(r.Extra)}]` : ''}`,
    );
    let ms: number | null = null;
    if (/^\s*select/i.test(st.sql) && !/\bfor update\b|\block in share mode\b/i.test(st.sql)) {
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        await session.query(st.sql, st.params);
        times.push(performance.now() - t0);
      }
      ms = median(times);
    }
    return { sql: st.sql, lines, fullScans: lines.filter((l) => / type=(ALL|index) /.test(l)), ms };
  } finally {
    session.release();
  }
}
