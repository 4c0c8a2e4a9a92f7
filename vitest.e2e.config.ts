import { defineConfig } from 'vitest/config';

/** `npm run test:e2e`: the demo help desk in a real browser (Debian's chromium through playwright-core). */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // One browser, one demo server: the scenarios run one after another.
    fileParallelism: false,
    // Seeds the demo once into a template every file copies (seconds per file saved).
    globalSetup: ['test/e2e/global-setup.ts'],
  },
});
