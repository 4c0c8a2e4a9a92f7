/**
 * DOC, XLS and PPT files are OLE compound files (CFB), which `file-type` reports only as
 * `application/x-cfb`. So are MSI installers. Which one a compound file is shows in its
 * directory: the root entry's class id and the names of its streams (`WordDocument`,
 * `Workbook`, `PowerPoint Document`). The directory sector's place is in the 512-byte
 * header, but the sector itself is usually near the end of the file, so `CfbVerifier`
 * picks it out of the stream as it flows by (keeping only that one sector).
 */

/** The compound-file types ticketry tells apart. */
export type CfbType = 'application/msword' | 'application/vnd.ms-excel' | 'application/vnd.ms-powerpoint';

interface CfbEvidence {
  streams: readonly string[];
  clsid: string;
}

const EVIDENCE: Record<CfbType, CfbEvidence> = {
  'application/msword': { streams: ['WordDocument'], clsid: '00020906-0000-0000-C000-000000000046' },
  'application/vnd.ms-excel': { streams: ['Workbook', 'Book'], clsid: '00020820-0000-0000-C000-000000000046' },
  'application/vnd.ms-powerpoint': { streams: ['PowerPoint Document'], clsid: '64818D10-4F9B-11CF-86EA-00AA00B929E8' },
};

/** Extensions (lower case, without the dot) of each compound-file type. */
export const CFB_EXTENSIONS: Record<string, CfbType> = {
  doc: 'application/msword',
  dot: 'application/msword',
  xls: 'application/vnd.ms-excel',
  xlt: 'application/vnd.ms-excel',
  ppt: 'application/vnd.ms-powerpoint',
  pps: 'application/vnd.ms-powerpoint',
  pot: 'application/vnd.ms-powerpoint',
};

/** True for a `CfbType`. */
export function isCfbType(type: string | undefined): type is CfbType {
  return type !== undefined && Object.hasOwn(EVIDENCE, type);
}

/** Checks a compound file is of the expected type, from the chunks of the whole file. */
export class CfbVerifier {
  readonly #expected: CfbType;
  readonly #start: number;
  readonly #sector: Uint8Array | null;
  #filled = 0;
  #position = 0;
  #verdict: boolean | null = null;

  /**
   * @param head At least the 512-byte header of the file.
   * @param expected The type the file claims to be (from its name or declared type).
   */
  constructor(head: Uint8Array, expected: CfbType) {
    this.#expected = expected;
    const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
    const shift = head.byteLength >= 0x34 ? view.getUint16(0x1e, true) : 0;
    const firstDirectorySector = head.byteLength >= 0x34 ? view.getUint32(0x30, true) : 0xffffffff;
    if ((shift !== 9 && shift !== 12) || firstDirectorySector >= 0xfffffffa) {
      this.#start = 0;
      this.#sector = null;
      this.#verdict = false;
    } else {
      // Sector n starts after the header, which takes one sector's room.
      this.#start = (firstDirectorySector + 1) * 2 ** shift;
      this.#sector = new Uint8Array(2 ** shift);
    }
  }

  /**
   * Takes the next chunk of the file (from its first byte on).
   *
   * @returns `false` once the file is known not to be the expected type.
   */
  push(chunk: Uint8Array): boolean {
    if (this.#verdict !== null || this.#sector === null) {
      this.#position += chunk.byteLength;
      return this.#verdict !== false;
    }
    const end = this.#position + chunk.byteLength;
    const from = Math.max(this.#start + this.#filled, this.#position);
    const to = Math.min(this.#start + this.#sector.byteLength, end);
    if (from < to) {
      this.#sector.set(chunk.subarray(from - this.#position, to - this.#position), from - this.#start);
      this.#filled += to - from;
      if (this.#filled === this.#sector.byteLength) this.#verdict = matches(this.#sector, EVIDENCE[this.#expected]);
    }
    this.#position = end;
    return this.#verdict !== false;
  }

  /** @returns Whether the file proved to be the expected type (a file that ended before its directory did not). */
  end(): boolean {
    return this.#verdict === true;
  }
}

function matches(sector: Uint8Array, evidence: CfbEvidence): boolean {
  const view = new DataView(sector.buffer, sector.byteOffset, sector.byteLength);
  for (let at = 0; at + 128 <= sector.byteLength; at += 128) {
    const nameBytes = view.getUint16(at + 0x40, true);
    const type = sector[at + 0x42];
    if (at === 0) {
      // Entry 0 is the root storage (type 5); its class id names the application.
      if (type !== 5) return false;
      if (guid(sector.subarray(at + 0x50, at + 0x60)) === evidence.clsid) return true;
      continue;
    }
    if (type !== 2 || nameBytes < 2 || nameBytes > 64) continue; // only streams
    const name = new TextDecoder('utf-16le').decode(sector.subarray(at, at + nameBytes - 2));
    if (evidence.streams.includes(name)) return true;
  }
  return false;
}

/** The canonical upper-case form of a GUID stored in its mixed-endian layout. */
function guid(b: Uint8Array): string {
  const hex = (i: number) => b[i]!.toString(16).padStart(2, '0');
  const part = (idx: number[]) => idx.map(hex).join('');
  return [part([3, 2, 1, 0]), part([5, 4]), part([7, 6]), part([8, 9]), part([10, 11, 12, 13, 14, 15])].join('-').toUpperCase();
}
