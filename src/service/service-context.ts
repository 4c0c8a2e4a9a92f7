/**
 * What every operation of the service works with: the store, the tenant, the resolved
 * config, the clock, the id source, the host's directory, and the event emitter. Built
 * once by `createTicketService` and handed to each operation.
 */
import type { Emitter } from 'mitt';
import type { TicketConfig } from '../config.js';
import type { TicketEvent, TicketEventMap } from '../events/event-types.js';
import type { NumberFormat } from '../numbering.js';
import type { SlaClock } from '../sla/sla-clock.js';
import type { CompleteTicketStore } from '../store-fallbacks.js';
import type { Directory } from '../types.js';
import type { BlobStore } from '../blobs/blob-store.js';
import type { AttachmentScanner } from './attachment-scan.js';
import type { EmailTemplates } from '../email/email-types.js';
import type { TicketPolicy } from './policy.js';

/** The service's collaborators, shared by every operation. */
export interface ServiceContext {
  readonly tenantId: string;
  readonly config: TicketConfig;
  /** The host's store, with fallbacks for the optional methods it lacks. */
  readonly store: CompleteTicketStore;
  readonly clock: () => Date;
  readonly id: () => string;
  readonly directory: Directory | undefined;
  /** The host's policy hooks, wrapped (`service-options.ts`). */
  readonly policy: TicketPolicy | undefined;
  /** Where attachment bytes live; `undefined`: no attachments. */
  readonly blobs: BlobStore | undefined;
  /** The host's attachment scan (`service-options.ts`, wrapped); `undefined`: none. */
  readonly scanAttachment: AttachmentScanner | undefined;
  /** Events are queued for `desk.dispatcher` (`dispatch: true`). */
  readonly dispatch: boolean;
  /** The host's email templates (`emailTemplates`), over ticketry's own. */
  readonly emailTemplates: EmailTemplates | undefined;
  readonly numbers: NumberFormat;
  readonly sla: SlaClock;
  readonly events: Emitter<TicketEventMap>;
  readonly onListenerError: (error: unknown, event: TicketEvent) => void;
}
