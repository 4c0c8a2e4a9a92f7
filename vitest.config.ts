import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Browser tests run with `npm run test:e2e` (vitest.e2e.config.ts), not in `npm test`.
    // The reliability suite (faults, load, hostile input; real servers, minutes) runs with
    // `npm run test:reliability` (vitest.reliability.config.ts).
    exclude: ['test/e2e/**', 'test/reliability/**', 'node_modules/**'],
    // Most files wait on a database server or a child process more than they compute: two
    // at a time (vitest's default on two cores is one).
    maxWorkers: 2,
    // The SQL stores check every cached statement's key against a fresh build.
    setupFiles: ['test/setup/check-statements.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    benchmark: { include: ['bench/**/*.bench.ts'] },
  },
});
