import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Browser tests run with `npm run test:e2e` (vitest.e2e.config.ts), not in `npm test`.
    // The reliability suite (faults, load, hostile input; real servers, minutes) runs with
    // `npm run test:reliability` (vitest.reliability.config.ts).
    exclude: ['test/e2e/**', 'test/reliability/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    benchmark: { include: ['bench/**/*.bench.ts'] },
  },
});
