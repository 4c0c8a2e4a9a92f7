/**
 * Runs contract tests without a test framework and collects the outcome, so a test can
 * assert that the suite fails (certifying the suite itself against planted store bugs)
 * without the framework counting those failures as its own.
 */
import type { ContractOptions, TestFn } from './harness.js';

/** The outcome of one collected run. */
export interface ContractRun {
  /** Full names (groups and title, joined by ` > `) of the tests that passed. */
  passed: string[];
  /** The tests that failed, with what they threw. */
  failed: { name: string; error: unknown }[];
}

/**
 * Registers `register`'s tests against `options` with a collecting `describe`/`it`, runs
 * them one after the other, and reports which passed and which failed. `only`, when
 * given, keeps the tests whose full name it accepts.
 */
export async function collectContract(
  register: (options: ContractOptions) => void,
  options: Omit<ContractOptions, 'describe' | 'it'>,
  only: (name: string) => boolean = () => true,
): Promise<ContractRun> {
  const tests: { name: string; fn: () => Promise<void> | void }[] = [];
  const path: string[] = [];
  const describe = (name: string, fn: () => void) => {
    path.push(name);
    try {
      fn();
    } finally {
      path.pop();
    }
  };
  const it: TestFn = (name, fn) => {
    const full = [...path, name].join(' > ');
    if (only(full)) tests.push({ name: full, fn });
  };
  register({ ...options, describe, it });
  const run: ContractRun = { passed: [], failed: [] };
  for (const test of tests) {
    try {
      await test.fn();
      run.passed.push(test.name);
    } catch (error) {
      run.failed.push({ name: test.name, error });
    }
  }
  return run;
}
