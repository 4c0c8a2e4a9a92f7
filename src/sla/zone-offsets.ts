/**
 * The UTC offsets of IANA time zones, from `Intl.DateTimeFormat` (the runtime's own tz
 * database, never a table kept here), cached per zone in year-long chunks because
 * probing Intl is slow.
 */
import { DAY, MAX_TIME, MINUTE, daysFromCivil } from './civil-time.js';


/**
 * The UTC offsets of one zone over one span of UTC time, as constant-offset segments:
 * segment `i` covers `[starts[i], starts[i + 1] ?? end)` and its local wall time is
 * `utc + offsets[i]` (all in milliseconds).
 */
export interface OffsetChunk {
  /** First UTC instant covered. */
  readonly start: number;
  /** First UTC instant not covered (the next chunk's `start`). */
  readonly end: number;
  /** Where each constant-offset segment begins; `starts[0] === start`. */
  readonly starts: readonly number[];
  /** Local minus UTC time in each segment, in milliseconds. */
  readonly offsets: readonly number[];
}

/** UTC span of one cached chunk: a year, so a year-long walk touches one or two. */
const CHUNK = 365 * DAY;
/**
 * How far apart the offset is sampled when looking for transitions. Transitions closer
 * together than this that cancel out would be missed; the runtime's tz data has none
 * (checked for all 418 zones of Node 20's ICU, 1970–2050: the
 * segments agree with Intl at every 2-hour sample).
 */
const SAMPLE = DAY;

/**
 * Offset lookups for one IANA zone, built lazily a year at a time from Intl and cached
 * for the life of the process. One instance (and one `Intl.DateTimeFormat`, which costs
 * tens of microseconds to create) per zone name.
 */
export class ZoneOffsets {
  /** The zone name as given. */
  readonly timeZone: string;
  readonly #format: Intl.DateTimeFormat;
  readonly #chunks = new Map<number, OffsetChunk>();

  /** Throws `RangeError` when the runtime does not know `timeZone`. */
  constructor(timeZone: string) {
    this.timeZone = timeZone;
    this.#format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** Local minus UTC time at `utc` (ms), read from Intl. Exact to the second, as tz data is. */
  offsetAt(utc: number): number {
    // Chunks at the ends of the Date range reach past it, where Intl throws; the offset
    // there is never used for a result, so the edge's offset stands in.
    const whole = Math.floor(Math.min(Math.max(utc, -MAX_TIME), MAX_TIME) / 1000) * 1000;
    let year = 0;
    let month = 0;
    let day = 0;
    let hour = 0;
    let minute = 0;
    let second = 0;
    let bc = false;
    for (const part of this.#format.formatToParts(whole)) {
      switch (part.type) {
        case 'year': year = Number(part.value); break;
        case 'month': month = Number(part.value); break;
        case 'day': day = Number(part.value); break;
        case 'hour': hour = Number(part.value); break;
        case 'minute': minute = Number(part.value); break;
        case 'second': second = Number(part.value); break;
        case 'era': bc = part.value === 'BC'; break;
        default: break;
      }
    }
    // 1 BC is year 0 in the proleptic calendar daysFromCivil uses.
    if (bc) year = 1 - year;
    const local = daysFromCivil(year, month, day) * DAY + hour * 3_600_000 + minute * MINUTE + second * 1000;
    return local - whole;
  }

  /** The cached chunk covering `utc`, building it on first use. */
  chunkAt(utc: number): OffsetChunk {
    const index = Math.floor(utc / CHUNK);
    let chunk = this.#chunks.get(index);
    if (chunk === undefined) {
      chunk = this.#build(index * CHUNK);
      this.#chunks.set(index, chunk);
    }
    return chunk;
  }

  #build(start: number): OffsetChunk {
    const end = start + CHUNK;
    const starts = [start];
    const offsets = [this.offsetAt(start)];
    let at = start;
    let offset = offsets[0]!;
    while (at < end) {
      const next = Math.min(at + SAMPLE, end);
      const nextOffset = this.offsetAt(next);
      // Bisect (to the second: tz transitions fall on whole seconds) for each change
      // between the two samples; repeat in case two transitions fell between them.
      let lo = at;
      let loOffset = offset;
      while (loOffset !== nextOffset) {
        let hi = next;
        while (hi - lo > 1000) {
          const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
          if (this.offsetAt(mid) === loOffset) lo = mid;
          else hi = mid;
        }
        // A transition exactly at `end` belongs to the next chunk.
        if (hi >= end) break;
        loOffset = this.offsetAt(hi);
        starts.push(hi);
        offsets.push(loOffset);
        lo = hi;
      }
      at = next;
      offset = nextOffset;
    }
    return { start, end, starts, offsets };
  }
}

const zones = new Map<string, ZoneOffsets>();

/** The shared `ZoneOffsets` for `timeZone`; throws `RangeError` for a zone Intl does not know. */
export function zoneOffsets(timeZone: string): ZoneOffsets {
  let zone = zones.get(timeZone);
  if (zone === undefined) {
    zone = new ZoneOffsets(timeZone);
    zones.set(timeZone, zone);
  }
  return zone;
}
