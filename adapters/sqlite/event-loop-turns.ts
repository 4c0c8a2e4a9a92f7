/**
 * better-sqlite3 answers synchronously, so a host's loop of awaited store calls (an
 * import, a bulk job) would run entirely in microtasks and starve the process's timers,
 * I/O and other requests until it ended. Before each connection is lent (a transaction or
 * a statement outside one), `letEventLoopTurn()` gives the event loop one turn
 * (`setImmediate`) if it has not had one for `MAX_BUSY_MS`. A process that does not loop
 * pays one `setImmediate` per turn of its event loop, at most.
 */

/** The longest the store keeps working without letting the event loop turn. */
const MAX_BUSY_MS = 20;

/** When the store last saw the event loop turn, or `null` once a turn is due to be noticed. */
let busySince: number | null = null;

const turned = () => {
  busySince = null;
};

/** Resolves at once, or after one turn of the event loop if the store has kept it busy too long. */
export function letEventLoopTurn(): Promise<void> | undefined {
  const now = performance.now();
  if (busySince === null) {
    // Notice the next turn: until it comes, calls count as one busy stretch.
    busySince = now;
    setImmediate(turned);
    return undefined;
  }
  if (now - busySince < MAX_BUSY_MS) return undefined;
  return new Promise((resolve) => setImmediate(resolve));
}
