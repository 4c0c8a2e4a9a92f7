/**
 * `ticketry/email`: mailbox intake over IMAP. `desk.ingestEmail` and `desk.emailFor`
 * are on the service itself; this entry holds what needs an IMAP client (imapflow, an
 * optional peer dependency).
 */
export { imapIntake, type ImapIntakeOptions } from './imap-intake.js';
