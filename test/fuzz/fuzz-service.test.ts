import { afterAll, describe, it } from 'vitest';
import { defineServiceFuzz } from '../hostile/fuzz-service.js';

// The short run of the hostile-input fuzz (npm test); the long one is test/reliability/fuzz-service.test.ts.
defineServiceFuzz({ describe, it, afterAll, runs: Number(process.env.TICKETRY_FUZZ_RUNS ?? 60), timeout: Number(process.env.TICKETRY_FUZZ_TIMEOUT ?? 120_000) });
