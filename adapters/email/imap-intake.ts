/**
 * `imapIntake`: a small poller that takes mail from an IMAP mailbox (imapflow) into
 * `desk.ingestEmail`, and moves or flags what it processed so a restart ingests nothing twice.
 */
import { InternalError } from '../../src/errors.js';

/** Options of `imapIntake`. (First cut by the lead; the IMAP work fills it in.) */
export interface ImapIntakeOptions {
  [key: string]: unknown;
}

export function imapIntake(_options: ImapIntakeOptions): never {
  throw new InternalError('imapIntake is not implemented yet');
}
