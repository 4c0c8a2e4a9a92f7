/**
 * Kysely table types for ticketry's SQL stores, shared by SQLite, Postgres and MySQL.
 *
 * Tables are declared under logical names (`tickets`, `messages`, ...); `TableNamePlugin`
 * maps them to the physical names (prefix, schema) at query time, so every query is
 * written once against these types.
 *
 * Column types are the union of what the two drivers hand back: SQLite stores instants
 * as epoch-millisecond integers and booleans as 0/1, Postgres has `timestamptz` and
 * `boolean`; pg returns `bigint` columns as strings. `row-mappers.ts` turns rows into
 * the core's shapes, through the dialect's `SqlDialectHooks`.
 */
import type { ColumnType, Generated, GeneratedAlways } from 'kysely';

/**
 * An instant as a driver returns it: `Date` (Postgres, mysql2), epoch milliseconds
 * (SQLite), or a `'YYYY-MM-DD HH:MM:SS.mmm'` UTC string (MySQL/MariaDB `DATETIME(3)`).
 */
export type DbTimestamp = Date | number | string;

/** A boolean as a driver returns it: `boolean` (Postgres) or 0/1 (SQLite). */
export type DbBoolean = boolean | number;

/** An integer as a driver returns it; pg returns `bigint` and `numeric` as strings. */
export type DbInteger = number | string | bigint;

/** JSON as a driver returns it (parsed by pg, text in SQLite); always written as text. */
export type DbJson = ColumnType<unknown, string, string>;

/** The `tickets` table: every field of `Ticket`, with `sla` flattened into columns. */
export interface TicketTable {
  tenant_id: string;
  id: string;
  number: string;
  subject: string;
  category: string;
  department: string | null;
  priority: string;
  status: string;
  subscriber_id: string;
  reseller_id: string | null;
  assignee_id: string | null;
  created_by_type: string;
  created_by_id: string | null;
  created_at: DbTimestamp;
  updated_at: DbTimestamp;
  status_changed_at: DbTimestamp;
  version: DbInteger;
  archived: DbBoolean;
  deleted_at: DbTimestamp | null;
  first_response_at: DbTimestamp | null;
  resolved_at: DbTimestamp | null;
  first_response_due_at: DbTimestamp | null;
  resolution_due_at: DbTimestamp | null;
  deadline_at: DbTimestamp | null;
  attention: DbInteger;
  sla_first_response_elapsed: ColumnType<number | string, number | undefined, number>;
  sla_resolution_elapsed: ColumnType<number | string, number | undefined, number>;
  sla_clock_at: DbTimestamp | null;
  sla_first_response_remaining: number | string | null;
  sla_resolution_remaining: number | string | null;
  sla_first_response_warn_at: DbTimestamp | null;
  sla_resolution_warn_at: DbTimestamp | null;
  sla_first_response_warned_at: DbTimestamp | null;
  sla_resolution_warned_at: DbTimestamp | null;
  sla_first_response_breached_at: DbTimestamp | null;
  sla_resolution_breached_at: DbTimestamp | null;
  sla_first_response_met: DbBoolean | null;
  sla_resolution_met: DbBoolean | null;
  // Migration 003.
  merged_into_id: string | null;
  locked_by_id: string | null;
  locked_by_name: string | null;
  locked_until: DbTimestamp | null;
  raised: DbBoolean;
  customer_priority: string;
  waiting_since: DbTimestamp | null;
  customer_message_at: DbTimestamp | null;
  addressed_to: string;
  requester_reseller_id: string | null;
  channel: Generated<string>;
  requester_email: string | null;
  // Migration 006 (`list-columns.ts`): replies (customer and staff messages after the
  // opening one) as staff count them, and as the customer does (not internal, not hidden).
  reply_count: Generated<DbInteger>;
  last_reply_at: DbTimestamp | null;
  public_reply_count: Generated<DbInteger>;
  public_last_reply_at: DbTimestamp | null;
  // Migration 016 (`016-waiting-order.ts`): generated, `coalesce(waiting_since, NOT_WAITING)`.
  waiting_order: GeneratedAlways<DbTimestamp>;
}

/** The `messages` table: a ticket's thread; `position` keeps insertion order. */
export interface MessageTable {
  position: Generated<DbInteger>;
  tenant_id: string;
  id: string;
  ticket_id: string;
  author_type: string;
  author_id: string | null;
  author_name: string | null;
  body: string;
  html: string;
  internal: DbBoolean;
  hidden: DbBoolean;
  opening: DbBoolean;
  /** The `SystemNote` as JSON, or null. */
  system: ColumnType<unknown, string | null, string | null>;
  created_at: DbTimestamp;
  edited_at: DbTimestamp | null;
  /** The `MessageEmail` as JSON, or null. */
  email: ColumnType<unknown, string | null | undefined, string | null>;
}

/** The `audit` table: one row per audited change. */
export interface AuditTable {
  position: Generated<DbInteger>;
  tenant_id: string;
  id: string;
  ticket_id: string;
  action: string;
  actor_kind: string;
  actor_id: string | null;
  actor_name: string | null;
  changes: DbJson;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  created_at: DbTimestamp;
}

/** The `outbox` table: events written with the change, emitted after commit. */
export interface OutboxTable {
  position: Generated<DbInteger>;
  tenant_id: string;
  id: string;
  ticket_id: string | null;
  type: string;
  payload: DbJson;
  created_at: DbTimestamp;
  /** Set when emitted, or when a recovery scan claimed the event. */
  delivered_at: DbTimestamp | null;
  /** Queued for the dispatcher: claimable from this time (a claim moves it to its lease end); null when not queued. */
  dispatch_at: DbTimestamp | null;
  /** How many times the dispatcher claimed the event. */
  attempts: Generated<DbInteger>;
  dispatched_at: DbTimestamp | null;
  parked_at: DbTimestamp | null;
  last_error: string | null;
  /** JSON array of the handler names that succeeded. */
  handled: string | null;
}

/** The `counters` table: per-tenant sequences for ticket numbers. */
export interface CounterTable {
  tenant_id: string;
  key: string;
  value: DbInteger;
}

/**
 * The `ticket_stats` table (migration 002, keyed by addressed level and with the SLA
 * sums since 008): whole-tenant stats kept up to date by the store, one row per bucket
 * of non-deleted tickets. Every value column is a sum, so a change is applied as a
 * difference (`col = col + excluded.col`).
 */
export interface TicketStatsTable {
  tenant_id: string;
  /** The tickets' `reseller_id`, `''` for none (a key column cannot hold a null). */
  reseller_id: string;
  /** The tickets' `addressed_to` (`'reseller'` or `'operator'`). */
  addressed_to: string;
  status: string;
  category: string;
  priority: string;
  created_by_type: string;
  /** Non-deleted tickets in the bucket. */
  n: DbInteger;
  /** Sum of `first_response_at - created_at` in ms, over `fr_n` tickets that have a first response. */
  fr_ms_sum: DbInteger;
  fr_n: DbInteger;
  /** Sum of `resolved_at - created_at` in ms, over `res_n` tickets that have one. */
  res_ms_sum: DbInteger;
  res_n: DbInteger;
  /** Tickets whose `sla_first_response_met` is true, and is not null. */
  fr_met: DbInteger;
  fr_total: DbInteger;
  /** Tickets whose `sla_resolution_met` is true, and is not null. */
  res_met: DbInteger;
  res_total: DbInteger;
  /**
   * Sum of `round(sla_first_response_elapsed * 60000)` (SLA-calendar ms), over
   * `fr_sla_n` tickets that have a first response and an `sla_clock_at`.
   */
  fr_sla_ms_sum: DbInteger;
  fr_sla_n: DbInteger;
  /** Sum of `round(sla_resolution_elapsed * 60000)`, over `res_sla_n` resolved tickets with an `sla_clock_at`. */
  res_sla_ms_sum: DbInteger;
  res_sla_n: DbInteger;
}

/**
 * The `ticket_stats_daily` table (migration 008): the same buckets and sums as
 * `ticket_stats`, per UTC day the tickets were created on (`day`: whole days since
 * 1970-01-01), so stats over a window add up its whole days' buckets.
 */
export interface TicketStatsDailyTable extends TicketStatsTable {
  day: DbInteger;
}

/**
 * The `ticket_stats_monthly` table (migration 008): the same buckets and sums per UTC
 * calendar month of creation (`month`: whole months since January 1970), so a long
 * window adds up its whole months here and only the days at its edges daily.
 */
export interface TicketStatsMonthlyTable extends TicketStatsTable {
  month: DbInteger;
}

/**
 * The `ticket_stats_weekly` table (migration 013): the same buckets and sums per week of
 * a UTC calendar month (days 1-7, 8-14, 15-21, 22-28 and 29 to the end; `week`: the UTC
 * day it begins on, whole days since 1970-01-01), so a window adds up its whole weeks
 * here between its whole months and its days.
 */
export interface TicketStatsWeeklyTable extends TicketStatsTable {
  week: DbInteger;
}

/** The `favorites` table (migration 003): a staff member's starred tickets. */
export interface FavoriteTable {
  tenant_id: string;
  staff_id: string;
  ticket_id: string;
  created_at: DbTimestamp;
}

/** The `read_marks` table (migration 003): when a staff member last read a ticket. */
export interface ReadMarkTable {
  tenant_id: string;
  staff_id: string;
  ticket_id: string;
  read_at: DbTimestamp;
}

/** The `saved_filters` table (migration 003): a staff member's named list queries. */
export interface SavedFilterTable {
  tenant_id: string;
  id: string;
  staff_id: string;
  name: string;
  query: DbJson;
  created_at: DbTimestamp;
  updated_at: DbTimestamp;
}

/** The `attachments` table (migration 004): what is known of each attached file. */
export interface AttachmentTable {
  position: Generated<DbInteger>;
  tenant_id: string;
  id: string;
  ticket_id: string;
  message_id: string;
  filename: string;
  content_type: string;
  size: DbInteger;
  checksum: string;
  blob_key: string;
  uploaded_by_type: string;
  uploaded_by_id: string | null;
  created_at: DbTimestamp;
}

/** The `email_messages` table: every Message-ID ticketry received, once per tenant. */
export interface EmailMessageTable {
  tenant_id: string;
  message_id: string;
  ticket_id: string;
  ticket_message_id: string | null;
  direction: string;
  created_at: DbTimestamp;
}

/**
 * The `ticket_search` table (migration 007, `search-queries.ts`): what a search looks up
 * for a ticket's own text, `searchText(number + ' ' + subject)`. Which text column a
 * dialect has follows its `capabilities.fullText`.
 */
export interface TicketSearchTable {
  tenant_id: string;
  ticket_id: string;
  /** The number folded by `String#toLowerCase`: the exact-number match (rank 2). */
  number_key: string;
  /** SQLite (`fts5`): the row's rowid in `ticket_fts`, never reused. */
  key: ColumnType<DbInteger, DbInteger | undefined, never>;
  /** Postgres (`tsvector`): the text as a `tsvector`. */
  vector: ColumnType<unknown, unknown, unknown>;
  /**
   * MySQL/MariaDB (`like`, migration 007) and SQLite (migration 009): the text with a
   * space before and after it.
   */
  search_text: ColumnType<string, string | undefined, string>;
  /**
   * The ticket's `created_at` (migration 014): the order a tenant-wide search walk reads
   * the texts in (`ticket_search_walk_idx`). Null only on a row written by code older than
   * the migration, until `rebuildSearchIndex` fills it.
   */
  created_at: ColumnType<DbTimestamp | null, DbTimestamp | undefined, DbTimestamp>;
  /** The ticket's `reseller_id` (migration 014): a reseller's walk reads `ticket_search_reseller_walk_idx`. */
  reseller_id: ColumnType<string | null, string | null | undefined, string | null>;
}

/**
 * The `message_search` table (migration 007 on Postgres and MySQL/MariaDB, 015 on
 * SQLite): a message body's `searchText`, keyed by the message's `position`. The ticket and the visibility
 * are read from `messages`, so merges, splits and hides need no index change.
 */
export interface MessageSearchTable {
  position: DbInteger;
  /** Postgres (`tsvector`). */
  vector: ColumnType<unknown, unknown, unknown>;
  /** MySQL/MariaDB (`like`) and SQLite (`fts5`, beside `message_fts`): padded like `TicketSearchTable.search_text`. */
  search_text: ColumnType<string, string | undefined, string>;
}

/**
 * An FTS5 table of migration 007 (SQLite): `ticket_fts` (rowid = `ticket_search.key`)
 * and `message_fts` (rowid = `messages.position`), contentless, tokenised on spaces.
 */
export interface SearchFtsTable {
  rowid: DbInteger;
  search_text: string;
}

/** ticketry's tables under their logical names. */
export interface TicketryDatabase {
  tickets: TicketTable;
  messages: MessageTable;
  audit: AuditTable;
  outbox: OutboxTable;
  counters: CounterTable;
  ticket_stats: TicketStatsTable;
  ticket_stats_daily: TicketStatsDailyTable;
  ticket_stats_monthly: TicketStatsMonthlyTable;
  ticket_stats_weekly: TicketStatsWeeklyTable;
  favorites: FavoriteTable;
  read_marks: ReadMarkTable;
  saved_filters: SavedFilterTable;
  attachments: AttachmentTable;
  email_messages: EmailMessageTable;
  ticket_search: TicketSearchTable;
  message_search: MessageSearchTable;
  ticket_fts: SearchFtsTable;
  message_fts: SearchFtsTable;
}

/** The logical table names, in creation order. */
export const LOGICAL_TABLES = [
  'tickets',
  'messages',
  'audit',
  'outbox',
  'counters',
  'ticket_stats',
  'ticket_stats_daily',
  'ticket_stats_monthly',
  // Migration 013.
  'ticket_stats_weekly',
  'favorites',
  'read_marks',
  'saved_filters',
  'attachments',
  'email_messages',
  // Migration 007: the search index (`ticket_fts`/`message_fts` on SQLite only,
  // `message_search` everywhere else).
  'ticket_search',
  'message_search',
  'ticket_fts',
  'message_fts',
] as const;

/** One of ticketry's logical table names. */
export type LogicalTable = (typeof LOGICAL_TABLES)[number];
