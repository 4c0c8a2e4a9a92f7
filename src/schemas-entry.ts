/**
 * `ticketry/schemas`: the zod schemas of ticketry's inputs and configuration, for a host
 * that validates HTTP bodies or config files before calling the service. They are the
 * very objects the service validates with (built once, from the same builders), so a
 * value one accepts the service accepts too.
 *
 * A separate entry because zod and the schemas cost about 100 ms to load and build:
 * `import('ticketry')` loads neither until the first service or helper needs them, and
 * importing this entry builds them all at once.
 */
import { attachmentLimitsSchema as attachmentLimits } from './attachments/limits.js';
import { slaConfigSchema as slaConfig, ticketConfigSchema as ticketConfig } from './config.js';
import { emailConfigSchema as emailConfig } from './email/email-config.js';
import { renderConfigSchema as renderConfig } from './render/render-limits.js';
import * as inputs from './schemas.js';
import { calendarSchema as calendar } from './sla/calendar.js';
import { durationSchema as duration } from './sla/duration.js';

/** An id or reference: a non-empty string of at most 200 characters, without NUL or lone surrogates. */
export const idSchema = inputs.idSchema();
/**
 * An actor as the host builds it (customer, staff or system). The service checks it on
 * every call, so a malformed session fails closed with a `validation` error.
 */
export const actorSchema = inputs.actorSchema();
/** A ticket subject: trimmed, 1–255 characters, without NUL; lone surrogates become U+FFFD. */
export const subjectSchema = inputs.subjectSchema();
/** The description of a new ticket: not blank, without NUL; lone surrogates become U+FFFD (its length limit is `config.maxBodyLength`). */
export const bodySchema = inputs.bodySchema();
/** A status value. */
export const statusSchema = inputs.statusSchema();
/** A timestamp: a `Date` or an ISO 8601 string with a zone, parsed to a `Date`. */
export const instantSchema = inputs.instantSchema();
/** `desk.create` input. */
export const createTicketInputSchema = inputs.createTicketInputSchema();
/** `desk.addReply` input. */
export const replyInputSchema = inputs.replyInputSchema();
/** `desk.update` patch. */
export const updatePatchSchema = inputs.updatePatchSchema();
/** `desk.list` query. */
export const listQuerySchema = inputs.listQuerySchema();
/** `desk.getStats` query: tickets created in `[from, to)`. */
export const statsQuerySchema = inputs.statsQuerySchema();

/** `createTicketService({ config })`: every field optional, defaults applied. */
export const ticketConfigSchema = ticketConfig();
/** `config.sla`: calendar, hours per business day, targets per priority, warning fraction. */
export const slaConfigSchema = slaConfig();
/** A business-hours `Calendar` (zone, weekly windows, holidays), checked for sense. */
export const calendarSchema = calendar();
/** An SLA `Duration`: exactly one of `minutes`, `hours`, `businessMinutes`, `businessHours`, `businessDays`. */
export const durationSchema = duration();
/** `config.render`: the limits on rendering a Markdown body. */
export const renderConfigSchema = renderConfig();
/** `config.attachments`: size per file, files per message, types accepted by content. */
export const attachmentLimitsSchema = attachmentLimits();
/** `config.email`: the desk's address and the rules of the email channel. */
export const emailConfigSchema = emailConfig();
