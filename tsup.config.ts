import { defineConfig } from 'tsup';

export default defineConfig({
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
    http: 'adapters/http/index.ts',
    // Not a package entry: the worker thread staff Markdown renders in (src/render/markdown-worker.ts).
    'render-worker': 'src/render/render-worker.ts',
    testing: 'src/testing/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  splitting: true,
  treeshake: true,
  shims: true,
});
