import { afterAll, describe, it } from 'vitest';
import { defineModelTest } from '../hostile/model-suite.js';

// The short run (npm test); test/reliability/model-stores.test.ts runs 1,000 x 50 (RELIABILITY_SCALE=full).
defineModelTest({
  describe,
  it,
  afterAll,
  runs: Number(process.env.TICKETRY_MODEL_RUNS ?? 4),
  commands: Number(process.env.TICKETRY_MODEL_COMMANDS ?? 15),
  timeout: Number(process.env.TICKETRY_FUZZ_TIMEOUT ?? 120_000),
});
