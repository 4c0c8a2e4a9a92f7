import { describe, it } from 'vitest';
import { fuzzServiceConfig, fuzzStoreFactories } from '../hostile/fuzz-config.js';

// Short run (npm test); test/reliability/fuzz-config.test.ts runs thousands.
describe('hostile configuration', () => {
  it('createTicketService: a hostile option or config is a TicketError and pollutes no prototype', () => {
    fuzzServiceConfig(200);
  });
  it('store factories: hostile options are a TicketError and pollute no prototype', async () => {
    await fuzzStoreFactories(150);
  });
});
