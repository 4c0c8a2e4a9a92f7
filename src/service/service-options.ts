/**
 * The options of `createTicketService`, checked when the service is created (a `config`
 * error naming the option), and the host callbacks among them wrapped so that whatever
 * they throw or return reaches the caller as a typed error.
 */
import { ConfigError, InternalError, TicketError } from '../errors.js';
import type { TicketEvent } from '../events/event-types.js';
import type { TicketConfigInput } from '../config.js';
import { nodeCrypto } from '../node-crypto.js';
import type { TicketStore } from '../store.js';
import type { Directory, DirectoryStaff, DirectorySubscriber } from '../types.js';
import type { BlobStore } from '../blobs/blob-store.js';
import type { PolicyDecision, TicketPolicy } from './policy.js';
import type { AttachmentScanDecision, AttachmentScanner } from './attachment-scan.js';
import type { EmailTemplates } from '../email/email-types.js';

/** Options of `createTicketService`. */
export interface TicketServiceOptions {
  /** Where tickets live: `memoryStore()`, `sqliteStore()`, `postgresStore()` or your own. */
  store: TicketStore;
  /**
   * Every row written carries it; services with different tenants never see each other.
   * A non-empty string of at most 200 characters. @default 'default'
   */
  tenantId?: string;
  /** Categories, priorities, number format, SLA policy... Checked when the service is created. */
  config?: TicketConfigInput;
  /** The time source; must return a valid `Date`. Inject one in tests. @default () => new Date() */
  clock?: () => Date;
  /**
   * The id source for tickets, messages, audit entries and events; must return unique
   * non-empty strings of at most 200 characters. @default crypto.randomUUID
   */
  generateId?: () => string;
  /**
   * The host's lookup of subscribers and staff. With it, the directory (never the
   * caller's session) says which reseller a subscriber belongs to. Without it, a
   * customer actor's `resellerId` is taken as given and staff names are unknown.
   */
  directory?: Directory;
  /**
   * Called when an event listener throws or rejects. The operation has committed by then
   * and still succeeds. @default logs with console.error
   */
  onListenerError?: (error: unknown, event: TicketEvent) => void;
  /**
   * The host's say before a ticket is opened (by anyone: `request.actor` says who) or a
   * customer replies (a paid-support quota, an abuse block): return
   * `{ refuse: { code, message } }` to refuse with a `RefusedError`.
   */
  policy?: TicketPolicy;
  /**
   * Where attachment bytes live: `memoryBlobStore()` or `fileBlobStore({ root })` from
   * `ticketry/blobs`, or your own `BlobStore`. Without it, tickets take no attachments.
   */
  blobs?: BlobStore;
  /**
   * The host's scan of each attached file (an antivirus such as ClamAV), called after its
   * type and size were checked and its bytes stored, before the message is written: return
   * `{ refuse: { code, message } }` to refuse the file (a `validation` error naming it; the
   * message is not written and its files are deleted). A scan that throws is `internal`.
   */
  scanAttachment?: AttachmentScanner;
  /**
   * Queue every event for `desk.dispatcher` (exact delivery to handlers, retried and
   * parked). Give every instance on the store the same setting. @default false
   */
  dispatch?: boolean;
  /**
   * The host's email templates, by language and event type, over ticketry's own (English,
   * Spanish, Russian); see `emailFor`.
   */
  emailTemplates?: EmailTemplates;
}

/** The host callbacks, checked and wrapped. */
export interface CheckedOptions {
  tenantId: string;
  clock: () => Date;
  generateId: () => string;
  directory: Directory | undefined;
  policy: TicketPolicy | undefined;
  blobs: BlobStore | undefined;
  scanAttachment: AttachmentScanner | undefined;
  dispatch: boolean;
  emailTemplates: EmailTemplates | undefined;
}

/** The methods a blob store must have. */
const BLOB_METHODS = ['put', 'get', 'stat', 'delete', 'list'] as const;

/** The store methods the service calls; a store missing one is refused at creation. */
export const STORE_METHODS = [
  'transaction',
  'findTicket',
  'listMessages',
  'listTickets',
  'getStats',
  'listAudit',
  'listStale',
  'markDelivered',
  'claimUndelivered',
  'findMessage',
  'listFilters',
  'countOpenByAssignee',
  'findAttachment',
  'listTicketAttachments',
  'attachmentKeysExist',
  'findEmailMessages',
  'claimDispatch',
  'finishDispatch',
  'listParked',
  'requeueParked',
] as const;

function refuse(option: string, why: string): never {
  throw new ConfigError(`createTicketService: ${option} ${why}`, { params: { field: option } });
}

function isFunction(value: unknown): value is (...args: never[]) => unknown {
  return typeof value === 'function';
}

/** Checks `options` and wraps its callbacks; throws `ConfigError` naming the bad option. */
export function checkServiceOptions(options: unknown): CheckedOptions {
  if (typeof options !== 'object' || options === null) refuse('options', 'must be an object with a store');
  const o = options as Record<string, unknown>;
  const store = o.store as Record<string, unknown> | undefined;
  if (typeof store !== 'object' || store === null) {
    refuse('store', 'is required: memoryStore(), sqliteStore(), postgresStore() or your own TicketStore');
  }
  for (const method of STORE_METHODS) {
    if (!isFunction(store[method])) refuse('store', `is not a TicketStore: it has no ${method}() method`);
  }
  const tenantId = o.tenantId ?? 'default';
  if (typeof tenantId !== 'string' || tenantId.length === 0 || tenantId.length > 200) {
    refuse('tenantId', 'must be a non-empty string of at most 200 characters');
  }
  for (const name of ['clock', 'generateId', 'onListenerError'] as const) {
    if (o[name] !== undefined && !isFunction(o[name])) refuse(name, 'must be a function');
  }
  const directory = o.directory as Record<string, unknown> | undefined;
  if (directory !== undefined) {
    if (typeof directory !== 'object' || directory === null) refuse('directory', 'must be an object');
    for (const method of ['getSubscriber', 'getStaff'] as const) {
      if (!isFunction(directory[method])) refuse('directory', `must have a ${method}(id) function`);
    }
    for (const method of ['listDepartmentMembers', 'findSubscriberByEmail'] as const) {
      if (directory[method] !== undefined && !isFunction(directory[method])) refuse('directory', `${method} must be a function when given`);
    }
  }
  const policy = o.policy as Record<string, unknown> | undefined;
  if (policy !== undefined) {
    if (typeof policy !== 'object' || policy === null) refuse('policy', 'must be an object');
    for (const hook of ['beforeCreate', 'beforeCustomerReply'] as const) {
      if (policy[hook] !== undefined && !isFunction(policy[hook])) refuse('policy', `${hook} must be a function`);
    }
  }
  if (o.scanAttachment !== undefined && !isFunction(o.scanAttachment)) refuse('scanAttachment', 'must be a function');
  if (o.dispatch !== undefined && typeof o.dispatch !== 'boolean') refuse('dispatch', 'must be true or false');
  const emailTemplates = o.emailTemplates as Record<string, unknown> | undefined;
  if (emailTemplates !== undefined) {
    if (typeof emailTemplates !== 'object' || emailTemplates === null) refuse('emailTemplates', 'must be an object of languages');
    for (const [language, byEvent] of Object.entries(emailTemplates)) {
      if (typeof byEvent !== 'object' || byEvent === null) refuse('emailTemplates', `.${language} must be an object of event types`);
      for (const [type, template] of Object.entries(byEvent)) {
        if (template !== undefined && !isFunction(template)) refuse('emailTemplates', `.${language}.${type} must be a function`);
      }
    }
  }
  const blobs = o.blobs as Record<string, unknown> | undefined;
  if (blobs !== undefined) {
    if (typeof blobs !== 'object' || blobs === null) refuse('blobs', 'must be a BlobStore: memoryBlobStore(), fileBlobStore({ root }) or your own');
    for (const method of BLOB_METHODS) {
      if (!isFunction(blobs[method])) refuse('blobs', `is not a BlobStore: it has no ${method}() method`);
    }
  }
  return {
    tenantId,
    blobs: blobs as BlobStore | undefined,
    clock: checkedCallback('clock', (o.clock as (() => Date) | undefined) ?? (() => new Date()), isValidDate, 'a valid Date'),
    generateId: checkedCallback(
      'generateId',
      (o.generateId as (() => string) | undefined) ?? (() => nodeCrypto().randomUUID()),
      isUsableId,
      'a non-empty string of at most 200 characters',
    ),
    directory: directory ? checkedDirectory(directory as unknown as Directory) : undefined,
    policy: policy ? checkedPolicy(policy as TicketPolicy) : undefined,
    scanAttachment: o.scanAttachment ? checkedScan(o.scanAttachment as AttachmentScanner) : undefined,
    dispatch: o.dispatch === true,
    emailTemplates: emailTemplates as EmailTemplates | undefined,
  };
}

/** A host callback's failure, as the caller sees it: `internal`, the original as `cause`. */
function hostFailure(name: string, error: unknown): TicketError {
  if (TicketError.is(error)) return error;
  return new InternalError(`The host's ${name} failed: ${error instanceof Error ? error.message : String(error)}`, {
    cause: error,
    params: { callback: name },
  });
}

/** Runs an async host callback; a throw or rejection becomes `hostFailure`. */
async function callHost<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw hostFailure(name, error);
  }
}

/**
 * A synchronous host callback whose result must pass `valid`: a throw becomes
 * `hostFailure`, an unusable result a `config` error saying what it must return.
 */
function checkedCallback<T>(name: string, fn: () => unknown, valid: (value: unknown) => value is T, must: string): () => T {
  return () => {
    let value: unknown;
    try {
      value = fn();
    } catch (error) {
      throw hostFailure(name, error);
    }
    if (!valid(value)) throw new ConfigError(`createTicketService: ${name} must return ${must}`, { params: { field: name } });
    return value;
  };
}

const isValidDate = (value: unknown): value is Date => value instanceof Date && !Number.isNaN(value.getTime());
const isUsableId = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= 200;

function checkedDirectory(directory: Directory): Directory {
  const members = directory.listDepartmentMembers?.bind(directory);
  const byEmail = directory.findSubscriberByEmail?.bind(directory);
  return {
    getSubscriber: (id) =>
      callHost<DirectorySubscriber | null>('directory.getSubscriber', () => directory.getSubscriber(id)),
    getStaff: (id) => callHost<DirectoryStaff | null>('directory.getStaff', () => directory.getStaff(id)),
    ...(members
      ? {
          listDepartmentMembers: (department: string) =>
            callHost<readonly string[]>('directory.listDepartmentMembers', () => members(department)),
        }
      : {}),
    ...(byEmail
      ? {
          findSubscriberByEmail: (email: string) =>
            callHost<DirectorySubscriber | null>('directory.findSubscriberByEmail', () => byEmail(email)),
        }
      : {}),
  };
}

/** The policy hooks, each wrapped so a throw is `internal` (a TicketError passes as thrown). */
function checkedPolicy(policy: TicketPolicy): TicketPolicy {
  const wrapped: TicketPolicy = {};
  for (const hook of ['beforeCreate', 'beforeCustomerReply'] as const) {
    const fn = policy[hook]?.bind(policy);
    if (fn) wrapped[hook] = (request) => callHost<PolicyDecision>(`policy.${hook}`, () => fn(request));
  }
  return wrapped;
}

/** The attachment scan, wrapped so a throw is `internal` (a TicketError passes as thrown). */
function checkedScan(scan: AttachmentScanner): AttachmentScanner {
  return (file) => callHost<AttachmentScanDecision>('scanAttachment', () => scan(file));
}
