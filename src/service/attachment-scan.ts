/**
 * The host's attachment scan: a chance to refuse a file (an antivirus such as ClamAV, a
 * DLP check) after its type and size were checked and its bytes stored, and before the
 * message is written. A refusal is a ValidationError naming the file (`attachments.<i>`,
 * `params: { filename, reason: <host code> }`); a hook that throws is `internal` (the
 * wrapper in `service-options.ts`); an answer that is neither nothing nor a refusal is
 * `config`. Either way the message is not written and the files stored for it are deleted.
 */
import { ConfigError, ValidationError } from '../errors.js';
import { hostDecisionSchema } from './host-refusal.js';

/** What the scan is shown: the checked file, and a way to read its stored bytes. */
export interface AttachmentScanFile {
  /** The display name (sanitised). */
  filename: string;
  /** The type recognised from the content. */
  contentType: string;
  /** Bytes. */
  size: number;
  /** sha256 of the bytes, hex (look it up in a hash list before reading anything). */
  checksum: string;
  /** The bytes, streamed from the blob store; each call reads them again. */
  read(): AsyncIterable<Uint8Array>;
}

/** A refusal: the host's code (e.g. `malware`) and the message the person reads. */
export interface AttachmentScanRefusal {
  /** Letters, digits, `_ . : -`, at most 64 characters. It becomes `params.reason`. */
  code: string;
  /** The text shown to the person. At most 1000 characters. */
  message: string;
}

/** The scan's answer: nothing (accept), or a refusal. */
export type AttachmentScanDecision = void | undefined | null | { refuse: AttachmentScanRefusal };

/** `createTicketService({ scanAttachment })`. */
export type AttachmentScanner = (file: AttachmentScanFile) => AttachmentScanDecision | Promise<AttachmentScanDecision>;

const decisionSchema = hostDecisionSchema(() => ({}));

/**
 * Asks the scan about one stored file.
 *
 * @param scanner The wrapped hook.
 * @param file What it is shown.
 * @param index The file's position in the message's `attachments`.
 * @throws ValidationError (`attachments.<index>`, `params.reason` = the host's code) on a
 *   refusal; ConfigError on an answer that is not one; what the wrapper makes of a throw.
 */
export async function scanStoredFile(scanner: AttachmentScanner, file: AttachmentScanFile, index: number): Promise<void> {
  const answer: unknown = await scanner(file);
  const parsed = decisionSchema().safeParse(answer);
  if (!parsed.success) {
    throw new ConfigError(
      'scanAttachment must return nothing (accept) or { refuse: { code, message } } with a code of letters, digits, _ . : - (at most 64) and a message of 1–1000 characters',
      { cause: parsed.error, params: { field: 'scanAttachment' } },
    );
  }
  const refusal = parsed.data?.refuse;
  if (!refusal) return;
  throw new ValidationError(refusal.message, `attachments.${index}`, {
    params: { filename: file.filename, reason: refusal.code },
  });
}
