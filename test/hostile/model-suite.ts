/** Registers the model-based test on every store of the run (memory is the model). */
import { memoryStore } from '../../adapters/memory/index.js';
import { storeKinds } from './hostile-stores.js';
import { runModel, type ModelTarget } from './model-commands.js';

export function defineModelTest(t: {
  describe: (name: string, fn: () => void) => void;
  it: (name: string, fn: () => Promise<void>, timeout?: number) => void;
  afterAll: (fn: () => Promise<void>) => void;
  runs: number;
  commands: number;
  timeout: number;
}): void {
  const kinds = storeKinds().filter((k) => k.name !== 'memory');
  const running = kinds.filter((k) => k.skip === null);
  const skipped = kinds.filter((k) => k.skip !== null).map((k) => `${k.name}: ${k.skip}`);
  t.describe(`model-based: memory against ${running.map((k) => k.name).join(', ')}${skipped.length ? ` (${skipped.join('; ')})` : ''}`, () => {
    t.afterAll(async () => {
      for (const k of running) await k.close();
    });
    t.it(
      `${t.runs} random sequences of up to ${t.commands} commands: every result and everything observable after each step equal on every store`,
      async () => {
        const targets: ModelTarget[] = [{ name: 'memory', store: memoryStore() }];
        for (const k of running) targets.push({ name: k.name, store: (await k.open()).store });
        await runModel(targets, t.runs, t.commands, process.env.TICKETRY_FUZZ_SEED ? Number(process.env.TICKETRY_FUZZ_SEED) : undefined);
      },
      t.timeout,
    );
  });
}
