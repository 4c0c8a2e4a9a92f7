/**
 * What a host hook answers when it may refuse a request (the policy hook, the attachment
 * scan): nothing to allow, or `{ refuse: { code, message } }` with the host's own code and
 * the text the person reads. One schema, so every hook refuses the same way.
 */
import type { z } from 'zod';
import { lazySchema, type Zod } from '../zod-loader.js';

/**
 * The schema of a hook's answer, built on first use; `extra` gives the fields added to the
 * refusal (the policy's `params`).
 */
export function hostDecisionSchema<T extends z.ZodRawShape>(extra: (z: Zod) => T) {
  return lazySchema((z) =>
    z.union([
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
          ...extra(z),
        }),
      }),
    ]),
  );
}
