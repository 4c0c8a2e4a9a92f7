/**
 * What importing ticketry costs a host: `import('ticketry')` in a fresh Node process, the
 * built package as a user gets it (`dist/index.js`, so run `npm run build` first), no
 * store, no rendering. The goal (issue 13): under 30 ms. Beside it, for scale: an empty
 * module (the floor of any import), the CommonJS build, each dependency alone (none loads
 * on import: zod, devalue and mitt load on first use), what the first use costs
 * (`ticketry/schemas`, the first `createTicketService`, the first `create`), and the cold
 * cost of the first Markdown render and of `warmUp()`.
 *
 *   npm run build && npx tsx bench/import-time.ts
 *
 * | variable | default | |
 * | --- | --- | --- |
 * | `IMPORT_RUNS` | `21` | fresh processes per row (p50 reported) |
 * | `IMPORT_DIST` | `dist` | the built package to measure |
 *
 * Each process times only the import itself (`performance.now()` and
 * `process.cpuUsage()` around `await import(…)`), not Node's own start-up. The rows run
 * interleaved, one process of each per round, so a shared machine's load shifts them
 * alike; CPU time is the steadier number on a loaded machine (a process waiting for a
 * core costs wall time, not CPU time). Then one more process lists the modules
 * `import('ticketry')` loads, per package: what a lazy load would save.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const dist = new URL(`${process.env.IMPORT_DIST ?? 'dist'}/`, pathToFileURL(root));
const runs = Number(process.env.IMPORT_RUNS ?? 21);
const GOAL_MS = 30;

const entry = new URL('index.js', dist);
if (!existsSync(entry)) {
  console.error(`${fileURLToPath(entry)} is missing: run \`npm run build\` first.`);
  process.exit(1);
}

/** The numbers one child process prints. */
interface Sample {
  wall: number;
  cpu: number;
  rssMB?: number;
}

/** One measured row: an ES-module script whose `measure()` times what matters. */
interface Row {
  name: string;
  /** ES-module source; `measure(fn)` times `await fn()` and prints the sample. */
  body: string;
}

const MEASURE = `
  const measure = async (fn) => {
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const result = await fn();
    const wall = performance.now() - started;
    const used = process.cpuUsage(cpuBefore);
    console.log(JSON.stringify({ wall, cpu: (used.user + used.system) / 1000, rssMB: process.memoryUsage().rss / 1e6 }));
    return result;
  };
`;

// Inside the repository (.tmp/ is git-ignored), so the scripts resolve its node_modules.
mkdirSync(join(root, '.tmp'), { recursive: true });
const emptyModule = join(mkdtempSync(join(root, '.tmp', 'import-time-')), 'empty.mjs');
writeFileSync(emptyModule, 'export const a = 1;\n');
const url = (file: string) => JSON.stringify(new URL(file, dist).href);
/**
 * Measured alone for scale; each loads on first use (src/zod-loader.ts,
 * src/events/outbox-codec.ts, src/service/create-ticket-service.ts).
 */
const DEPENDENCIES = ['zod', 'devalue', 'mitt'];

const rows: Row[] = [
  { name: 'an empty ES module (the floor)', body: `await measure(() => import(${JSON.stringify(pathToFileURL(emptyModule).href)}));` },
  { name: "import('ticketry') — the goal", body: `await measure(() => import(${url('index.js')}));` },
  {
    name: "require('ticketry') (CommonJS build)",
    body: `
      const { createRequire } = await import('node:module');
      const require = createRequire(import.meta.url);
      await measure(() => require(${JSON.stringify(fileURLToPath(new URL('index.cjs', dist)))}));
    `,
  },
  ...DEPENDENCIES.map((name) => ({ name: `import('${name}') alone`, body: `await measure(() => import('${name}'));` })),
  {
    name: "import('ticketry/memory')",
    body: `await measure(() => import(${url('memory.js')}));`,
  },
  {
    name: "import('ticketry/schemas') (loads zod, builds every exported schema)",
    body: `await measure(() => import(${url('schemas.js')}));`,
  },
  {
    name: 'first createTicketService() (loads zod, builds the config schema)',
    body: `
      const m = await import(${url('index.js')});
      const { memoryStore } = await import(${url('memory.js')});
      const store = memoryStore();
      await measure(() => m.createTicketService({ store }));
    `,
  },
  {
    name: 'first create() of a service (builds the input schemas, loads devalue)',
    body: `
      const m = await import(${url('index.js')});
      const { memoryStore } = await import(${url('memory.js')});
      const desk = m.createTicketService({ store: memoryStore() });
      await measure(() => desk.create({ kind: 'customer', id: 'c1' }, { subject: 'Slow line', body: 'Since Monday' }));
    `,
  },
  {
    name: 'first renderBody (cold: starts the worker, loads micromark, jsdom, DOMPurify)',
    body: `
      const m = await import(${url('index.js')});
      await measure(() => m.renderBody('markdown', '**hello** [x](https://e.example)'));
      await m.stopRenderWorker();
    `,
  },
  {
    name: 'warmUp() (the same load, at start-up)',
    body: `
      const m = await import(${url('index.js')});
      await measure(() => m.warmUp());
      await m.stopRenderWorker();
    `,
  },
  {
    name: 'first renderMarkdown in this thread (loads micromark only)',
    body: `
      const m = await import(${url('index.js')});
      await measure(() => m.renderMarkdown('**hello** [x](https://e.example)'));
    `,
  },
];

// Each row's script is a file (a host's entry point is one too; `node -e` would pass
// `--input-type` on to the render worker).
const scripts = rows.map((row, i) => {
  const file = join(dirname(emptyModule), `row-${i}.mjs`);
  writeFileSync(file, MEASURE + row.body);
  return file;
});

function runOnce(i: number): Sample {
  const out = execFileSync(process.execPath, [scripts[i]!], { cwd: root, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1)!) as Sample;
}

const samples = rows.map(() => [] as Sample[]);
// One unmeasured round first: the file system cache, not ticketry, is what it warms.
for (let i = 0; i < rows.length; i++) runOnce(i);
for (let round = 0; round < runs; round++) {
  for (let i = 0; i < rows.length; i++) samples[i]!.push(runOnce(i));
}

const p50 = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
console.log(
  `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}; p50 of ${runs} fresh processes each, ${fileURLToPath(dist)}`,
);
console.log('');
console.log('| what | p50 wall ms | p50 CPU ms | RSS after, MB |');
console.log('| --- | ---: | ---: | ---: |');
for (let i = 0; i < rows.length; i++) {
  const rowSamples = samples[i]!;
  const rss = rowSamples.map((s) => s.rssMB ?? 0);
  console.log(
    `| ${rows[i]!.name} | ${fmt(p50(rowSamples.map((s) => s.wall)))} | ${fmt(p50(rowSamples.map((s) => s.cpu)))} | ${p50(rss).toFixed(0)} |`,
  );
}
const goal = p50(samples[1]!.map((s) => s.wall));
console.log('');
console.log(`import('ticketry'): ${fmt(goal)} ms p50 wall (goal: under ${GOAL_MS} ms) — ${goal < GOAL_MS ? 'met' : 'not met'}.`);

// What the import loads, per package: every module URL resolved, reported by a resolve
// hook (it runs on Node's loader thread) over a MessagePort.
const listing = execFileSync(
  process.execPath,
  [
    '--input-type=module',
    '-e',
    `
      import { register } from 'node:module';
      import { MessageChannel } from 'node:worker_threads';
      const channel = new MessageChannel();
      const resolved = new Set();
      channel.port1.on('message', (url) => resolved.add(url));
      channel.port1.unref();
      const hook = 'let port; export function initialize(data) { port = data.port; }' +
        'export async function resolve(specifier, context, next) { const r = await next(specifier, context); port.postMessage(r.url); return r; }';
      register('data:text/javascript,' + encodeURIComponent(hook), { data: { port: channel.port2 }, transferList: [channel.port2] });
      await import(${url('index.js')});
      await new Promise((resolve) => setTimeout(resolve, 200));
      const count = {};
      for (const u of resolved) {
        const key = u.startsWith('node:') ? 'node: built-ins' : u.includes('/node_modules/')
          ? u.split('/node_modules/').pop().split('/').slice(0, u.split('/node_modules/').pop().startsWith('@') ? 2 : 1).join('/')
          : 'ticketry (dist files)';
        count[key] = (count[key] ?? 0) + 1;
      }
      console.log(JSON.stringify(count));
    `,
  ],
  { cwd: root, encoding: 'utf8' },
);
const modules = JSON.parse(listing.trim().split('\n').at(-1)!) as Record<string, number>;
console.log('');
console.log(
  `Modules import('ticketry') loads: ${Object.entries(modules)
    .sort((a, b) => b[1] - a[1])
    .map(([pkg, n]) => `${pkg} ${n}`)
    .join(', ')}.`,
);
rmSync(dirname(emptyModule), { recursive: true, force: true });
