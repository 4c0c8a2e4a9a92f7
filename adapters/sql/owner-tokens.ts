/**
 * Owner tokens: a ticket's reseller and subscriber as two extra words of its own indexed
 * text (number and subject), so that a reseller's or a customer's search narrows its
 * own-text hits inside the index instead of gathering the whole tenant's. A phrase in one
 * subject in twenty is 50,000 own-text hits at a million tickets, of which a reseller
 * may own none: the list then looked up all 50,000 to find that none was in scope.
 *
 * A token is U+E000 (a private-use character: `searchWords` keeps only letters and
 * digits, so no word of a query equals a token or begins one, and no phrase runs into
 * one), a letter for its kind (`r` reseller, `s` subscriber) and the owner's id as
 * lower-case hex of its UTF-8 bytes (ids are at most 200 characters, so a token stays
 * under Postgres's 2,047-byte lexeme limit). `ownerTokensSql` spells the same tokens in
 * SQL, for the statements that index a message from its row.
 *
 * Both indexes carry them: a ticket's own text (number and subject) and each message
 * body. A ticket's owner never changes (`updateTicket` refuses it) and a message only
 * moves between tickets of one owner (a merge or a split keeps the subscriber and the
 * reseller), so the tokens are written once with the text and need no other upkeep.
 * The LIKE dialects (MySQL, MariaDB) have no index to narrow and store no tokens.
 * Migration 010 adds them to what was indexed before it.
 */
import { sql, type RawBuilder } from 'kysely';
import type { StoreScope, StoreSearchPhrase } from '../../src/store.js';
import type { QueryContext } from './query-context.js';

/** Marks a token: no search word holds it. */
export const TOKEN_MARK = '\uE000';

const utf8 = new TextEncoder();
/** Each byte's two lower-case hex digits. */
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/**
 * The id as lower-case hex of its UTF-8 bytes. (Every ticket and message write spells its
 * owner's ids: one encoder and a table, where an encoder per call and `padStart` per byte
 * were 3 % of a create's own time.)
 */
function spelled(id: string): string {
  let hex = '';
  for (const b of utf8.encode(id)) hex += HEX[b]!;
  return hex;
}

/** The token of a ticket's reseller. */
export function resellerToken(resellerId: string): string {
  return `${TOKEN_MARK}r${spelled(resellerId)}`;
}

/** The token of a ticket's subscriber. */
export function subscriberToken(subscriberId: string): string {
  return `${TOKEN_MARK}s${spelled(subscriberId)}`;
}

/** The owner tokens a ticket's own text ends with, joined by spaces (`''` for none). */
export function ownerTokens(owner: { resellerId: string | null; subscriberId: string }): string {
  const tokens = [subscriberToken(owner.subscriberId)];
  if (owner.resellerId !== null) tokens.unshift(resellerToken(owner.resellerId));
  return tokens.join(' ');
}

/** The phrases that narrow own-text hits to `scope`'s owner: its reseller's and subscriber's tokens. */
export function ownerPhrases(scope: StoreScope): StoreSearchPhrase[] {
  const phrases: StoreSearchPhrase[] = [];
  if (scope.resellerId !== undefined) phrases.push({ words: [resellerToken(scope.resellerId)], prefix: false });
  if (scope.subscriberId !== undefined) phrases.push({ words: [subscriberToken(scope.subscriberId)], prefix: false });
  return phrases;
}

/**
 * The owner tokens of the ticket row `t` as a SQL text, a space before each (what
 * `' ' + ownerTokens(ticket)` is), for the fts5 and tsvector dialects.
 */
export function ownerTokensSql(fullText: 'fts5' | 'tsvector', t: string): RawBuilder<string> {
  const hex = (column: string) =>
    fullText === 'fts5' ? sql`lower(hex(${sql.ref(`${t}.${column}`)}))` : sql`encode(convert_to(${sql.ref(`${t}.${column}`)}, 'UTF8'), 'hex')`;
  const mark = sql.val(TOKEN_MARK);
  return sql<string>`(case when ${sql.ref(`${t}.reseller_id`)} is null then '' else ' ' || ${mark} || 'r' || ${hex('reseller_id')} end || ' ' || ${mark} || 's' || ${hex('subscriber_id')})`;
}

/** Whether the dialect indexes owner tokens. */
export function hasOwnerTokens(ctx: Pick<QueryContext, 'hooks'>): boolean {
  return ctx.hooks.capabilities.fullText !== 'like';
}
