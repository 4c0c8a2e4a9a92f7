/**
 * `ticketry/email`: mailbox intake over IMAP. `desk.ingestEmail` and `desk.emailFor`
 * are on the service itself; this entry holds what needs an IMAP client (imapflow, an
 * optional peer dependency, imported on first use).
 */
export {
  imapIntake,
  type ImapIntake,
  type ImapIntakeOptions,
  type ImapIntakeSummary,
  type ImapIntakeResult,
  type ImapIntakeErrorContext,
  type IntakeDesk,
  type IntakeDisposition,
} from './imap-intake.js';
