import { ConfigError } from '../errors.js';
import { lazySchema } from '../zod-loader.js';
import { CHECKABLE_ATTACHMENT_TYPES, DEFAULT_ALLOWED_TYPES, isCheckableType } from './allowed-types.js';

/** Limits on the files attached to one message (`config.attachments`). */
export interface AttachmentLimits {
  /** Largest file, in bytes. A bigger one is refused as soon as its stream passes this. @default 10485760 (10 MiB) */
  maxFileBytes: number;
  /** Most files on one message. @default 10 */
  maxFiles: number;
  /** The types accepted, as recognised from the content. @default DEFAULT_ALLOWED_TYPES */
  allowedTypes: readonly string[];
}

/** 10 MiB. */
export const DEFAULT_MAX_FILE_BYTES = 10 * 1024 * 1024;
/** 10 files per message. */
export const DEFAULT_MAX_FILES = 10;

/**
 * `config.attachments`: every field optional, with the defaults of `DEFAULT_ATTACHMENT_LIMITS`.
 * `allowedTypes` entries must be types ticketry recognises by content
 * (`CHECKABLE_ATTACHMENT_TYPES`); anything else (`text/html`, `image/svg+xml`, a typo)
 * is a configuration error.
 */
export const attachmentLimitsSchema = lazySchema((z) =>
  z.strictObject({
    /** Largest file in bytes, at most 4 GiB. @default 10485760 (10 MiB) */
    maxFileBytes: z.number().int().positive().max(4 * 1024 * 1024 * 1024).default(DEFAULT_MAX_FILE_BYTES),
    /** Most files per message; 0 turns attachments off. @default 10 */
    maxFiles: z.number().int().min(0).max(1000).default(DEFAULT_MAX_FILES),
    /** Types accepted by content. @default DEFAULT_ALLOWED_TYPES */
    allowedTypes: z
      .array(
        z.string().refine(isCheckableType, {
          error: (issue) =>
            `Unknown attachment type ${JSON.stringify(issue.input)} in attachments.allowedTypes: ticketry can check only these types by content: ${CHECKABLE_ATTACHMENT_TYPES.join(', ')}`,
        }),
      )
      .max(CHECKABLE_ATTACHMENT_TYPES.length * 2)
      .transform((types) => Object.freeze([...new Set(types)]) as readonly string[])
      .default(DEFAULT_ALLOWED_TYPES),
  }),
);

/** The defaults: 10 MiB per file, 10 files per message, seed 004's types. */
export const DEFAULT_ATTACHMENT_LIMITS: Readonly<AttachmentLimits> = Object.freeze({
  maxFileBytes: DEFAULT_MAX_FILE_BYTES,
  maxFiles: DEFAULT_MAX_FILES,
  allowedTypes: DEFAULT_ALLOWED_TYPES,
});

/**
 * Checks partial limits and fills in the defaults.
 *
 * @param limits Some or all of the limits (`config.attachments`), or nothing.
 * @returns Every limit.
 * @throws ConfigError naming the field (`attachments.<field>`) when a limit is invalid.
 */
export function resolveAttachmentLimits(limits: unknown = {}): AttachmentLimits {
  const result = attachmentLimitsSchema().safeParse(limits);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = ['attachments', ...issue.path.map(String)].join('.');
  throw new ConfigError(issue.message.startsWith('Unknown attachment type') ? issue.message : `Invalid ${field}: ${issue.message}`, {
    cause: result.error.issues,
    params: { field },
  });
}
