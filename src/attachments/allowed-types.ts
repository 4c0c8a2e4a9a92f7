/**
 * The attachment types ticketry can recognise by content, the default list (seed 004),
 * and which of them a browser may show inline.
 *
 * A type can only be allowed when ticketry can tell it from the bytes: an `allowedTypes`
 * entry that is not in `CHECKABLE_ATTACHMENT_TYPES` is a configuration error, because a
 * type that cannot be recognised would only ever be allowed by trusting the file name.
 * HTML, SVG, XML, scripts and executables are not in the list and cannot be added.
 */

/** PNG, JPEG, GIF, PDF, text (TXT and LOG), DOC, DOCX, ZIP and GZIP (TAR.GZ): seed 004's list. */
export const DEFAULT_ALLOWED_TYPES = Object.freeze([
  'image/png',
  'image/jpeg',
  'image/gif',
  'application/pdf',
  'text/plain',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/zip',
  'application/gzip',
] as const);

/**
 * Every type `allowedTypes` may name: each is recognised from the file's bytes (magic
 * numbers through `file-type`; text by being valid UTF-8 without NULs; DOC, XLS and PPT by
 * the streams inside the compound file).
 */
export const CHECKABLE_ATTACHMENT_TYPES = Object.freeze([
  ...DEFAULT_ALLOWED_TYPES,
  'image/webp',
  'image/bmp',
  'image/tiff',
  'image/avif',
  'image/heic',
  'image/heif',
  'application/vnd.ms-excel',
  'application/vnd.ms-powerpoint',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.oasis.opendocument.presentation',
  'application/rtf',
  'application/epub+zip',
  'application/x-tar',
  'application/x-7z-compressed',
  'application/x-bzip2',
  'application/x-xz',
  'application/x-rar-compressed',
  'application/zstd',
  'audio/mpeg',
  'audio/wav',
  'audio/ogg',
  'audio/flac',
  'audio/mp4',
  'video/mp4',
  'video/webm',
  'video/quicktime',
] as const);

/** A type `allowedTypes` may name. */
export type CheckableAttachmentType = (typeof CHECKABLE_ATTACHMENT_TYPES)[number];

const CHECKABLE = new Set<string>(CHECKABLE_ATTACHMENT_TYPES);

/**
 * Whether ticketry can recognise `type` by content (so a host may allow it).
 *
 * @param type A MIME type such as `image/png`, lower case, without parameters.
 */
export function isCheckableType(type: string): type is CheckableAttachmentType {
  return CHECKABLE.has(type);
}

const INLINE_SAFE = new Set(['image/png', 'image/jpeg', 'image/gif']);

/**
 * Whether a file of this (content-checked) type may be served `inline`, i.e. shown in the
 * browser tab rather than downloaded. Only raster images: PNG, JPEG and GIF. Never SVG or
 * HTML (they run script in the host's origin), and not PDF either (PDF viewers run
 * JavaScript and forms; a PDF is offered as a download). Serve everything with
 * `X-Content-Type-Options: nosniff`.
 *
 * @param contentType The attachment's `contentType` (parameters and case are ignored).
 */
export function isInlineSafe(contentType: string): boolean {
  if (typeof contentType !== 'string') return false;
  return INLINE_SAFE.has(baseType(contentType));
}

/** `text/plain; charset=utf-8` -> `text/plain`. */
export function baseType(contentType: string): string {
  return contentType.split(';', 1)[0]!.trim().toLowerCase();
}
