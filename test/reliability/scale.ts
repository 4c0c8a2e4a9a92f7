/**
 * How big the reliability suite runs: `RELIABILITY_SCALE=full` (the default of
 * `npm run test:reliability`: minutes per store) or `short` (what `.ci/run` runs: about
 * a minute and a half for the faults and load scenarios together).
 */
export const SCALE: 'short' | 'full' = process.env.RELIABILITY_SCALE === 'short' ? 'short' : 'full';

/** The short or the full figure. */
export const pick = <T>(short: T, full: T): T => (SCALE === 'short' ? short : full);
