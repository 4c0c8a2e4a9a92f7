export { createTicketService } from './service/create-ticket-service.js';
export type {
  AttachmentDownload,
  AttachmentScanDecision,
  AttachmentScanFile,
  AttachmentScanner,
  BulkAction,
  BulkResult,
  LockOptions,
  PolicyDecision,
  PolicyRefusal,
  PolicyRequest,
  RoutingRecord,
  ScheduledWorkResult,
  TicketPolicy,
  TicketService,
  TicketServiceOptions,
} from './service/create-ticket-service.js';
export { DEFAULT_CUSTOMER_STATUSES, customerStatusLabel } from './customer-status.js';
export { resellerRequester } from './service/addressed-level.js';
export { sanitizeFilename, contentDisposition, MAX_FILENAME_BYTES } from './attachments/file-name.js';
export {
  isInlineSafe,
  DEFAULT_ALLOWED_TYPES,
  CHECKABLE_ATTACHMENT_TYPES,
  type CheckableAttachmentType,
} from './attachments/allowed-types.js';
export { DEFAULT_ATTACHMENT_LIMITS, type AttachmentLimits } from './attachments/limits.js';
export type { UploadContent } from './attachments/upload-content.js';
export type { UploadRefusalReason } from './attachments/check-upload.js';
export { checkBlobKey } from './blobs/blob-store.js';
export type { BlobStore } from './blobs/blob-store.js';
export type { RequesterActor } from './service/addressed-level.js';
export type { CustomerStatusRule } from './customer-status.js';
export { toCustomerTicket } from './customer-view.js';
export type {
  CustomerMessage,
  CustomerTicket,
  CustomerTicketDetail,
  CustomerTicketSummary,
  ReplyFor,
  TicketDetailFor,
  TicketFor,
  TicketSummaryFor,
  ViewFor,
} from './customer-view.js';
export { resolveConfig } from './config.js';
export type { SlaConfig, TicketConfig, TicketConfigInput } from './config.js';
export {
  ConfigError,
  ConflictError,
  ForbiddenError,
  InternalError,
  InvalidTransitionError,
  LockedError,
  NotFoundError,
  RefusedError,
  TicketError,
  UnavailableError,
  ValidationError,
} from './errors.js';
export type { FieldIssue, TicketErrorByCode, TicketErrorCode, TicketErrorOptions } from './errors.js';
export { EVENT_TYPES } from './events/event-types.js';
export type {
  Changes,
  Notify,
  TicketEvent,
  TicketEventBase,
  TicketEventMap,
  TicketEventType,
} from './events/event-types.js';
// The zod schemas themselves are the `ticketry/schemas` entry (src/schemas-entry.ts), so
// importing ticketry loads no zod.
export { REQUIRED_MESSAGE } from './schemas.js';
export type { CreateTicketInput, ListQuery, ReplyInput, StatsQuery, UpdatePatch } from './schemas.js';
export { scopeFor } from './permissions.js';
export { describeNote, isPublicNote } from './system-notes.js';
export { escapeHtml, renderMarkdown, renderPlainText } from './render/markdown.js';
export { renderBody, stopRenderWorker } from './render/render-body.js';
export { warmUp } from './render/warm-up.js';
export type { WarmUpOptions } from './render/warm-up.js';
export type { BodyKind } from './render/render-body.js';
export { DEFAULT_RENDER_LIMITS } from './render/render-limits.js';
export type { RenderConfig, RenderLimits } from './render/render-limits.js';
export type { RenderRefusalReason } from './render/render-refusal.js';
export { addBusinessTime, businessMinutesBetween } from './sla/business-time.js';
export { slaStatus } from './sla/sla-status.js';
export type { SlaTargetStatus } from './sla/sla-status.js';
export { DEFAULT_CALENDAR, TWENTY_FOUR_SEVEN, compileCalendar } from './sla/calendar.js';
export type { Calendar, CompiledCalendar, Weekday } from './sla/calendar.js';
export { dueAt, resolveDuration } from './sla/duration.js';
export type { Duration, ResolvedDuration } from './sla/duration.js';
export { STATUSES, UNRESOLVED_STATUSES } from './types.js';
export type {
  Dispatcher,
  DispatcherOptions,
  DispatchBackoff,
  DispatchErrorHandler,
  DispatchHandler,
  DispatchRun,
} from './events/dispatcher.js';
export type { ParkedEventInfo } from './events/parked-events.js';
export { EMAIL_LANGUAGES, DEFAULT_MAX_EMAIL_BYTES, type EmailConfig } from './email/email-config.js';
export type {
  CustomerTemplateInput,
  DroppedAttachment,
  EmailAddress,
  EmailAudience,
  EmailForOptions,
  EmailTemplate,
  EmailTemplateInput,
  EmailTemplates,
  IngestOptions,
  IngestOutcome,
  IngestReason,
  IngestResult,
  OutgoingEmail,
  RawEmail,
  RenderedEmail,
  StaffTemplateInput,
} from './email/email-types.js';
export type {
  Actor,
  AddressLevel,
  Attachment,
  AuditEntry,
  AuthorType,
  CustomerActor,
  Directory,
  DirectoryStaff,
  DirectorySubscriber,
  Message,
  MessageEmail,
  Permission,
  RequestContext,
  SavedFilter,
  SlaCompliance,
  StaffActor,
  StoredAttachment,
  Status,
  SystemActor,
  SystemNote,
  Ticket,
  TicketChannel,
  TicketDetail,
  TicketSlaState,
  TicketSort,
  TicketStats,
  TicketSummary,
} from './types.js';
export type {
  DispatchClaim,
  DispatchOutcome,
  EmailMessageRecord,
  ListAfter,
  MessagePatch,
  OutboxEvent,
  ParkedEvent,
  SlaAlertKind,
  StoreListQuery,
  StoreReader,
  StoreScope,
  StoreStats,
  StoreStatsQuery,
  StoreTicketSummary,
  StoreTx,
  TicketPatch,
  TicketRow,
  TicketStore,
} from './store.js';
// For authors of stores: the rules every store enforces, the optional-method fallbacks,
// the stats fold and the SLA field table the bundled stores share.
export { TICKET_FIELD_RULES, checkTicketPatch, checkTicketRow } from './store-checks.js';
export { withStoreFallbacks } from './store-fallbacks.js';
export type { CompleteTicketStore } from './store-fallbacks.js';
export { StatsAccumulator } from './stats/stats-accumulator.js';
export type { StatsBucket, StatsKey, StatsSums, TicketStatsFacts } from './stats/stats-accumulator.js';
export { SLA_ALERTS, SLA_FIELDS, SLA_TARGETS, slaAlertDueAt, slaAlertFields } from './sla/sla-fields.js';
export type { SlaAlert, SlaTarget } from './sla/sla-fields.js';
