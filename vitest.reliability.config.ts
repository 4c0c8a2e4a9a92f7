import { defineConfig } from 'vitest/config';

/**
 * `npm run test:reliability`: faults, load and hostile input against real servers (a
 * throwaway PostgreSQL cluster it makes itself, MariaDB at TICKETRY_MYSQL_URL). It refuses
 * to run without them. `RELIABILITY_SCALE=short` is the version `.ci/run` runs.
 */
export default defineConfig({
  test: {
    include: ['test/reliability/**/*.test.ts'],
    // The short run leaves out the long store-level bursts: `npm test` runs them at 150.
    exclude: process.env.RELIABILITY_SCALE === 'short' ? ['test/reliability/store-bursts.test.ts'] : [],
    // The scenarios spawn processes, stop and restart the cluster and measure latency and
    // memory: one file at a time, so they neither disturb nor starve each other.
    fileParallelism: false,
    testTimeout: 900_000,
    hookTimeout: 120_000,
    globalSetup: ['test/reliability/global-setup.ts'],
  },
});
