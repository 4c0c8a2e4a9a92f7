/**
 * `desk.ingestEmail`: a raw mail in, a ticket opened or replied to (or nothing, and why).
 */
import { InternalError } from '../errors.js';
import type { ServiceContext } from '../service/service-context.js';
import type { IngestOptions, IngestResult, RawEmail } from './email-types.js';

/** Ingests one raw mail. */
export async function ingestEmail(_ctx: ServiceContext, _raw: RawEmail, _options?: IngestOptions): Promise<IngestResult> {
  throw new InternalError('ingestEmail is not implemented yet');
}
