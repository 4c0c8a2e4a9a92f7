import { rmSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';

/*
 * Every ES module `import('ticketry')` loads costs its own resolve, read, compile and link
 * (about half a millisecond each here; issue 13 wants the whole import under 30 ms). Code
 * splitting puts each piece of shared code in a chunk per set of entries that use it, so
 * every entry in the split build below adds chunks to the root entry's graph. Entries
 * that need not share module instances with the root entry are therefore built apart, each
 * one file with its own copy of the core code it uses: the render worker (it runs in its
 * own thread anyway), `ticketry/http` and `ticketry/testing` (both take the host's service
 * or store as an argument and share no state with the root entry; ticketry's errors are
 * recognised across copies by `TicketError.is`, and every copy loads the one zod through
 * src/zod-loader.ts). `ticketry/schemas` must stay in the split build: its schemas are the
 * very objects the service validates with.
 *
 * The builds run at once into one folder, so none of them cleans it (one could remove
 * what another just wrote); it is emptied here, before any starts.
 */
rmSync('dist', { recursive: true, force: true });

const common: Options = {
  outDir: 'dist',
  format: ['esm', 'cjs'],
  dts: true,
  clean: false,
  sourcemap: true,
  target: 'node20',
  treeshake: true,
  shims: true,
};

export default defineConfig([
  {
    ...common,
    entry: {
      index: 'src/index.ts',
      // The zod schemas, apart so `import('ticketry')` loads no zod (src/zod-loader.ts).
      schemas: 'src/schemas-entry.ts',
      memory: 'adapters/memory/index.ts',
      sqlite: 'adapters/sqlite/index.ts',
      postgres: 'adapters/postgres/index.ts',
      mysql: 'adapters/mysql/index.ts',
      blobs: 'adapters/blobs/index.ts',
      email: 'adapters/email/index.ts',
    },
    splitting: true,
  },
  { ...common, entry: { http: 'adapters/http/index.ts' }, splitting: false },
  { ...common, entry: { testing: 'src/testing/index.ts' }, splitting: false },
  // Not a package entry: the worker thread staff Markdown renders in (src/render/markdown-worker.ts).
  { ...common, entry: { 'render-worker': 'src/render/render-worker.ts' }, splitting: false, dts: false },
]);
