import { afterAll, describe, it } from 'vitest';
import { defineDosTests } from '../hostile/dos-suite.js';

// The short run (npm test): small sizes (text from 32 KiB: below it CJK folding changes regime
// and the ratio means nothing), memory and SQLite. test/reliability/dos-linear.test.ts
// runs 64 KiB against 256 KiB, every Markdown shape, on every store.
defineDosTests(
  { describe, it, afterAll },
  { text: 32 * 1024, markdown: 16 * 1024, allMarkdownShapes: false, write: 16 * 1024, list: 8 * 1024, stores: ['memory', 'sqlite'] },
);
