import { ValidationError } from '../errors.js';

/*
 * Every way rendering refuses a body, as one `ValidationError` on field `body` with a
 * machine-readable `params.reason`, so a host can translate it and a caller never sees a
 * TypeError or RangeError from deep inside micromark or jsdom.
 */

/** Why a body was refused. */
export type RenderRefusalReason =
  /** The body is not a string. */
  | 'not_a_string'
  /** Longer than `maxBodyLength` (`params.max`, `params.length`). */
  | 'body_too_long'
  /** A Markdown body longer than `render.maxMarkdownLength` (`params.max`, `params.length`). */
  | 'markdown_too_long'
  /** The Markdown expands to too much HTML (`params.max`: characters of HTML). */
  | 'markdown_too_complex'
  /** Rendering took longer than `render.timeBudgetMs` (`params.budgetMs`). */
  | 'render_budget'
  /** The renderer failed on this body (a stack or memory limit); `cause` holds why. */
  | 'render_failed';

/**
 * Builds the error for a refused body.
 *
 * @param reason Machine-readable reason, put in `params.reason`.
 * @param message English text a person can act on.
 * @param params Further parameters (limits, lengths).
 * @param cause The underlying error, if any.
 * @returns A `ValidationError` with `field: 'body'`.
 */
export function bodyRefused(
  reason: RenderRefusalReason,
  message: string,
  params: Record<string, unknown> = {},
  cause?: unknown,
): ValidationError {
  return new ValidationError(message, 'body', { params: { reason, ...params }, cause });
}
