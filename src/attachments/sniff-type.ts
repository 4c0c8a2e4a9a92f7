import { InternalError } from '../errors.js';
import { baseType } from './allowed-types.js';
import { CFB_EXTENSIONS, CfbVerifier, isCfbType, type CfbType } from './cfb-check.js';
import { looksLikeText, sniffMarkup, TextVerifier } from './text-check.js';

/*
 * file-type is ESM-only and is loaded on the first upload, never when ticketry is
 * imported (like micromark, see src/render/micromark-loader.ts). Uploads are checked
 * asynchronously anyway, so `import()` suffices: it works from the CJS build too (tsup
 * keeps `import()` as is for a Node 20 target, and Node resolves it as ESM).
 */

type FileTypeModule = typeof import('file-type');

let loading: Promise<FileTypeModule> | undefined;
let loaded = false;

/** Whether `file-type` has been loaded in this copy of the module. For tests. */
export function isFileTypeLoaded(): boolean {
  return loaded;
}

function loadFileType(): Promise<FileTypeModule> {
  loading ??= import('file-type').then(
    (module) => {
      loaded = true;
      return module;
    },
    (err: unknown) => {
      loading = undefined; // let a later upload try again
      throw new InternalError('Could not load file-type, which checks attachment types', { cause: err });
    },
  );
  return loading;
}

/** Bytes `file-type` reads at most to recognise a type: the head of every upload. */
export const SNIFF_HEAD_BYTES = 4100;

/** Why a file's content is refused. */
export interface Refusal {
  reason: 'type_not_allowed' | 'not_text';
  /** The type the content showed, e.g. `text/html`, or `application/octet-stream` when unknown. */
  detected: string;
}

/** Checks the rest of a file once its head passed: fed every chunk from the first byte on. */
export interface ContentVerifier {
  /** @returns A refusal as soon as the content fails the check, else `null`. */
  push(chunk: Uint8Array): Refusal | null;
  /** Called after the last chunk. @returns A refusal when the whole file failed the check. */
  end(): Refusal | null;
}

/** What sniffing the head gave. */
export type Sniffed =
  | { ok: true; contentType: string; verifier: ContentVerifier | null }
  | ({ ok: false } & Refusal);

/** What the upload says about itself: never trusted, only used to choose among types the content allows. */
export interface Declared {
  /** The (sanitised) file name. */
  filename: string;
  /** The `contentType` the uploader gave, if any. */
  hint?: string | undefined;
}

const TEXT_EXTENSIONS = new Set(['txt', 'log', 'text']);
const ROTATED_TEXT = /\.(?:log|txt)[.-]\d[\d-]*$/;

/**
 * Recognises a file's type from its head (the first `SNIFF_HEAD_BYTES` bytes; fewer when
 * the file is shorter). The content decides; the name and declared type only choose
 * between readings the content allows (text, and which Office compound file).
 *
 * - Magic bytes (`file-type`) give the type; it must be in `allowedTypes`.
 *   (`image/apng` counts as `image/png`.)
 * - A compound file (`application/x-cfb`) is DOC, XLS or PPT by its name (DOC when the name
 *   says nothing), confirmed by its directory as it streams (`CfbVerifier`).
 * - Otherwise: markup and scripts (HTML, SVG, XML, PHP, `#!`) are refused; a file named
 *   `.txt` or `.log` (or without an extension and declared `text/plain`) is text when its
 *   head is valid UTF-8 without NULs, the rest being checked as it streams
 *   (`TextVerifier`); anything else is refused.
 *
 * @param head The first bytes (at least one).
 * @param declared The name and declared type.
 * @param allowedTypes The types accepted.
 */
export async function sniffType(head: Uint8Array, declared: Declared, allowedTypes: readonly string[]): Promise<Sniffed> {
  const { fileTypeFromBuffer } = await loadFileType();
  const sample = head.subarray(0, SNIFF_HEAD_BYTES);
  let detected: string | undefined;
  try {
    detected = (await fileTypeFromBuffer(sample))?.mime;
  } catch {
    // A malformed container can trip a parser; it then is simply not recognised.
    detected = undefined;
  }
  if (detected === 'image/apng') detected = 'image/png';
  const allowed = (type: string) => allowedTypes.includes(type);
  const claimed = claimedType(declared);

  if (detected === 'application/x-cfb') {
    const expected: CfbType = isCfbType(claimed) ? claimed : 'application/msword';
    if (!allowed(expected)) return refuse('type_not_allowed', isCfbType(claimed) ? expected : detected);
    return { ok: true, contentType: expected, verifier: cfbVerifier(sample, expected) };
  }
  if (detected !== undefined && allowed(detected)) return { ok: true, contentType: detected, verifier: null };

  const markup = sniffMarkup(sample);
  if (markup !== null) return refuse('type_not_allowed', markup);
  const text = looksLikeText(sample);
  if (claimed === 'text/plain') {
    // UTF-16 text (a BOM, then NULs) trips weak magic numbers (FF FE reads as MPEG audio):
    // say what it is, text in an encoding ticketry does not take.
    if (!text && isUtf16Bom(sample)) return refuse('not_text', 'text/plain; charset=utf-16');
    if (!text) return refuse(detected === undefined ? 'not_text' : 'type_not_allowed', detected ?? 'application/octet-stream');
    if (!allowed('text/plain')) return refuse('type_not_allowed', 'text/plain');
    return { ok: true, contentType: 'text/plain', verifier: textVerifier() };
  }
  return refuse('type_not_allowed', detected ?? (text ? 'text/plain' : 'application/octet-stream'));
}

/**
 * The type the name claims (lower case), or the declared type when the name has no
 * extension. A declared `text/plain` does not make `x.png`, `run.bat` or `page.html` text:
 * text is accepted only under a text extension (or none), so a text attachment never
 * saves to disk as something a double-click runs or renders. Rotated logs
 * (`app.log.1`, `app.log.2026-11-26`) count as `.log`.
 */
function claimedType({ filename, hint }: Declared): string | undefined {
  const name = filename.toLowerCase();
  if (ROTATED_TEXT.test(name)) return 'text/plain';
  const dot = name.lastIndexOf('.');
  if (dot < 0) return typeof hint === 'string' && hint.trim() !== '' ? baseType(hint) : undefined;
  const extension = name.slice(dot + 1);
  if (TEXT_EXTENSIONS.has(extension)) return 'text/plain';
  return CFB_EXTENSIONS[extension];
}

function isUtf16Bom(head: Uint8Array): boolean {
  return (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff);
}

function refuse(reason: Refusal['reason'], detected: string): Sniffed {
  return { ok: false, reason, detected };
}

function textVerifier(): ContentVerifier {
  const text = new TextVerifier();
  const refusal: Refusal = { reason: 'not_text', detected: 'application/octet-stream' };
  return {
    push: (chunk) => (text.push(chunk) ? null : refusal),
    end: () => (text.end() ? null : refusal),
  };
}

function cfbVerifier(head: Uint8Array, expected: CfbType): ContentVerifier {
  const cfb = new CfbVerifier(head, expected);
  const refusal: Refusal = { reason: 'type_not_allowed', detected: 'application/x-cfb' };
  return {
    push: (chunk) => (cfb.push(chunk) ? null : refusal),
    end: () => (cfb.end() ? null : refusal),
  };
}
