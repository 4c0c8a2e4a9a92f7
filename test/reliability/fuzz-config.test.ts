import { describe, it } from 'vitest';
import { fuzzServiceConfig, fuzzStoreFactories } from '../hostile/fuzz-config.js';
import { record } from './ledger.js';
import { pick } from './scale.js';

describe('hostile configuration at length', () => {
  it('createTicketService: hostile options and config are a TicketError and pollute no prototype', () => {
    const runs = pick(2000, 20_000);
    fuzzServiceConfig(runs);
    record({ scenario: 'hostile config: createTicketService', store: '-', tried: `${runs} configs`, lost: 0 });
  }, 1_800_000);
  it('store factories: hostile options are a TicketError and pollute no prototype', async () => {
    const runs = pick(1000, 10_000);
    await fuzzStoreFactories(runs);
    record({ scenario: 'hostile config: store factories', store: 'sqlite, postgres, mysql', tried: `${runs} option sets`, lost: 0 });
  }, 1_800_000);
});
