/**
 * A timer that ticks every few milliseconds and records the longest gap between ticks:
 * the longest time the event loop was blocked while it ran (plus timer jitter).
 */
export interface Heartbeat {
  /** Stops the timer. @returns The longest gap seen, in milliseconds. */
  stop(): number;
}

/**
 * Starts a heartbeat.
 *
 * @param everyMs Tick interval. @default 5
 * @returns The running heartbeat.
 */
export function startHeartbeat(everyMs = 5): Heartbeat {
  let last = performance.now();
  let maxGap = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGap = Math.max(maxGap, now - last);
    last = now;
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(maxGap, performance.now() - last);
    },
  };
}
