/**
 * A promise mutex: callers of `run` take turns, each waiting for every earlier one to
 * settle. The memory store serialises its transactions with it; the SQL store serialises
 * savepoints inside one host transaction (they cannot interleave on one connection).
 */
export class Mutex {
  #tail: Promise<unknown> = Promise.resolve();

  /**
   * Runs `fn` after everything queued before it has settled, and returns its result. A
   * rejection reaches only this caller; the queue moves on either way.
   */
  run<T>(fn: () => Promise<T> | T): Promise<T> {
    const start = () => fn();
    const result = this.#tail.then(start, start);
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
