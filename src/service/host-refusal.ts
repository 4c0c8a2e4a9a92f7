/**
 * What a host hook answers when it may refuse a request (the policy hook, the attachment
 * scan): nothing to allow, or `{ refuse: { code, message } }` with the host's own code and
 * the text the person reads. One schema, so every hook refuses the same way.
 */
import { z } from 'zod';

/**
 * The schema of a hook's answer; `extra` adds fields to the refusal (the policy's
 * `params`).
 */
export function hostDecisionSchema<T extends z.ZodRawShape>(extra: T) {
  return z.union([
    z.undefined(),
    z.null(),
    z.strictObject({
      refuse: z.strictObject({
        /** The host's stable code: letters, digits, `_ . : -`, at most 64 characters. */
        code: z
          .string()
          .min(1)
          .max(64)
          .regex(/^[A-Za-z0-9_.:-]+$/),
        /** The text shown to the person, at most 1000 characters. */
        message: z.string().trim().min(1).max(1000),
        ...extra,
      }),
    }),
  ]);
}
